import { describe, expect, it } from 'vitest';
import { sql } from 'kysely';
import { bulkInsert, ensurePartitions, partitionName, preparePartitions, rowKey, sortedByKey, utcDay, valuesByKey } from '../src/index';
import { backends, suiteStore } from './backends';

describe.each(backends)('partitions and bulk writes on %s', (_name, open) => {
  const store = suiteStore(open);

  const exists = async (name: string) => (await sql<{ e: boolean }>`select to_regclass(${name}) is not null as e`.execute(store.db)).rows[0]?.e;

  it("creates a day's partitions once, for every table normalization writes", async () => {
    const day = utcDay(new Date('2027-01-02T23:59:59Z'));
    expect(day).toBe('2027-01-02');
    expect(await exists(partitionName('metric_points', day))).toBe(false);
    await preparePartitions(store.db, [new Date('2027-01-02T01:00:00Z'), new Date('2027-01-02T02:00:00Z')]);
    await ensurePartitions(store.db, 'metric_points', [day]);
    for (const table of ['metric_points', 'query_stats', 'activity_snapshots'] as const) expect(await exists(partitionName(table, day))).toBe(true);
    expect(await exists(partitionName('metric_rollup_1m', day))).toBe(false);
  });

  it('inserts rows in bulk, the conflict clause applying to each', async () => {
    const rows = [
      { id: 'a', value: 1 },
      { id: 'b', value: 2 },
    ];
    await store.db.transaction().execute(async (trx) => {
      const columns = [
        { name: 'key', type: 'text' as const, value: (r: (typeof rows)[number]) => `bulk:${r.id}` },
        { name: 'failures', type: 'float8' as const, value: (r: (typeof rows)[number]) => r.value },
      ];
      await bulkInsert(trx, 'login_throttle', columns, rows, sql`on conflict (key) do nothing`);
      await bulkInsert(trx, 'login_throttle', columns, rows, sql`on conflict (key) do nothing`);
    });
    const stored = await store.db.selectFrom('login_throttle').select(['key', 'failures']).where('key', 'like', 'bulk:%').orderBy('key').execute();
    expect(stored).toEqual([
      { key: 'bulk:a', failures: 1 },
      { key: 'bulk:b', failures: 2 },
    ]);
  });
});

describe('lock order', () => {
  it('orders rows by their conflict key alone, whatever order they came in', () => {
    const rows = new Map([
      [rowKey('t2', 'm'), 'second'],
      [rowKey('t1', 'm'), 'first'],
    ]);
    expect(valuesByKey(rows)).toEqual(['first', 'second']);
    expect(sortedByKey([{ key: rowKey('b') }, { key: rowKey('a') }]).map((e) => e.key)).toEqual(['a', 'b']);
    expect(rowKey('a', 1)).not.toBe(rowKey('a1'));
  });
});
