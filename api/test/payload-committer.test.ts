import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { sql, type Kysely, type KyselyPlugin } from 'kysely';
import { v7 as uuidv7 } from 'uuid';
import { openStore, payloadBodyFromJson, type Database, type NewPayloadRow, type Store } from '@logstag/store';
import { createTestDatabase, type TestDatabase } from '@logstag/store/testing';
import { createPayloadCommitter } from '../src/ingest/payload-committer';

describe('group commit of accepted payloads (PostgreSQL)', () => {
  let tdb: TestDatabase;
  let store: Store;
  let db: Kysely<Database>;
  // A second pool, outside the committer's: it sees a row only once its transaction has committed.
  let observer: Store;
  let inserts = 0;
  const countInserts: KyselyPlugin = {
    transformQuery(args) {
      if (args.node.kind === 'InsertQueryNode') inserts++;
      return args.node;
    },
    transformResult: async (args) => args.result,
  };
  beforeAll(async () => {
    tdb = await createTestDatabase();
    store = await openStore({ databaseUrl: tdb.url, poolSize: 4 });
    db = store.db.withPlugin(countInserts);
    observer = await openStore({ databaseUrl: tdb.url, poolSize: 1 });
  });
  afterAll(async () => {
    await observer?.close();
    await store?.close();
    await tdb?.drop();
  });

  const row = async (overrides: Partial<NewPayloadRow> = {}): Promise<NewPayloadRow> => ({
    id: uuidv7(),
    organization_id: 'org-1',
    agent_id: 'agent-1',
    target_id: 'pg-main',
    engine: 'postgresql',
    category: 'runtime',
    kind: 'collection',
    collected_at: new Date().toISOString(),
    replayed: false,
    ...(await payloadBodyFromJson({ hello: 'world' })),
    ...overrides,
  });
  const committedIds = async (ids: string[]) =>
    new Set((await observer.db.selectFrom('payloads').select('id').where('id', 'in', ids).execute()).map((r) => r.id));

  it('writes concurrent payloads in fewer INSERTs than payloads, and settles each only after its row is committed', async () => {
    const committer = createPayloadCommitter({ db, maxInFlight: 1 });
    const rows = await Promise.all(Array.from({ length: 60 }, () => row()));
    inserts = 0;
    const visibleWhenSettled = await Promise.all(
      rows.map(async (r) => {
        const inserted = await committer.commit(r);
        return { inserted, visible: (await committedIds([r.id])).has(r.id) };
      }),
    );
    expect(visibleWhenSettled).toEqual(rows.map(() => ({ inserted: true, visible: true })));
    expect(inserts).toBeGreaterThan(0);
    expect(inserts).toBeLessThan(rows.length);
    expect((await committedIds(rows.map((r) => r.id))).size).toBe(rows.length);
  });

  it('answers an id sent twice in one batch as one insert and one duplicate, and one already stored as a duplicate', async () => {
    const committer = createPayloadCommitter({ db });
    const stored = await row();
    expect(await committer.commit(stored)).toBe(true);
    const twice = await row();
    const results = await Promise.all([committer.commit(twice), committer.commit({ ...twice }), committer.commit({ ...stored })]);
    expect(results).toEqual([true, false, false]);
    const n = await sql<{ n: number }>`select count(*)::int as n from payloads where id in (${twice.id}, ${stored.id})`.execute(observer.db);
    expect(n.rows[0]?.n).toBe(2);
  });

  it('rejects only the request whose row fails when a batch fails, and stores the others', async () => {
    const committer = createPayloadCommitter({ db });
    const good = await Promise.all(Array.from({ length: 10 }, () => row()));
    // Violates payloads_status_check: the multi-row INSERT fails as a whole.
    const bad = await row({ status: 'bogus' as 'pending' });
    const settled = await Promise.allSettled([...good.slice(0, 5), bad, ...good.slice(5)].map((r) => committer.commit(r)));
    expect(settled[5]?.status).toBe('rejected');
    expect(settled.filter((s) => s.status === 'fulfilled' && s.value === true)).toHaveLength(10);
    expect(await committedIds([...good, bad].map((r) => r.id))).toEqual(new Set(good.map((r) => r.id)));
  });

  it('rejects every request, none as accepted, when the store cannot commit', async () => {
    const closed = await openStore({ databaseUrl: tdb.url, poolSize: 2 });
    await closed.close();
    const committer = createPayloadCommitter({ db: closed.db });
    const rows = await Promise.all(Array.from({ length: 8 }, () => row()));
    const settled = await Promise.allSettled(rows.map((r) => committer.commit(r)));
    expect(settled.map((s) => s.status)).toEqual(Array(8).fill('rejected'));
    expect((await committedIds(rows.map((r) => r.id))).size).toBe(0);
  });
});
