// Which address a request comes from, with and without LOGSTAG_TRUST_PROXY: the sign-in rate limit, the lockout and the
// audit log must all see the same one.
import { request } from 'node:http';
import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { TestWorkflowEnvironment } from '@temporalio/testing';
import { startTestTemporal } from '@logstag/temporal/testing';
import { SecurityConfigError, securitySettingsFromEnv } from '../src/http/security-config';
import { ApiClient } from './accounts-client';
import { seedOrganization, startTestContext, type SeededOrganization, type TestContext } from './context';

/** POST /api/session over a socket bound to `localAddress` (a proxy at that loopback address, say). */
function signInFrom(url: string, localAddress: string, body: unknown, headers: Record<string, string> = {}): Promise<{ status: number; setCookie: string[] }> {
  const data = JSON.stringify(body);
  return new Promise((resolve, reject) => {
    const req = request(
      `${url}/api/session`,
      { method: 'POST', localAddress, headers: { 'content-type': 'application/json', 'content-length': Buffer.byteLength(data), ...headers } },
      (res) => {
        res.resume();
        res.on('end', () => resolve({ status: res.statusCode ?? 0, setCookie: res.headers['set-cookie'] ?? [] }));
      },
    );
    req.on('error', reject);
    req.end(data);
  });
}

async function auditIps(ctx: TestContext, actor: string, action: string): Promise<Array<string | null>> {
  const rows = await ctx.app.store.db.selectFrom('audit_events').select('ip').where('actor', '=', actor).where('action', '=', action).orderBy('id').execute();
  return rows.map((r) => r.ip);
}

const spray = () => `spray-${randomUUID()}@example.com`;

describe('LOGSTAG_TRUST_PROXY parsing', () => {
  it('is off unless set, and takes a hop count or a list of addresses, CIDRs and named ranges', () => {
    expect(securitySettingsFromEnv({}).trustProxy).toBe(false);
    for (const off of ['', 'false', 'off', '0', 'no']) expect(securitySettingsFromEnv({ LOGSTAG_TRUST_PROXY: off }).trustProxy, off).toBe(false);
    expect(securitySettingsFromEnv({ LOGSTAG_TRUST_PROXY: '2' }).trustProxy).toBe(2);
    expect(securitySettingsFromEnv({ LOGSTAG_TRUST_PROXY: ' loopback, 10.0.0.0/8 ,192.0.2.7, fd00::/8,::1 ' }).trustProxy).toEqual([
      'loopback',
      '10.0.0.0/8',
      '192.0.2.7',
      'fd00::/8',
      '::1',
    ]);
  });

  it.each(['true', '*', '-1', '1.5', 'proxy.example', '10.0.0.0/33', '::1/129', '10.0.0.1/', 'loopback,,', '300.1.1.1'])('refuses %j with a message', (value) => {
    expect(() => securitySettingsFromEnv({ LOGSTAG_TRUST_PROXY: value })).toThrow(SecurityConfigError);
    expect(() => securitySettingsFromEnv({ LOGSTAG_TRUST_PROXY: value })).toThrow(/LOGSTAG_TRUST_PROXY/);
  });
});

