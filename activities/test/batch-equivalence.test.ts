// A batch merges its rows per key before writing them (one upsert per series, statement and target): the tables must
// end exactly as if each payload had been normalized alone, oldest first, including after a newer payload was stored.
import { randomUUID } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { sql } from 'kysely';
import { describe, expect, it } from 'vitest';
import { preparePartitions, type PayloadRow } from '@logstag/store';
import { normalizePayloads } from '../src/normalize/index';
import { insertPayloadRows, type PayloadJson } from './payload-rows';
import { postgresTestStore } from './test-store';

type Body = Record<string, any>;
const fixture = (engine: string): Body[] =>
  readFileSync(new URL(`../../api/test/fixtures/${engine}.jsonl`, import.meta.url), 'utf8').trim().split('\n').map((l) => JSON.parse(l) as Body);
const BATCHED = 'org-batched';
const ONE_BY_ONE = 'org-one-by-one';

describe('a batch normalized at once leaves the rows of its payloads normalized one by one (PostgreSQL)', () => {
  const store = postgresTestStore(2);

  async function insert(org: string, bodies: Body[]): Promise<PayloadRow[]> {
    const copies: Body[] = bodies.map((b) => ({ ...b, id: randomUUID() }));
    await insertPayloadRows(store.db, org, copies as PayloadJson[]);
    await preparePartitions(store.db, copies.map((b) => new Date(b.collectedAt)));
    return store.db.selectFrom('payloads').selectAll().where('id', 'in', copies.map((b) => b.id)).orderBy('collected_at').execute();
  }

  /** A table's rows of one organization, without the organization, in primary-key order. */
  async function rowsOf(table: string, org: string, orderBy: string) {
    const { rows } = await sql<Record<string, unknown>>`select * from ${sql.table(table)} where organization_id = ${org} order by ${sql.raw(orderBy)}`.execute(store.db);
    return rows.map(({ organization_id: _org, ...rest }) => rest);
  }

  async function rows(org: string) {
    return {
      targets: await rowsOf('targets', org, 'target_id'),
      queries: await rowsOf('queries', org, 'target_id, fingerprint'),
      series: await rowsOf('metric_series', org, 'target_id, metric, labels_key'),
      agents: await rowsOf('agents', org, 'agent_id'),
      hosts: await rowsOf('hosts', org, 'hostname'),
    };
  }

  it('gives the same targets, statements, series, agents and hosts', async () => {
    const all = ['postgresql', 'mysql', 'redis', 'mongodb', 'heartbeat'].flatMap(fixture);
    // A few of the newest collections are stored first, so the batch replays older payloads behind them; each
    // engine's target also reports a failed collection after everything else.
    const byTime = [...all].sort((a, b) => Date.parse(a.collectedAt) - Date.parse(b.collectedAt));
    const first = byTime.filter((b) => b.kind === 'collection').slice(-8, -4);
    const newest = Date.parse(byTime.at(-1)!.collectedAt);
    const failed = ['postgresql', 'mysql', 'redis', 'mongodb'].map((engine, k) => ({
      ...byTime.find((b) => b.engine === engine && b.category === 'runtime')!,
      collectedAt: new Date(newest + k + 1).toISOString(),
      data: {},
      errors: [{ collector: 'runtime', message: 'connection refused' }],
    }));
    const rest = [...byTime.filter((b) => !first.includes(b)), ...failed];

    for (const org of [BATCHED, ONE_BY_ONE]) {
      const stored = await insert(org, first);
      for (const r of stored) await store.db.transaction().execute((trx) => normalizePayloads(trx, [r]));
    }
    const batched = await insert(BATCHED, rest);
    await store.db.transaction().execute((trx) => normalizePayloads(trx, batched));
    for (const r of await insert(ONE_BY_ONE, rest)) await store.db.transaction().execute((trx) => normalizePayloads(trx, [r]));

    const a = await rows(BATCHED);
    const b = await rows(ONE_BY_ONE);
    expect(a.targets.length).toBeGreaterThan(3);
    expect(a.queries.length).toBeGreaterThan(10);
    expect(a.series.length).toBeGreaterThan(100);
    expect(a.targets.some((t) => t.status === 'failing')).toBe(true);
    expect(a).toEqual(b);
  });
});
