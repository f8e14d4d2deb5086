import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { TestWorkflowEnvironment } from '@temporalio/testing';
import { startTestTemporal } from '@logstag/temporal/testing';
import { tokenHash } from '../src/auth/tokens';
import type { ApiClient } from './accounts-client';
import { signedIn } from './accounts-client';
import { collectionPayload, postPayload, seedOrganization, startTestContext, type SeededOrganization, type StoreBackend, type TestContext } from './context';

describe.each<StoreBackend>(['pglite', 'postgres'])('agent API keys (%s store)', (backend) => {
  let temporal: TestWorkflowEnvironment;
  let ctx: TestContext;
  let org: SeededOrganization;
  let owner: ApiClient;
  beforeAll(async () => {
    temporal = await startTestTemporal();
    ctx = await startTestContext(backend, { temporal });
    org = await seedOrganization(ctx, 'Keys Co');
    owner = await signedIn(ctx, org.ownerEmail, org.ownerPassword);
  });
  afterAll(async () => {
    await ctx?.stop();
    await temporal?.teardown();
  });

  const createKey = async (name = 'agent') => {
    const res = await owner.post('/api/agent-keys', { name });
    expect(res.status).toBe(201);
    return res.body as { key: string; agentKey: { id: string; prefix: string } };
  };

  it('shows a new key once, with a visible lsk_ prefix, and stores only its hash', async () => {
    const { key, agentKey } = await createKey('db-host-1');
    expect(key).toMatch(/^lsk_[a-z0-9]{8}_[A-Za-z0-9_-]{43}$/);
    expect(key.startsWith(`${agentKey.prefix}_`)).toBe(true);
    const row = await ctx.app.store.db.selectFrom('agent_keys').selectAll().where('id', '=', agentKey.id).executeTakeFirstOrThrow();
    expect(row.key_hash).toBe(tokenHash(key));
    expect(JSON.stringify(row)).not.toContain(key.slice(13));
    const listed = await owner.get('/api/agent-keys');
    expect(listed.status).toBe(200);
    expect(JSON.stringify(listed.body)).not.toContain(key.slice(13));
    expect(listed.body.items.find((k: { id: string }) => k.id === agentKey.id)).toMatchObject({ name: 'db-host-1', prefix: agentKey.prefix, status: 'active' });
    const one = await owner.get(`/api/agent-keys/${agentKey.id}`);
    expect(one.body).toMatchObject({ id: agentKey.id, status: 'active', lastUsedAt: null });
  });

  it('refuses a key that would be created already expired, or expire more than 10 years ahead, with 400', async () => {
    const year = 365 * 24 * 3600 * 1000;
    const refused: Array<[string, RegExp]> = [
      [new Date(Date.now() - 60_000).toISOString(), /in the future/],
      ['2000-01-01T00:00:00Z', /in the future/],
      [new Date(Date.now() + 10 * year + 86_400_000).toISOString(), /10 years/],
      ['9999-12-31T23:59:59Z', /10 years/],
    ];
    for (const [expiresAt, message] of refused) {
      const res = await owner.post('/api/agent-keys', { name: 'born expired', expiresAt });
      expect(res.status, expiresAt).toBe(400);
      expect(res.body.error.code).toBe('validation_failed');
      expect(res.body.error.message).toBeTypeOf('string');
      expect(res.body.error.details.issues).toEqual([{ path: 'expiresAt', message: expect.stringMatching(message) }]);
    }
    const none = await ctx.app.store.db.selectFrom('agent_keys').select('id').where('organization_id', '=', org.organizationId).where('name', '=', 'born expired').execute();
    expect(none).toEqual([]);
    // A future expiry within the limit, and none at all, are fine.
    const soon = await owner.post('/api/agent-keys', { name: 'expires soon', expiresAt: new Date(Date.now() + 3_600_000).toISOString() });
    expect(soon.status).toBe(201);
    expect(soon.body.agentKey.status).toBe('active');
    expect((await owner.post('/api/agent-keys', { name: 'never expires' })).status).toBe(201);
  });

  it('stores a payload under the organization of the key that sent it', async () => {
    const payload = collectionPayload();
    expect((await postPayload(ctx.url, payload, { key: org.agentKey })).status).toBe(202);
    const row = await ctx.app.store.db.selectFrom('payloads').select('organization_id').where('id', '=', payload.id).executeTakeFirstOrThrow();
    expect(row.organization_id).toBe(org.organizationId);
  });

  it('answers 401 for a missing, malformed or unknown key', async () => {
    const { key } = await createKey();
    const unknownSecret = `${key.slice(0, 13)}${'A'.repeat(43)}`;
    for (const headers of [{} as Record<string, string>, { authorization: 'Bearer nonsense' }, { authorization: `Bearer ${unknownSecret}` }, { authorization: `Basic ${key}` }]) {
      const res = await postPayload(ctx.url, collectionPayload(), { headers });
      expect(res.status, JSON.stringify(headers)).toBe(401);
      expect(((await res.json()) as { error: { code: string } }).error.code).toBe('unauthenticated');
    }
  });

  it('rejects a revoked key at ingest within one second of the revocation', async () => {
    const { key, agentKey } = await createKey('to revoke');
    expect((await postPayload(ctx.url, collectionPayload(), { key })).status).toBe(202);
    const revokedAt = Date.now();
    const res = await owner.delete(`/api/agent-keys/${agentKey.id}`);
    expect(res.status).toBe(200);
    expect(res.body.status).toBe('revoked');
    let status = 0;
    while (Date.now() - revokedAt < 1_000) {
      status = (await postPayload(ctx.url, collectionPayload(), { key })).status;
      if (status === 403) break;
      await new Promise((r) => setTimeout(r, 50));
    }
    expect(status).toBe(403);
    expect(Date.now() - revokedAt).toBeLessThan(1_000);
  });

  it('rotates a key: both work during the overlap, then the old one is refused with 403', async () => {
    const { key: oldKey, agentKey } = await createKey('rotating');
    const rotated = await owner.post(`/api/agent-keys/${agentKey.id}/rotate`, { overlapSeconds: 1 });
    expect(rotated.status).toBe(201);
    const newKey: string = rotated.body.key;
    expect(newKey).not.toBe(oldKey);
    expect(rotated.body.agentKey).toMatchObject({ name: 'rotating', rotatedFromId: agentKey.id, status: 'active' });
    expect((await postPayload(ctx.url, collectionPayload(), { key: oldKey })).status).toBe(202);
    expect((await postPayload(ctx.url, collectionPayload(), { key: newKey })).status).toBe(202);
    await new Promise((r) => setTimeout(r, 1_700));
    const old = await postPayload(ctx.url, collectionPayload(), { key: oldKey });
    expect(old.status).toBe(403);
    expect(((await old.json()) as { error: { message: string } }).error.message).toMatch(/expired/);
    expect((await postPayload(ctx.url, collectionPayload(), { key: newKey })).status).toBe(202);
    expect((await owner.get(`/api/agent-keys/${agentKey.id}`)).body.status).toBe('expired');
  });

  it('records the last-used time in batches, not with a write per request', async () => {
    const { key, agentKey } = await createKey('last used');
    await ctx.app.agentKeysLastUsed.flush();
    for (let i = 0; i < 3; i += 1) expect((await postPayload(ctx.url, collectionPayload(), { key })).status).toBe(202);
    const lastUsed = () => ctx.app.store.db.selectFrom('agent_keys').select('last_used_at').where('id', '=', agentKey.id).executeTakeFirstOrThrow();
    // Three accepted payloads, no write yet: the time waits for the batch (every 30 s by default).
    expect((await lastUsed()).last_used_at).toBeNull();
    const before = Date.now();
    await ctx.app.agentKeysLastUsed.flush();
    const at = (await lastUsed()).last_used_at;
    expect(at).toBeInstanceOf(Date);
    expect(Math.abs((at?.getTime() ?? 0) - before)).toBeLessThan(5_000);
    expect((await owner.get(`/api/agent-keys/${agentKey.id}`)).body.lastUsedAt).toBe(at?.toISOString());
  });

  describe('with an ingest rate of 3 requests a minute per key', () => {
    let limited: TestContext;
    let limitedOrg: SeededOrganization;
    beforeAll(async () => {
      // Its own Temporal server: two apps' workers on one task queue would pick up each other's payload ids.
      limited = await startTestContext(backend, { security: { ingestRatePerMinute: 3 } });
      limitedOrg = await seedOrganization(limited, 'Limited');
    });
    afterAll(async () => {
      await limited?.stop();
    });

    it('answers 429 with Retry-After to a key over its rate, and not to another key', async () => {
      for (let i = 0; i < 3; i += 1) expect((await postPayload(limited.url, collectionPayload(), { key: limitedOrg.agentKey })).status).toBe(202);
      const over = await postPayload(limited.url, collectionPayload(), { key: limitedOrg.agentKey });
      expect(over.status).toBe(429);
      expect(Number(over.headers.get('retry-after'))).toBeGreaterThan(0);
      expect(((await over.json()) as { error: { code: string } }).error.code).toBe('rate_limited');
      const other = await seedOrganization(limited, 'Other');
      expect((await postPayload(limited.url, collectionPayload(), { key: other.agentKey })).status).toBe(202);
    });

    it('does not let junk requests carrying a key’s visible prefix use up that key’s budget', async () => {
      const victim = await seedOrganization(limited, 'Victim');
      const forged = `${victim.agentKey.slice(0, 13)}${'B'.repeat(43)}`;
      for (let i = 0; i < 5; i += 1) expect((await postPayload(limited.url, collectionPayload(), { key: forged })).status).toBe(401);
      expect((await postPayload(limited.url, collectionPayload(), { key: victim.agentKey })).status).toBe(202);
    });
  });
});
