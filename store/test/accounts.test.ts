import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  canonicalEmail,
  claimInvitation,
  claimSetupToken,
  clearLoginFailures,
  countUsers,
  deleteSession,
  findActiveSession,
  findAgentKey,
  findAgentKeyByPrefix,
  findOrganization,
  findUser,
  findUserByEmail,
  insertAgentKey,
  insertInvitation,
  insertOrganization,
  insertSession,
  insertSetupToken,
  insertUser,
  listUsers,
  lockedUntil,
  lockFirstRun,
  lockOwnerIds,
  recordAgentKeysUsed,
  recordLoginFailure,
  revokeInvitation,
  updateOrganizationName,
  type Store,
} from '../src/index';
import { backends } from './backends';

describe.each(backends)('accounts on %s', (_name, open) => {
  let store: Store;
  let cleanup: () => Promise<void>;
  const org = randomUUID();
  const other = randomUUID();
  beforeAll(async () => {
    ({ store, cleanup } = await open());
    await insertOrganization(store.db, org, 'Acme');
    await insertOrganization(store.db, other, 'Other');
  });
  afterAll(async () => {
    await store.close();
    await cleanup();
  });

  const newUser = (organizationId: string, email: string, role: 'owner' | 'admin' | 'member' = 'member') => ({
    id: randomUUID(),
    organization_id: organizationId,
    email: canonicalEmail(email),
    name: email,
    password_hash: 'x',
    role,
  });

  it('renames an organization', async () => {
    await updateOrganizationName(store.db, org, 'Acme Inc');
    expect((await findOrganization(store.db, org))?.name).toBe('Acme Inc');
  });

  it('finds a user by canonical email, and by id only within its organization', async () => {
    const user = await insertUser(store.db, newUser(org, '  Ada@Example.COM '));
    expect((await findUserByEmail(store.db, 'ada@example.com'))?.id).toBe(user.id);
    expect(await findUser(store.db, org, user.id)).toBeDefined();
    expect(await findUser(store.db, other, user.id)).toBeUndefined();
    expect(await countUsers(store.db)).toBeGreaterThanOrEqual(1);
  });

  it('pages users by id after a cursor', async () => {
    const ids = [];
    for (let i = 0; i < 3; i++) ids.push((await insertUser(store.db, newUser(other, `page${i}@example.com`))).id);
    ids.sort();
    const first = await listUsers(store.db, other, undefined, 2);
    expect(first.map((u) => u.id)).toEqual(ids.slice(0, 2));
    const rest = await listUsers(store.db, other, first[1]?.id, 2);
    expect(rest.map((u) => u.id)).toEqual(ids.slice(2));
  });

  it("locks and returns the organization's owners in a transaction", async () => {
    const owner = await insertUser(store.db, newUser(org, 'owner@example.com', 'owner'));
    const owners = await store.db.transaction().execute((trx) => lockOwnerIds(trx, org));
    expect(owners).toEqual([owner.id]);
  });

  it('claims an invitation once, and never a revoked one', async () => {
    const base = { organization_id: org, role: 'member' as const, expires_at: new Date(Date.now() + 60_000) };
    await insertInvitation(store.db, { ...base, id: randomUUID(), email: 'inv@example.com', token_hash: 'tok-1' });
    expect((await claimInvitation(store.db, 'tok-1'))?.email).toBe('inv@example.com');
    expect(await claimInvitation(store.db, 'tok-1')).toBeUndefined();
    const revoked = await insertInvitation(store.db, { ...base, id: randomUUID(), email: 'rev@example.com', token_hash: 'tok-2' });
    await revokeInvitation(store.db, org, revoked.id);
    expect(await claimInvitation(store.db, 'tok-2')).toBeUndefined();
  });

  it("finds an agent key by prefix across organizations, by id only within its own, and never moves last use backwards", async () => {
    const key = await insertAgentKey(store.db, { id: randomUUID(), organization_id: org, name: 'k', prefix: `lsk_${randomUUID().slice(0, 8)}`, key_hash: 'h' });
    expect((await findAgentKeyByPrefix(store.db, key.prefix))?.id).toBe(key.id);
    expect(await findAgentKey(store.db, other, key.id)).toBeUndefined();
    const later = new Date('2026-12-05T12:00:00Z');
    await recordAgentKeysUsed(store.db, new Map([[key.id, later]]));
    await recordAgentKeysUsed(store.db, new Map([[key.id, new Date('2026-12-05T11:00:00Z')]]));
    expect((await findAgentKey(store.db, org, key.id))?.last_used_at?.toISOString()).toBe(later.toISOString());
  });

  it('answers an active session with its user, and nothing once deleted or idle', async () => {
    const user = await insertUser(store.db, newUser(org, 'session@example.com', 'admin'));
    await insertSession(store.db, { token_hash: 'sess-1', user_id: user.id, organization_id: org, csrf_token: 'c', expires_at: new Date(Date.now() + 60_000) });
    const active = await findActiveSession(store.db, 'sess-1', 60_000);
    expect(active).toMatchObject({ user_id: user.id, email: 'session@example.com', role: 'admin' });
    await store.db.updateTable('sessions').set({ last_seen_at: new Date(Date.now() - 120_000) }).where('token_hash', '=', 'sess-1').execute();
    expect(await findActiveSession(store.db, 'sess-1', 60_000)).toBeUndefined();
    await deleteSession(store.db, 'sess-1');
    expect(await store.db.selectFrom('sessions').select('token_hash').where('token_hash', '=', 'sess-1').executeTakeFirst()).toBeUndefined();
  });

  it('claims a setup token once, under the first-run lock', async () => {
    await store.db.transaction().execute(async (trx) => {
      await lockFirstRun(trx);
      await insertSetupToken(trx, 'setup-1', new Date(Date.now() + 60_000));
    });
    expect(await store.db.transaction().execute((trx) => claimSetupToken(trx, 'setup-1'))).toBe(true);
    expect(await store.db.transaction().execute((trx) => claimSetupToken(trx, 'setup-1'))).toBe(false);
  });

  it('locks a sign-in key at the failure limit and forgets it when cleared', async () => {
    const key = `email:${randomUUID()}`;
    await recordLoginFailure(store.db, key, 2, 60_000, 60_000);
    expect(await lockedUntil(store.db, [key])).toBeUndefined();
    await recordLoginFailure(store.db, key, 2, 60_000, 60_000);
    expect((await lockedUntil(store.db, [key]))?.getTime()).toBeGreaterThan(Date.now());
    await clearLoginFailures(store.db, key);
    expect(await lockedUntil(store.db, [key])).toBeUndefined();
  });
});
