import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Browser, Page } from 'playwright-core';
import { hydrated, launchBrowser, screenshot, seriousA11yViolations, signIn } from './support/browser';
import { apiCall, apiSignIn } from './support/session';
import { startWebStack, type WebStack } from './support/stack';

let stack: WebStack;
let browser: Browser;

beforeAll(async () => {
  [stack, browser] = await Promise.all([startWebStack(), launchBrowser()]);
});
afterAll(async () => {
  await browser?.close();
  await stack?.stop();
});

async function ownerPage(): Promise<Page> {
  const page = await browser.newPage({ viewport: { width: 1280, height: 900 } });
  await signIn(page, stack.url, stack.org.ownerEmail, stack.org.ownerPassword);
  return page;
}

async function expectAccessible(page: Page): Promise<void> {
  const violations = await seriousA11yViolations(page);
  expect(violations.map((v) => `${v.id}: ${v.help} at ${v.nodes.map((n) => n.target.join(' ')).join(', ')}`)).toEqual([]);
}

describe('signing in and out', () => {
  it('sends a visitor without a session to the sign-in page and back to where they were going', async () => {
    const page = await browser.newPage();
    await page.goto(`${stack.url}/assets`);
    expect(new URL(page.url()).pathname).toBe('/login');
    await hydrated(page);
    await screenshot(page, 'login');
    await expectAccessible(page);
    await page.getByLabel('Email').fill(stack.org.ownerEmail);
    await page.getByLabel('Password').fill(stack.org.ownerPassword);
    await Promise.all([page.waitForURL((u) => u.pathname === '/assets'), page.getByRole('button', { name: 'Sign in' }).click()]);
    expect(await page.getByRole('navigation', { name: 'Product areas' }).textContent()).toContain('Audit Logs');
    await page.close();
  });

  it('shows the API’s reason and what to do when the password is wrong', async () => {
    const page = await browser.newPage();
    await page.goto(`${stack.url}/login`);
    await hydrated(page);
    await page.getByLabel('Email').fill(stack.org.ownerEmail);
    await page.getByLabel('Password').fill('not the password');
    await page.getByRole('button', { name: 'Sign in' }).click();
    const alert = page.getByRole('alert');
    await alert.waitFor();
    expect(await alert.textContent()).toMatch(/incorrect.*What to do: Check the email and password/s);
    expect(new URL(page.url()).pathname).toBe('/login');
    await page.close();
  });

  it('signs out: the session cookie is gone and explorer pages ask to sign in again', async () => {
    const context = await browser.newContext();
    const page = await context.newPage();
    await signIn(page, stack.url, stack.org.ownerEmail, stack.org.ownerPassword);
    expect((await context.cookies()).some((c) => c.name === 'logstag_session' && c.httpOnly)).toBe(true);
    await Promise.all([page.waitForURL((u) => u.pathname === '/login'), page.getByRole('button', { name: 'Sign out' }).click()]);
    expect((await context.cookies()).some((c) => c.name === 'logstag_session')).toBe(false);
    await page.goto(`${stack.url}/queries`);
    expect(new URL(page.url()).pathname).toBe('/login');
    await context.close();
  });

  it('keeps what was typed before the page’s script ran, and signs in', async () => {
    // On busy cores the form is often filled before hydration; hydrating once reset the email to '' and the click then
    // stopped at the required field (a 30 s waitForURL timeout). Delaying the scripts makes that order certain.
    const page = await browser.newPage();
    await page.route('**/_app/immutable/**', async (route) => {
      await new Promise((r) => setTimeout(r, 1000));
      await route.continue();
    });
    await page.goto(`${stack.url}/login`, { waitUntil: 'commit' });
    await page.getByLabel('Email').fill(stack.org.ownerEmail);
    await page.getByLabel('Password').fill(stack.org.ownerPassword);
    // Hydration runs once the delayed scripts arrived: no request left in flight means it has run.
    await page.waitForLoadState('networkidle');
    expect(await page.getByLabel('Email').inputValue()).toBe(stack.org.ownerEmail);
    await Promise.all([page.waitForURL((u) => u.pathname === '/databases'), page.getByRole('button', { name: 'Sign in' }).click()]);
    await page.close();
  });

  const formPost = (origin: string) =>
    fetch(`${stack.url}/login`, {
      method: 'POST',
      redirect: 'manual',
      // As a browser's plain form post (without JS): HTML wanted, not an action result as JSON.
      headers: { origin, accept: 'text/html', 'content-type': 'application/x-www-form-urlencoded' },
      body: new URLSearchParams({ email: stack.org.ownerEmail, password: stack.org.ownerPassword }),
    });

  it('refuses a form posted from another site (SvelteKit’s own origin check)', async () => {
    const res = await formPost('http://evil.example');
    expect(res.status).toBe(403);
    expect(await res.text()).toMatch(/Cross-site POST form submissions are forbidden/);
    expect(res.headers.get('set-cookie')).toBeNull();
  });

  it('accepts the same form posted from this server’s own origin, over plain http', async () => {
    const res = await formPost(stack.url);
    expect(res.status).toBe(303);
    expect(res.headers.get('location')).toBe('/databases');
    expect(res.headers.get('set-cookie')).toMatch(/logstag_session=/);
  });

  it('tells browsers to send the origin with form posts to this server only', async () => {
    const page = await browser.newPage();
    const res = await page.goto(`${stack.url}/login`);
    // Under helmet's no-referrer a browser posts forms with `Origin: null`, which the origin check would refuse.
    expect(res?.headers()['referrer-policy']).toBe('same-origin');
    await page.close();
  });
});

