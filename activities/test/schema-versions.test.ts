// A payload of schemaVersion 1 (what agents already deployed send, and replay from their spools) is normalized exactly
// as the same collection sent as version 2, whose sections are renamed to snake_case: the same extraction, and the
// same rows in the explorer tables. The version 1 payloads are the recorded ones (api/test/fixtures).
import { readFileSync } from 'node:fs';
import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { SCHEMA_VERSION, currentSectionNames, payloadSchema } from '@logstag/schema';
import { openStore, type Store } from '@logstag/store';
import { extractCollection, normalizePayloads } from '../src/normalize/index';
import { insertPayloadRows, type PayloadJson } from './payload-rows';

type Body = Record<string, any>;
const ENGINES = ['postgresql', 'mysql', 'redis', 'mongodb'] as const;
const version1 = ENGINES.flatMap((engine) =>
  readFileSync(new URL(`../../api/test/fixtures/${engine}.jsonl`, import.meta.url), 'utf8')
    .trim()
    .split('\n')
    .map((l) => JSON.parse(l) as Body),
);
/** The same collection as a version 2 agent sends it (a fresh id, so both can be stored). */
const asVersion2 = (p: Body): Body => ({
  ...p,
  id: `${p.id.slice(0, -4)}${(parseInt(p.id.slice(-4), 16) ^ 0xffff).toString(16).padStart(4, '0')}`,
  schemaVersion: SCHEMA_VERSION,
  data: currentSectionNames(p.engine, 1, p.data),
});
const version2 = version1.map(asVersion2);

describe('a version 1 payload', () => {
  it('is recorded as version 1 and has sections version 2 renamed', () => {
    expect(new Set(version1.map((p) => p.schemaVersion))).toEqual(new Set([1]));
    expect(version2.every((p) => payloadSchema.safeParse(p).success)).toBe(true);
    const renamed = version1.filter((p, i) => Object.keys(p.data).join() !== Object.keys(version2[i]!.data).join());
    expect(new Set(renamed.map((p) => p.engine))).toEqual(new Set(['mysql', 'redis', 'mongodb']));
  });

  it('is extracted exactly as its version 2 form', () => {
    for (const [i, p] of version1.entries()) {
      const v2 = version2[i]!;
      expect(extractCollection(p.engine, p.category, p.data, 1), `${p.engine} ${p.category} ${p.id}`).toEqual(
        extractCollection(v2.engine, v2.category, v2.data, v2.schemaVersion),
      );
    }
  });
});

describe('normalizing version 1 and version 2 payloads of the same collections', () => {
  let store: Store;

  async function normalize(organization: string, bodies: Body[]): Promise<void> {
    await insertPayloadRows(store.db, organization, bodies as PayloadJson[]);
    const rows = await store.db.selectFrom('payloads').selectAll().where('organization_id', '=', organization).execute();
    await store.db.transaction().execute((trx) => normalizePayloads(trx, rows));
  }

  /** What normalization wrote for an organization, without the payload ids (which differ by construction). */
  async function written(organization: string) {
    const q = async (query: ReturnType<typeof sql>) => (await query.execute(store.db)).rows;
    return {
      points: await q(sql`select target_id, ts, metric, labels_key, value from metric_points where organization_id = ${organization} order by 1, 2, 3, 4`),
      series: await q(sql`select target_id, metric, labels_key, kind, last_value from metric_series where organization_id = ${organization} order by 1, 2, 3`),
      stats: await q(sql`select target_id, ts, fingerprint, calls, total_time_ms, rows, blocks_hit, blocks_read from query_stats where organization_id = ${organization} order by 1, 2, 3`),
      activity: await q(sql`select target_id, ts, sessions, lock_waits, blocking, connections, replication from activity_snapshots where organization_id = ${organization} order by 1, 2`),
      snapshots: await q(sql`select target_id, kind, ts, digest, items from snapshots where organization_id = ${organization} order by 1, 2, 3`),
      changes: await q(sql`select target_id, kind, ts, object_type, object_name, change from snapshot_changes where organization_id = ${organization} order by 1, 2, 3, 4, 5`),
      targets: await q(sql`select target_id, engine, version, status from targets where organization_id = ${organization} order by 1`),
    };
  }

  beforeAll(async () => {
    store = await openStore({ dataDir: 'memory://' });
    await normalize('org-version-1', version1);
    await normalize('org-version-2', version2);
  });
  afterAll(async () => store?.close());

  it('writes the same series, statements, snapshots and targets', async () => {
    const one = await written('org-version-1');
    const two = await written('org-version-2');
    expect(one.points.length).toBeGreaterThan(1000);
    expect(one.stats.length).toBeGreaterThan(0);
    expect(two).toEqual(one);
  });
});
