// Many ingest batches normalized at once over the same targets, each meeting them in another order, as a split worker
// does when it drains a backlog: none may deadlock, and every payload's rows must land.
import { randomUUID } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { sql } from 'kysely';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openStore, payloadBodyFromJson, type PayloadRow, type Store } from '@logstag/store';
import { createTestDatabase, type TestDatabase } from '@logstag/store/testing';
import { extractCollection, normalizePayloads } from '../src/normalize/index';
import { preparePartitions } from '@logstag/store';

type Body = Record<string, any>;
const ORG = 'org-lock-order';
const ENGINES = ['postgresql', 'mysql', 'redis', 'mongodb'] as const;
const BATCHES = 8;
const TARGETS = 16;
const ROUNDS = 2;

/** Per engine, the recorded payloads of the categories that write metrics and queries, activity, and snapshots. */
const recorded = Object.fromEntries(
  ENGINES.map((engine) => {
    const lines = readFileSync(new URL(`../../api/test/fixtures/${engine}.jsonl`, import.meta.url), 'utf8')
      .trim()
      .split('\n')
      .map((l) => JSON.parse(l) as Body);
    const last = (category: string) => lines.filter((p) => p.category === category).at(-1)!;
    return [engine, { every: ['workload', 'runtime'].map(last), operational: last('operational') }];
  }),
) as Record<(typeof ENGINES)[number], { every: Body[]; operational: Body }>;

/** A deterministic shuffle (the test must fail or pass the same way on every run). */
function shuffled<T>(items: T[], seed: number): T[] {
  const out = [...items];
  let s = seed;
  for (let i = out.length - 1; i > 0; i--) {
    s = (s * 1_103_515_245 + 12_345) % 2_147_483_648;
    const j = s % (i + 1);
    [out[i], out[j]] = [out[j]!, out[i]!];
  }
  return out;
}

/** Query stats rows one batch writes: each target's workload statements, one row per distinct fingerprint. */
function expectedStatsPerRound(): number {
  let n = 0;
  for (let i = 0; i < TARGETS; i++) {
    for (const p of recorded[ENGINES[i % ENGINES.length]!].every) n += new Set(extractCollection(p.engine, p.category, p.data).queries.map((q) => q.fingerprint)).size;
  }
  return n;
}

async function deadlocksOf(url: string): Promise<number> {
  const c = new pg.Client({ connectionString: url });
  await c.connect();
  try {
    const r = await c.query<{ n: string }>('select deadlocks as n from pg_stat_database where datname = current_database()');
    return Number(r.rows[0]!.n);
  } finally {
    await c.end();
  }
}

describe('normalization of concurrent batches over the same targets (PostgreSQL)', () => {
  let tdb: TestDatabase;
  let store: Store;
  beforeAll(async () => {
    tdb = await createTestDatabase();
    store = await openStore({ databaseUrl: tdb.url, poolSize: BATCHES + 2 });
  });
  afterAll(async () => {
    await store?.close();
    await tdb?.drop();
  });

  /**
   * BATCHES batches, each with every target's workload and runtime payload; batch b collects its targets in its own
   * shuffled order, so sorted by collected_at every batch meets the targets (and their series and statements) in a
   * different order. Batch b also has target b's operational payload (snapshots; one target's snapshot writers are
   * serialized, so one such target per batch, or the batches would simply queue behind each other).
   */
  async function batches(t0: number): Promise<PayloadRow[][]> {
    const targets = Array.from({ length: TARGETS }, (_, i) => ({ engine: ENGINES[i % ENGINES.length]!, targetId: `target-${i}` }));
    const bodies: Body[][] = [];
    for (let b = 0; b < BATCHES; b++) {
      const order = shuffled(targets, b + 1);
      bodies.push(
        order.flatMap((t, pos) =>
          [...recorded[t.engine].every, ...(t.targetId === `target-${b}` ? [recorded[t.engine].operational] : [])].map((p, k) => ({
            ...p,
            id: randomUUID(),
            agentId: 'agent-lock-order',
            targetId: t.targetId,
            collectedAt: new Date(t0 + b * 600_000 + (pos * 3 + k) * 1_000).toISOString(),
          })),
        ),
      );
    }
    const all = bodies.flat();
    const stored = await Promise.all(all.map((b) => payloadBodyFromJson(b)));
    await store.db
      .insertInto('payloads')
      .values(
        all.map((b, i) => ({
          id: b.id,
          organization_id: ORG,
          agent_id: b.agentId,
          target_id: b.targetId,
          engine: b.engine,
          category: b.category,
          kind: 'collection',
          collected_at: b.collectedAt,
          replayed: false,
          ...stored[i]!,
        })),
      )
      .execute();
    await preparePartitions(store.db, all.map((b) => new Date(b.collectedAt)));
    const rows = await store.db.selectFrom('payloads').selectAll().where('organization_id', '=', ORG).where('collected_at', '>=', new Date(t0)).execute();
    const byId = new Map(rows.map((r) => [r.id, r]));
    return bodies.map((list) => list.map((b) => byId.get(b.id)!));
  }

  it('commits every batch without a deadlock and stores every payload', async () => {
    const before = await deadlocksOf(tdb.url);
    const t0 = Date.now() - 6 * 3_600_000;
    const failures: string[] = [];
    expect(expectedStatsPerRound()).toBeGreaterThan(0);
    for (let round = 0; round < ROUNDS; round++) {
      const rows = await batches(t0 + round * BATCHES * 600_000);
      const results = await Promise.allSettled(rows.map((batch) => store.db.transaction().execute((trx) => normalizePayloads(trx, batch))));
      for (const r of results) if (r.status === 'rejected') failures.push(String((r.reason as Error).message));
    }
    expect(failures).toEqual([]);
    // Every payload stored its rows: one activity snapshot per runtime payload, stats for every workload payload.
    const activity = await store.db.selectFrom('activity_snapshots').select((eb) => eb.fn.countAll<number>().as('n')).where('organization_id', '=', ORG).executeTakeFirstOrThrow();
    expect(Number(activity.n)).toBe(ROUNDS * BATCHES * TARGETS);
    const stats = await store.db.selectFrom('query_stats').select((eb) => eb.fn.countAll<number>().as('n')).where('organization_id', '=', ORG).executeTakeFirstOrThrow();
    expect(Number(stats.n)).toBe(ROUNDS * BATCHES * expectedStatsPerRound());
    // Whatever batch committed last, each series keeps the value of its newest point.
    const stale = await sql<{ n: number }>`
      select count(*)::int as n from metric_series s
       where s.organization_id = ${ORG}
         and (s.last_ts, s.last_value) is distinct from (
           select row(p.ts, p.value) from metric_points p
            where (p.organization_id, p.target_id, p.metric, p.labels_key) = (s.organization_id, s.target_id, s.metric, s.labels_key)
            order by p.ts desc limit 1)`.execute(store.db);
    expect(stale.rows[0]!.n).toBe(0);
    // Backends report their statistics when they go idle or exit: close the pool before reading the counter.
    await store.close();
    store = await openStore({ databaseUrl: tdb.url, poolSize: 2 });
    expect((await deadlocksOf(tdb.url)) - before).toBe(0);
  });
});
