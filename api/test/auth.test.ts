import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { TestWorkflowEnvironment } from '@temporalio/testing';
import { startTestTemporal } from '@logstag/temporal/testing';
import { firstRunLines } from '../src/auth/first-run-message';
import { tokenHash } from '../src/auth/tokens';
import { ApiClient, signedIn } from './accounts-client';
import { seedOrganization, startTestContext, type SeededOrganization, type StoreBackend, type TestContext } from './context';

describe.each<StoreBackend>(['pglite', 'postgres'])('sign-in, sessions and CSRF (%s store)', (backend) => {
  let temporal: TestWorkflowEnvironment;
  let ctx: TestContext;
  let org: SeededOrganization;
  beforeAll(async () => {
    temporal = await startTestTemporal();
    // A proxy on this host (LOGSTAG_TRUST_PROXY=loopback): the tests act from many addresses with X-Forwarded-For.
    // The per-account ceiling (100 by default) at 5, so one test can reach it (login-lockout.test.ts has the defaults).
    ctx = await startTestContext(backend, {
      temporal,
      security: { loginMaxFailuresPerIp: 8, loginMaxFailuresPerAccount: 5 },
      env: { LOGSTAG_TRUST_PROXY: 'loopback' },
    });
    org = await seedOrganization(ctx, 'Acme');
  });
  afterAll(async () => {
    await ctx?.stop();
    await temporal?.teardown();
  });

  it('signs in with an httpOnly, SameSite=Lax cookie whose value is stored only as a hash', async () => {
    const res = await fetch(`${ctx.url}/api/session`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ email: org.ownerEmail.toUpperCase(), password: org.ownerPassword }),
    });
    expect(res.status).toBe(201);
    const cookie = res.headers.getSetCookie().find((c) => c.startsWith('logstag_session='));
    expect(cookie).toMatch(/HttpOnly/);
    expect(cookie).toMatch(/SameSite=Lax/);
    expect(cookie).not.toMatch(/Secure/); // plain HTTP here
    const token = cookie?.split(';')[0]?.split('=')[1] ?? '';
    const stored = await ctx.app.store.db.selectFrom('sessions').select('token_hash').where('token_hash', '=', tokenHash(token)).execute();
    expect(stored).toHaveLength(1);
    const plain = await ctx.app.store.db.selectFrom('sessions').select('token_hash').where('token_hash', '=', token).execute();
    expect(plain).toHaveLength(0);
  });

  it('reads the session back with the role, its permissions and the CSRF token, never the password hash', async () => {
    const client = await signedIn(ctx, org.ownerEmail, org.ownerPassword);
    const res = await client.get('/api/session');
    expect(res.status).toBe(200);
    expect(res.body).toMatchObject({ user: { email: org.ownerEmail, role: 'owner' }, organization: { id: org.organizationId, name: 'Acme' } });
    expect(res.body.permissions).toContain('audit:read');
    expect(res.body.csrfToken).toBe(client.csrfToken);
    expect(JSON.stringify(res.body)).not.toContain('argon2');
  });

  it('marks the cookie Secure behind a TLS-terminating proxy', async () => {
    const res = await new ApiClient(ctx.url, { 'x-forwarded-proto': 'https' }).request('POST', '/api/session', { email: org.ownerEmail, password: org.ownerPassword });
    expect(res.status).toBe(201);
    expect(res.headers.getSetCookie().find((c) => c.startsWith('logstag_session='))).toMatch(/; Secure/);
  });

  it('answers 401 with the JSON error shape without a session', async () => {
    for (const path of ['/api/session', '/api/users', '/api/agent-keys', '/api/audit-events']) {
      const res = await new ApiClient(ctx.url).get(path);
      expect(res.status, path).toBe(401);
      expect(res.body.error.code).toBe('unauthenticated');
    }
  });

  it('takes a malformed session cookie for no session: 401 on /api routes, and sign-in still works', async () => {
    for (const cookie of ['logstag_session=%E0%A4%A', 'logstag_session=%', 'other=1; logstag_session=%zz%E0']) {
      const broken = new ApiClient(ctx.url, { cookie });
      for (const path of ['/api/session', '/api/users', '/api/agent-keys']) {
        const res = await broken.get(path);
        expect(res.status, `${cookie} ${path}`).toBe(401);
        expect(res.body.error.code).toBe('unauthenticated');
      }
      const signIn = await broken.post('/api/session', { email: org.ownerEmail, password: org.ownerPassword });
      expect(signIn.status, cookie).toBe(201);
    }
  });

  it('gives the same answer for an unknown address and a wrong password', async () => {
    const c = new ApiClient(ctx.url, { 'x-forwarded-for': '10.0.0.1' });
    const unknown = await c.post('/api/session', { email: `nobody-${randomUUID()}@example.com`, password: 'whatever-123' });
    const wrong = await c.post('/api/session', { email: org.ownerEmail, password: 'wrong-password-1' });
    expect(unknown.status).toBe(401);
    expect(wrong.status).toBe(401);
    expect(unknown.body).toEqual(wrong.body);
  });

  it('locks an account after 5 failures, even for the right password, and says the same for an unknown address', async () => {
    const victim = await seedOrganization(ctx, 'Victim');
    const ghost = `ghost-${randomUUID()}@example.com`;
    // Each attempt from another address: only the per-account counter can be what locks.
    for (let i = 0; i < 5; i += 1) {
      const c = new ApiClient(ctx.url, { 'x-forwarded-for': `10.1.${i}.1` });
      expect((await c.post('/api/session', { email: victim.ownerEmail, password: `bad-${i}-password` })).status).toBe(401);
      expect((await c.post('/api/session', { email: ghost, password: `bad-${i}-password` })).status).toBe(401);
    }
    const fresh = new ApiClient(ctx.url, { 'x-forwarded-for': '10.1.99.1' });
    const locked = await fresh.post('/api/session', { email: victim.ownerEmail, password: victim.ownerPassword });
    const lockedGhost = await fresh.post('/api/session', { email: ghost, password: 'anything-at-all' });
    expect(locked.status).toBe(429);
    expect(lockedGhost.status).toBe(429);
    expect(locked.body.error.message).toBe(lockedGhost.body.error.message);
    expect(locked.body.error.code).toBe('rate_limited');
    // Other accounts are unaffected.
    expect((await fresh.post('/api/session', { email: org.ownerEmail, password: org.ownerPassword })).status).toBe(201);
  });

  it('locks an address after repeated failures across many accounts', async () => {
    const attacker = new ApiClient(ctx.url, { 'x-forwarded-for': '10.2.0.1' });
    for (let i = 0; i < 8; i += 1) {
      expect((await attacker.post('/api/session', { email: `spray-${i}-${randomUUID()}@example.com`, password: 'Summer2025!!' })).status).toBe(401);
    }
    expect((await attacker.post('/api/session', { email: org.ownerEmail, password: org.ownerPassword })).status).toBe(429);
    const elsewhere = new ApiClient(ctx.url, { 'x-forwarded-for': '10.2.0.2' });
    expect((await elsewhere.post('/api/session', { email: org.ownerEmail, password: org.ownerPassword })).status).toBe(201);
  });

  it('refuses a state-changing request without the CSRF token, with a wrong one, or from a foreign origin', async () => {
    const client = await signedIn(ctx, org.ownerEmail, org.ownerPassword);
    const without = await client.request('POST', '/api/agent-keys', { name: 'k' }, { csrf: false });
    expect(without.status).toBe(403);
    expect(without.body.error.message).toMatch(/X-CSRF-Token/);
    const wrong = await client.request('POST', '/api/agent-keys', { name: 'k' }, { csrf: false, headers: { 'x-csrf-token': 'x'.repeat(43) } });
    expect(wrong.status).toBe(403);
    const foreign = await client.request('POST', '/api/agent-keys', { name: 'k' }, { headers: { origin: 'https://evil.example' } });
    expect(foreign.status).toBe(403);
    const crossSite = await client.request('POST', '/api/agent-keys', { name: 'k' }, { headers: { 'sec-fetch-site': 'cross-site' } });
    expect(crossSite.status).toBe(403);
    const sameOrigin = await client.request('POST', '/api/agent-keys', { name: 'k' }, { headers: { origin: ctx.url } });
    expect(sameOrigin.status).toBe(201);
    // Nothing was created by the refused requests.
    const keys = await ctx.app.store.db.selectFrom('agent_keys').select('id').where('organization_id', '=', org.organizationId).where('name', '=', 'k').execute();
    expect(keys).toHaveLength(1);
  });

  it('refuses a sign-in posted from a foreign origin (login CSRF)', async () => {
    const res = await new ApiClient(ctx.url).request('POST', '/api/session', { email: org.ownerEmail, password: org.ownerPassword }, { headers: { origin: 'https://evil.example' } });
    expect(res.status).toBe(403);
  });

  it('signs out: the old cookie no longer opens a session', async () => {
    const client = await signedIn(ctx, org.ownerEmail, org.ownerPassword);
    const stolen = client.cookie;
    expect((await client.delete('/api/session')).status).toBe(204);
    const replay = await new ApiClient(ctx.url, { cookie: stolen ?? '' }).get('/api/session');
    expect(replay.status).toBe(401);
  });

  it('ends a session left idle longer than the idle timeout', async () => {
    const client = await signedIn(ctx, org.ownerEmail, org.ownerPassword);
    const hash = tokenHash(client.cookie?.split('=')[1] ?? '');
    await ctx.app.store.db.updateTable('sessions').set({ last_seen_at: new Date(Date.now() - 31 * 60_000) }).where('token_hash', '=', hash).execute();
    expect((await client.get('/api/session')).status).toBe(401);
    // The next sign-in sweeps dead sessions out of the store.
    await signedIn(ctx, org.ownerEmail, org.ownerPassword);
    expect(await ctx.app.store.db.selectFrom('sessions').select('token_hash').where('token_hash', '=', hash).execute()).toEqual([]);
  });

  describe('with a 1.5-second session TTL', () => {
    let short: TestContext;
    let shortOrg: SeededOrganization;
    beforeAll(async () => {
      short = await startTestContext(backend, { temporal, security: { sessionTtlMs: 1_500 } });
      shortOrg = await seedOrganization(short, 'Short');
    });
    afterAll(async () => {
      await short?.stop();
    });

    it('rejects the session once it has expired, even while in use', async () => {
      const client = await signedIn(short, shortOrg.ownerEmail, shortOrg.ownerPassword);
      expect((await client.get('/api/session')).status).toBe(200);
      await new Promise((r) => setTimeout(r, 1_700));
      const res = await client.get('/api/users');
      expect(res.status).toBe(401);
      expect(res.body.error.code).toBe('unauthenticated');
    });
  });

  describe('first run', () => {
    it('creates the first organization and Account Owner from LOGSTAG_ADMIN_EMAIL / LOGSTAG_ADMIN_PASSWORD', async () => {
      const password = `admin-${randomUUID()}`;
      const first = await startTestContext(backend, { temporal, env: { LOGSTAG_ADMIN_EMAIL: 'First@Example.com', LOGSTAG_ADMIN_PASSWORD: password, LOGSTAG_ORGANIZATION_NAME: 'First Co' } });
      try {
        expect(first.app.firstRun).toEqual({ kind: 'owner-created', email: 'first@example.com' });
        const client = await signedIn(first, 'first@example.com', password);
        const session = await client.get('/api/session');
        expect(session.body).toMatchObject({ user: { role: 'owner' }, organization: { name: 'First Co' } });
        const audit = await client.get('/api/audit-events?action=organization.created');
        expect(audit.body.items).toHaveLength(1);
        expect((await new ApiClient(first.url).get('/api/setup')).body).toEqual({ required: false });
      } finally {
        await first.stop();
      }
    });

    it('otherwise prints a one-time setup link whose token creates the owner once', async () => {
      const fresh = await startTestContext(backend, { temporal });
      try {
        expect(fresh.app.firstRun.kind).toBe('setup-required');
        if (fresh.app.firstRun.kind !== 'setup-required') return;
        const { token, expiresAt } = fresh.app.firstRun;
        expect(expiresAt.getTime() - Date.now()).toBeGreaterThan(50 * 60_000);
        expect(expiresAt.getTime() - Date.now()).toBeLessThanOrEqual(60 * 60_000);
        expect(firstRunLines(fresh.app.firstRun, fresh.url).join('\n')).toContain(`${fresh.url}/setup#token=${token}`);
        // Only the hash is in the store.
        expect(await fresh.app.store.db.selectFrom('setup_tokens').select('token_hash').where('token_hash', '=', token).execute()).toHaveLength(0);
        const anon = new ApiClient(fresh.url);
        expect((await anon.get('/api/setup')).body).toEqual({ required: true });
        const input = { organizationName: 'Setup Co', email: 'setup@example.com', name: 'Setup Owner', password: 'a-long-setup-password' };
        expect((await anon.post('/api/setup', { ...input, token: `${token}x` })).status).toBe(404);
        const done = await anon.post('/api/setup', { ...input, token });
        expect(done.status).toBe(201);
        expect(done.body.user).toMatchObject({ email: 'setup@example.com', role: 'owner' });
        expect((await anon.post('/api/setup', { ...input, email: 'again@example.com', token })).status).toBe(409);
        const owner = await signedIn(fresh, 'setup@example.com', 'a-long-setup-password');
        expect((await owner.get('/api/session')).body.organization.name).toBe('Setup Co');
      } finally {
        await fresh.stop();
      }
    });
  });
});
