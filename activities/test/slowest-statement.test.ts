// Issue 14 (fleet overview): "slowest statement mean" per target is stored at ingest as a gauge of each workload
// collection (the highest mean time per call among the application's statements that ran in its interval), so the
// overview reads it from the rollups with the other columns instead of every target's statement statistics.
import { describe, expect, it } from 'vitest';
import { extractCollection } from '../src/normalize/index';

const statement = (query: string, queryid: string, calls: number, totalMs: number) => ({
  datname: 'shop', usename: 'app', queryid, query, calls, total_exec_time: totalMs, total_plan_time: 0, rows: calls, shared_blks_hit: 0, shared_blks_read: 0,
});
const slowest = (data: Record<string, unknown>) => extractCollection('postgresql', 'workload', data).metrics.filter((m) => m.metric === 'statements.slowest_mean_ms');

describe('slowest statement mean', () => {
  it('is the highest mean per call among the application\'s statements, monitoring statements left out', () => {
    const points = slowest({
      database_stats: [],
      statements: [
        statement('SELECT * FROM orders WHERE id = $1', '1', 100, 250), // 2.5 ms
        statement('UPDATE stock SET n = n - $1 WHERE sku = $2', '2', 4, 200), // 50 ms
        statement('SELECT pid, state FROM pg_stat_activity', '3', 1, 900), // the agent's own: 900 ms, not counted
        statement('SELECT 1 FROM big', '4', 0, 0), // did not run in the interval
      ],
    });
    expect(points).toEqual([{ metric: 'statements.slowest_mean_ms', labels: {}, value: 50, kind: 'gauge' }]);
  });

  it('is absent when no application statement ran (no zero that would read as fast)', () => {
    expect(slowest({ database_stats: [], statements: [statement('SHOW max_connections', '5', 3, 3)] })).toEqual([]);
    expect(slowest({ database_stats: [], statements: [] })).toEqual([]);
  });

  it('works the same for MariaDB statement digests', () => {
    const maria = extractCollection('mysql', 'workload', {
      statement_digests: [
        { schemaName: 'shop', digest: 'd1', digestText: 'SELECT * FROM `orders` WHERE `id` = ?', calls: 10, totalTimeUs: 30_000, rowsSent: 10 },
        { schemaName: null, digest: 'd2', digestText: 'SELECT * FROM `information_schema` . `PROCESSLIST`', calls: 1, totalTimeUs: 9_000_000, rowsSent: 1 },
      ],
    }).metrics.find((m) => m.metric === 'statements.slowest_mean_ms');
    expect(maria?.value).toBe(3);
  });
});
