import { randomUUID } from 'node:crypto';
import { Writable } from 'node:stream';
import pino from 'pino';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { TestWorkflowEnvironment } from '@temporalio/testing';
import { startTestTemporal } from '@logstag/temporal/testing';
import { ApiClient, signedIn } from './accounts-client';
import { inviteAndAccept } from './accounts-fixtures';
import { collectionPayload, postPayload, startTestContext, type StoreBackend, type TestContext } from './context';

/** A pino destination that keeps every line in memory. */
function capturedLog() {
  const lines: string[] = [];
  const stream = new Writable({
    write(chunk, _enc, done) {
      lines.push(String(chunk));
      done();
    },
  });
  return { logger: pino({ level: 'trace' }, stream), text: () => lines.join('') };
}

describe.each<StoreBackend>(['pglite', 'postgres'])('hardening (%s store)', (backend) => {
  let temporal: TestWorkflowEnvironment;
  let ctx: TestContext;
  const log = capturedLog();
  const adminPassword = `admin-pw-${randomUUID()}`;
  const adminEmail = `admin-${randomUUID().slice(0, 8)}@example.com`;

  beforeAll(async () => {
    temporal = await startTestTemporal();
    ctx = await startTestContext(backend, {
      temporal,
      logger: log.logger,
      env: { LOGSTAG_ADMIN_EMAIL: adminEmail, LOGSTAG_ADMIN_PASSWORD: adminPassword },
    });
  });
  afterAll(async () => {
    await ctx?.stop();
    await temporal?.teardown();
  });

  it('sends security headers on API answers, with a CSP that loads nothing', async () => {
    const res = await fetch(`${ctx.url}/api/session`);
    expect(res.headers.get('x-content-type-options')).toBe('nosniff');
    expect(res.headers.get('x-frame-options')).toBe('SAMEORIGIN');
    expect(res.headers.get('strict-transport-security')).toMatch(/max-age=\d+/);
    expect(res.headers.get('referrer-policy')).toBe('no-referrer');
    expect(res.headers.get('content-security-policy')).toBe("default-src 'none';frame-ancestors 'none'");
    expect(res.headers.get('x-powered-by')).toBeNull();
  });

  it('refuses a JSON body over 100 kB on /api with 413 and the JSON error shape', async () => {
    const res = await new ApiClient(ctx.url).post('/api/session', { email: 'a@example.com', password: 'x'.repeat(150_000) });
    expect(res.status).toBe(413);
    expect(res.body.error.code).toBe('payload_too_large');
  });

  it('rate-limits requests to the sign-in endpoint per address', async () => {
    const limited = await startTestContext(backend, { temporal, security: { loginRatePerMinute: 3 }, env: { LOGSTAG_TRUST_PROXY: 'loopback' } });
    try {
      const c = new ApiClient(limited.url, { 'x-forwarded-for': '198.51.100.7' });
      const statuses = [];
      for (let i = 0; i < 4; i += 1) statuses.push((await c.post('/api/session', { email: 'x@example.com', password: 'y' })).status);
      expect(statuses).toEqual([401, 401, 401, 429]);
      expect((await new ApiClient(limited.url, { 'x-forwarded-for': '198.51.100.8' }).post('/api/session', { email: 'x@example.com', password: 'y' })).status).toBe(401);
    } finally {
      await limited.stop();
    }
  });

  it('writes no password, session cookie, CSRF token, invitation or setup token, or API key to any log line', async () => {
    const secrets: string[] = [adminPassword];
    const owner = await signedIn(ctx, adminEmail, adminPassword, { 'user-agent': 'log-test' });
    secrets.push(owner.cookie?.split('=')[1] ?? 'missing-cookie', owner.csrfToken ?? 'missing-csrf');
    // A failed sign-in with a password that is close to the real one.
    const wrong = `${adminPassword}-typo`;
    secrets.push(wrong);
    await new ApiClient(ctx.url).post('/api/session', { email: adminEmail, password: wrong });

    const invited = await owner.post('/api/invitations', { email: `logged-${randomUUID()}@example.com`, role: 'admin' });
    secrets.push(invited.body.token);
    const memberPassword = `member-pw-${randomUUID()}`;
    secrets.push(memberPassword);
    await new ApiClient(ctx.url).post('/api/invitations/accept', { token: invited.body.token, name: 'Logged', password: memberPassword });
    await new ApiClient(ctx.url).post('/api/invitations/accept', { token: invited.body.token, name: 'Again', password: memberPassword }); // refused reuse
    const { password: otherPassword } = await inviteAndAccept(ctx, owner, `other-${randomUUID()}@example.com`, 'member');
    secrets.push(otherPassword);

    const key = await owner.post('/api/agent-keys', { name: 'logged key' });
    secrets.push(key.body.key);
    const rotated = await owner.post(`/api/agent-keys/${key.body.agentKey.id}/rotate`, { overlapSeconds: 0 });
    secrets.push(rotated.body.key);
    expect((await postPayload(ctx.url, collectionPayload(), { key: rotated.body.key })).status).toBe(202);
    expect((await postPayload(ctx.url, collectionPayload(), { key: key.body.key })).status).toBe(403); // old key, logged as an error answer
    expect((await postPayload(ctx.url, collectionPayload(), { key: `${rotated.body.key}x` })).status).toBe(401);
    await owner.delete(`/api/agent-keys/${rotated.body.agentKey.id}`);
    await owner.get('/api/audit-events.csv');
    await owner.delete('/api/session');

    // A store with no users: the setup token goes to the console output, never to the logger.
    const fresh = await startTestContext(backend, { temporal, logger: log.logger });
    try {
      if (fresh.app.firstRun.kind === 'setup-required') secrets.push(fresh.app.firstRun.token);
      else throw new Error('expected a setup token on an empty store');
    } finally {
      await fresh.stop();
    }
    await ctx.app.agentKeysLastUsed.flush();

    const text = log.text();
    // The flow did log: request lines for the routes above, with their headers.
    expect(text).toContain('/api/invitations/accept');
    expect(text).toContain('/v1/ingest');
    expect(text).toContain('log-test');
    for (const secret of secrets) {
      expect(secret.length).toBeGreaterThan(10);
      expect(text.includes(secret), `a log line contains a secret (${secret.slice(0, 4)}…)`).toBe(false);
    }
    // Nor the secret half of any key (what follows the visible prefix).
    for (const k of [key.body.key, rotated.body.key] as string[]) expect(text).not.toContain(k.slice(13));
  });
});