describe('before any agent has reported', () => {
  it('every explorer onboards: how to create a key and start the agent', async () => {
    const page = await ownerPage();
    for (const path of ['/databases', '/activity', '/queries', '/schema', '/assets']) {
      await page.goto(`${stack.url}${path}`);
      const onboarding = page.getByRole('region', { name: /No agent has sent/ });
      expect(await onboarding.textContent(), path).toMatch(/Agent API keys.*logstag-agent run --config logstag-agent\.yaml/s);
      await screenshot(page, `empty${path.replace(/\//g, '-')}`);
      await expectAccessible(page);
    }
    await page.close();
  });

  it('an unknown target shows what went wrong and what to do', async () => {
    const page = await ownerPage();
    const res = await page.goto(`${stack.url}/databases/no-such-target`);
    expect(res?.status()).toBe(404);
    expect(await page.getByRole('alert').textContent()).toMatch(/no target no-such-target.*What to do/s);
    await screenshot(page, 'error-unknown-target');
    await expectAccessible(page);
    await page.close();
  });
});

describe('admin pages', () => {
  it('creates an agent key, shows it once with a ready-to-paste agent config, and lists it without the secret', async () => {
    const page = await ownerPage();
    await page.goto(`${stack.url}/admin/agent-keys`);
    await hydrated(page);
    await page.getByLabel('Key name').fill('db-host-7');
    await page.getByRole('button', { name: 'Create key' }).click();
    const config = page.getByLabel('Agent configuration', { exact: true });
    await config.waitFor();
    const yaml = (await config.textContent()) ?? '';
    const key = (await page.getByLabel('API key', { exact: true }).textContent())?.trim() ?? '';
    expect(key).toMatch(/^lsk_/);
    expect(yaml).toContain(`url: ${stack.url}`);
    expect(yaml).toContain(`api_key: ${key}`);
    expect(yaml).toMatch(/engine: postgresql/);
    await screenshot(page, 'admin-agent-keys-created');
    await expectAccessible(page);
    // The key works for ingest: the snippet is real.
    const res = await fetch(`${stack.url}/v1/ingest`, { method: 'POST', headers: { authorization: `Bearer ${key}`, 'content-type': 'application/json' }, body: '{}' });
    expect(res.status).not.toBe(401);
    await page.reload();
    expect(await page.locator('table').textContent()).toContain('db-host-7');
    expect(await page.content()).not.toContain(key);
    await page.close();
  });

  it('invites a member through the form; the member accepts the link, signs in, and sees no owner-only pages', async () => {
    const page = await ownerPage();
    await page.goto(`${stack.url}/admin`);
    await hydrated(page);
    await screenshot(page, 'admin-users');
    await expectAccessible(page);
    const email = `member-${Date.now()}@example.com`;
    await page.getByLabel('Email').fill(email);
    await page.getByRole('button', { name: 'Invite' }).click();
    const link = (await page.getByLabel('Invitation link', { exact: true }).textContent())?.trim() ?? '';
    expect(link).toMatch(/\/invitations\/accept#token=/);
    expect(await page.locator('table').nth(1).textContent()).toContain(email);

    const member = await browser.newContext();
    const mp = await member.newPage();
    await mp.goto(link);
    await hydrated(mp);
    await screenshot(mp, 'invitation-accept');
    await expectAccessible(mp);
    await mp.getByLabel('Your name').fill('Mia Member');
    await mp.getByLabel(/Password/).fill('a-long-member-password');
    await Promise.all([mp.waitForURL((u) => u.pathname === '/databases'), mp.getByRole('button', { name: 'Create account' }).click()]);
    const nav = (await mp.getByRole('navigation', { name: 'Product areas' }).textContent()) ?? '';
    expect(nav).toContain('Database Explorer');
    expect(nav).not.toContain('Audit Logs');

    // Hidden, and refused by the server too.
    const audit = await mp.goto(`${stack.url}/audit`);
    expect(audit?.status()).toBe(403);
    expect(await mp.getByRole('alert').textContent()).toMatch(/audit:read.*What to do/s);
    await screenshot(mp, 'audit-refused-for-member');
    const keys = await mp.goto(`${stack.url}/admin/agent-keys`);
    expect(keys?.status()).toBe(403);
    await mp.goto(`${stack.url}/admin`);
    expect(await mp.getByRole('navigation', { name: 'Admin sections' }).textContent()).not.toContain('Agent API keys');
    const session = await apiSignIn(stack.url, email, 'a-long-member-password');
    expect((await apiCall(stack.url, session, 'GET', '/api/audit-events')).status).toBe(403);
    await member.close();
    await page.close();
  });

  it('shows the roles and the signed-in user’s permissions', async () => {
    const page = await ownerPage();
    await page.goto(`${stack.url}/admin/roles`);
    expect(await page.locator('main').textContent()).toContain('audit:read');
    await screenshot(page, 'admin-roles');
    await expectAccessible(page);
    await page.close();
  });
});

describe('Audit Logs', () => {
  it('lists the administrative actions, filters them and links the CSV export', async () => {
    const page = await ownerPage();
    await page.goto(`${stack.url}/audit`);
    await hydrated(page);
    const table = page.locator('table');
    expect(await table.textContent()).toContain('agent_key.created');
    await screenshot(page, 'audit');
    await expectAccessible(page);
    await page.getByLabel('Action').fill('user.invited');
    await Promise.all([page.waitForURL((u) => u.searchParams.get('action') === 'user.invited'), page.getByRole('button', { name: 'Filter' }).click()]);
    const filtered = (await page.locator('table').textContent()) ?? '';
    expect(filtered).toContain('user.invited');
    expect(filtered).not.toContain('agent_key.created');
    const href = (await page.getByRole('link', { name: 'Download CSV' }).getAttribute('href')) ?? '';
    expect(href).toContain('action=user.invited');
    const csv = await page.evaluate(async (h) => (await fetch(h)).text(), href);
    expect(csv.split('\n')[0]).toContain('action');
    expect(csv).toContain('user.invited');
    await page.close();
  });
});