describe('the client address of sign-ins', () => {
  let temporal: TestWorkflowEnvironment;
  beforeAll(async () => {
    temporal = await startTestTemporal();
  });
  afterAll(async () => {
    await temporal?.teardown();
  });

  describe('without LOGSTAG_TRUST_PROXY (the default)', () => {
    let ctx: TestContext;
    let org: SeededOrganization;
    beforeAll(async () => {
      ctx = await startTestContext('pglite', { temporal });
      org = await seedOrganization(ctx, 'Direct');
    });
    afterAll(async () => {
      await ctx?.stop();
    });

    it('ignores X-Forwarded-For: the lockout and the audit log see the connection’s own address', async () => {
      for (let i = 0; i < 50; i += 1) {
        const res = await new ApiClient(ctx.url, { 'x-forwarded-for': `203.0.113.${i}` }).post('/api/session', { email: spray(), password: 'wrong-password' });
        expect(res.status).toBe(401);
      }
      // Those 50 failures all came from 127.0.0.1, whatever they claimed: that address is locked now.
      const next = await new ApiClient(ctx.url, { 'x-forwarded-for': '203.0.113.200' }).post('/api/session', { email: org.ownerEmail, password: org.ownerPassword });
      expect(next.status).toBe(429);
      const ghost = spray();
      await signInFrom(ctx.url, '127.0.0.2', { email: ghost, password: 'wrong-password' }, { 'x-forwarded-for': '198.51.100.1' });
      expect(await auditIps(ctx, ghost, 'login.failed')).toEqual(['127.0.0.2']);
    });

    it('ignores X-Forwarded-Proto: no Secure cookie for a client that only claims https', async () => {
      const res = await signInFrom(ctx.url, '127.0.0.3', { email: org.ownerEmail, password: org.ownerPassword }, { 'x-forwarded-proto': 'https' });
      expect(res.status).toBe(201);
      expect(res.setCookie.find((c) => c.startsWith('logstag_session='))).not.toMatch(/Secure/);
    });
  });

  describe('with LOGSTAG_TRUST_PROXY=loopback (a proxy on this host)', () => {
    let ctx: TestContext;
    let org: SeededOrganization;
    beforeAll(async () => {
      ctx = await startTestContext('pglite', { temporal, env: { LOGSTAG_TRUST_PROXY: 'loopback' } });
      org = await seedOrganization(ctx, 'Proxied');
    });
    afterAll(async () => {
      await ctx?.stop();
    });

    it('counts failures per forwarded client: 50 failing clients do not lock out a 51st', async () => {
      for (let i = 0; i < 50; i += 1) {
        const res = await new ApiClient(ctx.url, { 'x-forwarded-for': `203.0.113.${i}` }).post('/api/session', { email: spray(), password: 'wrong-password' });
        expect(res.status).toBe(401);
      }
      const next = await new ApiClient(ctx.url, { 'x-forwarded-for': '203.0.113.200', 'user-agent': 'client-51' }).post('/api/session', {
        email: org.ownerEmail,
        password: org.ownerPassword,
      });
      expect(next.status).toBe(201);
      expect(await auditIps(ctx, org.ownerEmail, 'login.succeeded')).toEqual(['203.0.113.200']);
    });

    it('records the forwarded address of a failed sign-in, and the request-rate limit counts it too', async () => {
      const ghost = spray();
      await new ApiClient(ctx.url, { 'x-forwarded-for': '198.51.100.23' }).post('/api/session', { email: ghost, password: 'wrong-password' });
      expect(await auditIps(ctx, ghost, 'login.failed')).toEqual(['198.51.100.23']);
    });

    it('marks the cookie Secure when the proxy says the client used https', async () => {
      const res = await new ApiClient(ctx.url, { 'x-forwarded-proto': 'https' }).post('/api/session', { email: org.ownerEmail, password: org.ownerPassword });
      expect(res.status).toBe(201);
      expect(res.headers.getSetCookie().find((c) => c.startsWith('logstag_session='))).toMatch(/; Secure/);
    });
  });

  describe('with LOGSTAG_TRUST_PROXY naming one proxy address', () => {
    let ctx: TestContext;
    let org: SeededOrganization;
    beforeAll(async () => {
      ctx = await startTestContext('pglite', { temporal, env: { LOGSTAG_TRUST_PROXY: '127.0.0.2' }, security: { loginRatePerMinute: 3 } });
      org = await seedOrganization(ctx, 'One proxy');
    });
    afterAll(async () => {
      await ctx?.stop();
    });

    it('believes X-Forwarded-For from that proxy only', async () => {
      const viaProxy = spray();
      await signInFrom(ctx.url, '127.0.0.2', { email: viaProxy, password: 'wrong-password' }, { 'x-forwarded-for': '192.0.2.10' });
      expect(await auditIps(ctx, viaProxy, 'login.failed')).toEqual(['192.0.2.10']);
      const direct = spray();
      await signInFrom(ctx.url, '127.0.0.4', { email: direct, password: 'wrong-password' }, { 'x-forwarded-for': '192.0.2.11' });
      expect(await auditIps(ctx, direct, 'login.failed')).toEqual(['127.0.0.4']);
    });

    it('rate-limits sign-in requests per forwarded client, not per proxy', async () => {
      const statuses: number[] = [];
      for (let i = 0; i < 4; i += 1) statuses.push((await signInFrom(ctx.url, '127.0.0.2', { email: spray(), password: 'x' }, { 'x-forwarded-for': '192.0.2.30' })).status);
      expect(statuses).toEqual([401, 401, 401, 429]);
      const other = await signInFrom(ctx.url, '127.0.0.2', { email: org.ownerEmail, password: org.ownerPassword }, { 'x-forwarded-for': '192.0.2.31' });
      expect(other.status).toBe(201);
    });
  });

  describe('with LOGSTAG_TRUST_PROXY=1 (one proxy hop, wherever it is)', () => {
    let ctx: TestContext;
    beforeAll(async () => {
      ctx = await startTestContext('pglite', { temporal, env: { LOGSTAG_TRUST_PROXY: '1' } });
    });
    afterAll(async () => {
      await ctx?.stop();
    });

    it('takes the address the nearest proxy appended, not what the client wrote before it', async () => {
      const ghost = spray();
      await new ApiClient(ctx.url, { 'x-forwarded-for': '10.9.9.9, 192.0.2.77' }).post('/api/session', { email: ghost, password: 'wrong-password' });
      expect(await auditIps(ctx, ghost, 'login.failed')).toEqual(['192.0.2.77']);
    });
  });
});
