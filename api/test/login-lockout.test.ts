// Failed sign-ins are counted per account and client address, so one attacker cannot lock the owner out from
// everywhere; a much higher per-account ceiling still stops a distributed guess.
import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { TestWorkflowEnvironment } from '@temporalio/testing';
import { startTestTemporal } from '@logstag/temporal/testing';
import { DEFAULT_SECURITY, securitySettingsFromEnv } from '../src/http/security-config';
import { ApiClient } from './accounts-client';
import { seedOrganization, startTestContext, type StoreBackend, type TestContext } from './context';

describe('sign-in lockout settings', () => {
  it('defaults to 5 per account and address, 100 per account, 50 per address, 15 minutes', () => {
    expect(DEFAULT_SECURITY).toMatchObject({ loginMaxFailuresPerAccountAndIp: 5, loginMaxFailuresPerAccount: 100, loginMaxFailuresPerIp: 50 });
    expect(DEFAULT_SECURITY.loginLockMs).toBe(15 * 60_000);
    const s = securitySettingsFromEnv({ LOGSTAG_LOGIN_MAX_FAILURES_PER_ACCOUNT_AND_IP: '3', LOGSTAG_LOGIN_MAX_FAILURES_PER_ACCOUNT: '40' });
    expect(s).toMatchObject({ loginMaxFailuresPerAccountAndIp: 3, loginMaxFailuresPerAccount: 40 });
  });
});

describe.each<StoreBackend>(['pglite', 'postgres'])('sign-in lockout (%s store)', (backend) => {
  let temporal: TestWorkflowEnvironment;
  let ctx: TestContext;
  const CEILING = 12;
  beforeAll(async () => {
    temporal = await startTestTemporal();
    // A low per-account ceiling keeps the test short; the per-account-and-address limit is the default 5.
    ctx = await startTestContext(backend, { temporal, security: { loginMaxFailuresPerAccount: CEILING }, env: { LOGSTAG_TRUST_PROXY: 'loopback' } });
  });
  afterAll(async () => {
    await ctx?.stop();
    await temporal?.teardown();
  });

  const from = (ip: string) => new ApiClient(ctx.url, { 'x-forwarded-for': ip });

  it('locks an attacker’s address for the account after 5 failures, while the owner still signs in from elsewhere', async () => {
    const owner = await seedOrganization(ctx, 'Targeted');
    const attacker = from('198.51.100.66');
    for (let i = 0; i < 5; i += 1) expect((await attacker.post('/api/session', { email: owner.ownerEmail, password: `guess-${i}-password` })).status).toBe(401);
    // Locked for this account from this address, even with the right password…
    const locked = await attacker.post('/api/session', { email: owner.ownerEmail, password: owner.ownerPassword });
    expect(locked.status).toBe(429);
    expect(locked.body.error.code).toBe('rate_limited');
    // …but the address may still try other accounts (its own limit is 50), and the owner signs in from theirs.
    expect((await attacker.post('/api/session', { email: `other-${randomUUID()}@example.com`, password: 'guess-password' })).status).toBe(401);
    expect((await from('192.0.2.1').post('/api/session', { email: owner.ownerEmail, password: owner.ownerPassword })).status).toBe(201);
    // Again and again: the attacker keeps failing and stays locked; the owner is never locked out.
    for (let i = 0; i < 3; i += 1) expect((await attacker.post('/api/session', { email: owner.ownerEmail, password: `more-${i}-password` })).status).toBe(429);
    expect((await from('192.0.2.1').post('/api/session', { email: owner.ownerEmail, password: owner.ownerPassword })).status).toBe(201);
  });

  it('answers an unknown address exactly like a known one', async () => {
    const owner = await seedOrganization(ctx, 'Known');
    const ghost = `ghost-${randomUUID()}@example.com`;
    const attacker = from('198.51.100.67');
    for (let i = 0; i < 5; i += 1) {
      expect((await attacker.post('/api/session', { email: owner.ownerEmail, password: `guess-${i}-password` })).status).toBe(401);
      expect((await attacker.post('/api/session', { email: ghost, password: `guess-${i}-password` })).status).toBe(401);
    }
    const known = await attacker.post('/api/session', { email: owner.ownerEmail, password: 'guess-x-password' });
    const unknown = await attacker.post('/api/session', { email: ghost, password: 'guess-x-password' });
    expect(known.status).toBe(429);
    expect(unknown.status).toBe(429);
    expect(unknown.body).toEqual(known.body);
  });

  it('forgets an address’s failures for the account once it signs in successfully', async () => {
    const owner = await seedOrganization(ctx, 'Typo');
    // A new client for each request, as a browser without the session cookie of the last success.
    const attempt = (password: string) => from('192.0.2.50').post('/api/session', { email: owner.ownerEmail, password });
    for (let round = 0; round < 2; round += 1) {
      for (let i = 0; i < 4; i += 1) expect((await attempt(`typo-${i}-password`)).status).toBe(401);
      expect((await attempt(owner.ownerPassword)).status).toBe(201);
    }
    expect((await attempt('typo-x-password')).status).toBe(401);
  });

  it('still locks the account everywhere once failures from all addresses reach the per-account ceiling', async () => {
    const owner = await seedOrganization(ctx, 'Distributed');
    // 12 failures from 4 addresses, 3 each: no address reaches its own limit of 5.
    for (let i = 0; i < CEILING; i += 1) {
      expect((await from(`203.0.113.${i % 4}`).post('/api/session', { email: owner.ownerEmail, password: `botnet-${i}-password` })).status).toBe(401);
    }
    const res = await from('192.0.2.99').post('/api/session', { email: owner.ownerEmail, password: owner.ownerPassword });
    expect(res.status).toBe(429);
    expect(res.body.error.message).toMatch(/try again later/);
  });
});
