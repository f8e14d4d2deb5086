// The sign-in page against hostile input, over HTTP without a browser: where `next` may send the user, and what a
// broken cookie does.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { apiSignIn, type ApiSession } from './support/session';
import { startWebStack, type WebStack } from './support/stack';

let stack: WebStack;
let session: ApiSession;

beforeAll(async () => {
  stack = await startWebStack();
  session = await apiSignIn(stack.url, stack.org.ownerEmail, stack.org.ownerPassword);
});
afterAll(async () => {
  await stack?.stop();
});

const FALLBACK = '/databases';

/**
 * `next` values as they appear in the address bar (percent-encoded as an attacker would send them). Each one, followed
 * by a browser, would leave this origin or inject a header if it were echoed into Location.
 */
const HOSTILE_NEXT = [
  '//evil.example',
  '%2F%2Fevil.example',
  '/%5Cevil.example',
  '/%5C/evil.example',
  '%5C%5Cevil.example',
  '%5C/evil.example',
  '/%09/evil.example',
  '%09//evil.example',
  '%20//evil.example',
  '/%0A/evil.example',
  '/%0D%0ALocation:%20http://evil.example',
  '/%00/evil.example',
  '/%2F%2Fevil.example',
  '/%252F%252Fevil.example',
  '/%255Cevil.example',
  '/.//evil.example',
  '/..//evil.example',
  '/%2E%2E//evil.example',
  '/./%5Cevil.example',
  'https://evil.example',
  'https:evil.example',
  'http:/evil.example',
  '//evil.example@127.0.0.1',
  'javascript:alert(1)',
  'JaVaScRiPt%3Aalert(1)',
  'data:text/html,<script>alert(1)</script>',
  'evil.example',
  '',
  '%E0%A4%A',
];

/** Legitimate destinations keep their path, query and fragment. */
const SAME_ORIGIN_NEXT: Array<[string, string]> = [
  ['/assets', '/assets'],
  [encodeURIComponent('/queries/detail?target=pg-main&id=12'), '/queries/detail?target=pg-main&id=12'],
  ['/schema', '/schema'],
  [encodeURIComponent('/activity?target=a%20b#top'), '/activity?target=a%20b#top'],
];

async function loginPageLocation(next: string): Promise<{ status: number; location: string | null }> {
  const res = await fetch(`${stack.url}/login?next=${next}`, { headers: { cookie: session.cookie }, redirect: 'manual' });
  await res.arrayBuffer();
  return { status: res.status, location: res.headers.get('location') };
}

describe('the destination after sign-in (next)', () => {
  it.each(HOSTILE_NEXT)('sends a signed-in visitor of /login?next=%s to the default page, never elsewhere', async (next) => {
    expect(await loginPageLocation(next)).toEqual({ status: 303, location: FALLBACK });
  });

  it.each(SAME_ORIGIN_NEXT)('keeps the same-origin path %s', async (next, expected) => {
    expect(await loginPageLocation(next)).toEqual({ status: 303, location: expected });
  });

  it('applies the same rule to the sign-in form itself', async () => {
    for (const [next, expected] of [
      ['/%5Cevil.example', FALLBACK],
      ['/%09/evil.example', FALLBACK],
      ['/assets', '/assets'],
    ] as const) {
      const res = await fetch(`${stack.url}/login?next=${next}`, {
        method: 'POST',
        headers: { 'content-type': 'application/x-www-form-urlencoded', accept: 'text/html', origin: stack.url },
        body: new URLSearchParams({ email: stack.org.ownerEmail, password: stack.org.ownerPassword }),
        redirect: 'manual',
      });
      await res.arrayBuffer();
      expect({ next, status: res.status, location: res.headers.get('location') }).toEqual({ next, status: 303, location: expected });
    }
  });
});

describe('a malformed session cookie', () => {
  const cookie = 'logstag_session=%E0%A4%A';

  it('is no session: the sign-in page opens, other pages ask to sign in', async () => {
    const login = await fetch(`${stack.url}/login`, { headers: { cookie }, redirect: 'manual' });
    expect(login.status).toBe(200);
    expect(await login.text()).toContain('Sign in');
    const assets = await fetch(`${stack.url}/assets`, { headers: { cookie }, redirect: 'manual' });
    await assets.arrayBuffer();
    expect(assets.status).toBe(303);
    expect(assets.headers.get('location')).toBe('/login?next=%2Fassets');
  });

  it('does not stop a sign-in', async () => {
    const res = await fetch(`${stack.url}/login`, {
      method: 'POST',
      headers: { cookie, 'content-type': 'application/x-www-form-urlencoded', accept: 'text/html', origin: stack.url },
      body: new URLSearchParams({ email: stack.org.ownerEmail, password: stack.org.ownerPassword }),
      redirect: 'manual',
    });
    await res.arrayBuffer();
    expect(res.status).toBe(303);
    expect(res.headers.getSetCookie().some((c) => /^logstag_session=[A-Za-z0-9_-]{43};/.test(c))).toBe(true);
  });
});
