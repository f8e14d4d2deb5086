// The sign-in page against hostile input, over HTTP without a browser: where `next` may send the user, and what a
// broken cookie does.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { seedOrganization, startTestContext, type TestContext } from '../../api/test/context';
import { apiSignIn, type ApiSession } from './support/session';
import { startWebStack, type WebStack } from './support/stack';
import { loadWebHandler } from './support/web-build';

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

/** Signs in with the web's form (as a browser without script does) and returns the answer. */
async function formSignIn(url: string, email: string, password: string, headers: Record<string, string>): Promise<Response> {
  const res = await fetch(`${url}/login`, {
    method: 'POST',
    headers: { 'content-type': 'application/x-www-form-urlencoded', accept: 'text/html', origin: url, ...headers },
    body: new URLSearchParams({ email, password }),
    redirect: 'manual',
  });
  await res.arrayBuffer();
  return res;
}

async function lastSignInIp(ctx: TestContext, email: string): Promise<string | null | undefined> {
  const row = await ctx.app.store.db.selectFrom('audit_events').select('ip').where('actor', '=', email).where('action', '=', 'login.succeeded').orderBy('id', 'desc').executeTakeFirst();
  return row?.ip;
}

describe('the visitor address behind the web pages', () => {
  it('is the connection’s own without LOGSTAG_TRUST_PROXY: a visitor’s X-Forwarded-For and -Proto are not believed', async () => {
    const res = await formSignIn(stack.url, stack.org.ownerEmail, stack.org.ownerPassword, { 'x-forwarded-for': '203.0.113.50', 'x-forwarded-proto': 'https' });
    expect(res.status).toBe(303);
    expect(res.headers.getSetCookie().find((c) => c.startsWith('logstag_session='))).not.toMatch(/Secure/);
    expect(await lastSignInIp(stack.ctx, stack.org.ownerEmail)).toBe('127.0.0.1');
  });

  describe('behind a trusted proxy (LOGSTAG_TRUST_PROXY=loopback)', () => {
    let proxied: TestContext;
    beforeAll(async () => {
      proxied = await startTestContext('pglite', { temporal: stack.ctx.temporal, webHandler: await loadWebHandler(), env: { LOGSTAG_TRUST_PROXY: 'loopback' } });
    });
    afterAll(async () => {
      await proxied?.stop();
    });

    it('reaches the API as the forwarded client, so the audit log and the lockout see the visitor, not the proxy', async () => {
      const org = await seedOrganization(proxied, 'Behind a proxy');
      const res = await formSignIn(proxied.url, org.ownerEmail, org.ownerPassword, { 'x-forwarded-for': '203.0.113.50' });
      expect(res.status).toBe(303);
      expect(await lastSignInIp(proxied, org.ownerEmail)).toBe('203.0.113.50');
    });

    it('keeps the session cookie Secure when the proxy says the visitor used https', async () => {
      const org = await seedOrganization(proxied, 'Behind TLS');
      const httpsOrigin = proxied.url.replace('http:', 'https:');
      const res = await formSignIn(proxied.url, org.ownerEmail, org.ownerPassword, { 'x-forwarded-proto': 'https', origin: httpsOrigin });
      expect(res.status).toBe(303);
      expect(res.headers.getSetCookie().find((c) => c.startsWith('logstag_session='))).toMatch(/; Secure/);
    });
  });
});
