// The target page's charts read what the server stores: curated metrics (@logstag/schema METRICS) and metric-family
// series (`<prefix>.<field>`, metrics/families.ts) of the target's engine, so a chart cannot ask for a series the
// server never stores. The browser test (database-page.test.ts) checks them on real servers.
import { describe, expect, it } from 'vitest';
import { METRICS, curatedMetric, metricFamilies, type Engine } from '@logstag/schema';
import { ENGINE_CHARTS, buildCharts, chartMetrics, databaseRows, dataSinceOf, type Fetched } from '../src/routes/(app)/databases/[...target]/charts';
import type { MetricSeries, SeriesPoint } from '../src/lib/api';

const ENGINES: Engine[] = ['postgresql', 'mysql', 'redis', 'mongodb'];

function stored(engine: Engine, name: string): boolean {
  const curated = curatedMetric(name);
  if (curated) return curated.engines.includes(engine);
  const prefix = name.slice(0, name.indexOf('.'));
  return metricFamilies(engine).some((f) => f.prefix === prefix);
}

const point = (ts: string, v: number, rate?: number): SeriesPoint => ({ ts, avg: v, min: v, max: v, sum: v, count: 1, ...(rate === undefined ? {} : { ratePerSecond: rate }) });

function series(metric: string, rows: Array<{ labels?: Record<string, string>; points: SeriesPoint[] }>): MetricSeries {
  return { targetId: 't', metric, kind: 'gauge', resolution: 'raw', stepSeconds: 10, from: '2026-01-01T00:00:00Z', to: '2026-01-01T01:00:00Z', series: rows.map((r) => ({ labels: r.labels ?? {}, points: r.points })) };
}

const fetched = (...all: MetricSeries[]): Fetched => new Map(all.map((s) => [s.metric, s]));
const T0 = '2026-01-01T00:00:00.000Z';
const T1 = '2026-01-01T00:00:10.000Z';

describe('target page charts', () => {
  it.each(ENGINES)('on %s fetch only series the server stores for that engine', (engine) => {
    expect(chartMetrics(engine).filter((name) => !stored(engine, name))).toEqual([]);
  });

  // Issue 14: PostgreSQL's charts were titled "Sessions, locks and threads" and "Evictions, expirations and deadlocks".
  it('title charts in each engine’s terms: no threads or evictions on PostgreSQL, no evictions on MariaDB', () => {
    const titles = (e: Engine) => ENGINE_CHARTS[e].map((c) => c.title.toLowerCase()).join(' | ');
    expect(titles('postgresql')).not.toMatch(/thread|evict/);
    expect(titles('mysql')).not.toMatch(/evict/);
    expect(titles('mysql')).toMatch(/thread/);
    expect(titles('redis')).toMatch(/evict/);
    expect(titles('redis')).not.toMatch(/thread/);
  });

  // Issue 14: the collected metrics the page did not show.
  it('chart what each engine collects: tuples, temp files, block time, checkpoints, buffers, WAL, XID age, sizes; InnoDB; Redis keyspace, fragmentation, persistence', () => {
    const pg = chartMetrics('postgresql');
    for (const m of ['database_stats.tup_returned', 'database_stats.tup_inserted', 'database_stats.temp_files', 'database_stats.temp_bytes', 'database_stats.blk_read_time', 'checkpointer.num_timed', 'checkpointer.buffers_written', 'bgwriter.buffers_clean', 'wal.wal_bytes', 'databases.xid_wraparound_percent', 'databases.size_bytes']) {
      expect(pg).toContain(m);
    }
    const my = chartMetrics('mysql');
    for (const m of ['statusGauges.Innodb_buffer_pool_bytes_data', 'globalStatus.Innodb_rows_read', 'statusGauges.Innodb_history_list_length']) expect(my).toContain(m);
    const redis = chartMetrics('redis');
    for (const m of ['stats.keyspace_hits', 'stats.keyspace_misses', 'memory.mem_fragmentation_ratio', 'persistence.rdb_changes_since_last_save']) expect(redis).toContain(m);
  });

  // Issue 14: the limit drawn on the same axis squashed "used" flat; the chart reads used as a share of the limit.
  it('show connections as a percentage of the limit, the counts in words', () => {
    const built = buildCharts('postgresql', fetched(series(METRICS.connectionsUsed.name, [{ points: [point(T0, 6), point(T1, 10)] }]), series(METRICS.connectionsMax.name, [{ points: [point(T0, 200), point(T1, 200)] }])));
    const c = built.find((b) => b.def.id === 'connections')!;
    expect(c.def.unit).toBe('percent');
    expect(c.series.used!.map((p) => p.value)).toEqual([3, 5]);
    expect(c.description).toBe('10 of 200 now');
  });

  it('build page data SvelteKit can serialize (no functions)', () => {
    const built = buildCharts('postgresql', fetched(series(METRICS.connectionsUsed.name, [{ points: [point(T0, 6)] }])));
    expect(built.length).toBeGreaterThan(0);
    expect(() => structuredClone(built)).not.toThrow();
  });

  it('read counters as rates summed over databases, and gauges as averages', () => {
    const commits = series(METRICS.transactionsCommits.name, [
      { labels: { database: 'a' }, points: [point(T0, 100, 10)] },
      { labels: { database: 'b' }, points: [point(T0, 50, 5)] },
    ]);
    const built = buildCharts('postgresql', fetched(commits));
    expect(built.find((b) => b.def.id === 'transactions')!.series.commits).toEqual([{ ts: T0, value: 15 }]);
    // The per-database chart: one line each, largest first.
    const per = built.find((b) => b.def.id === 'db-commits')!;
    expect(Object.values(per.labels)).toEqual(['a', 'b']);
  });

  it('keep the five largest databases each on their line and sum the rest', () => {
    const sizes = series('databases.size_bytes', ['a', 'b', 'c', 'd', 'e', 'f', 'g'].map((name, i) => ({ labels: { datname: name }, points: [point(T0, (i + 1) * 1000)] })));
    const chart = buildCharts('postgresql', fetched(sizes)).find((b) => b.def.id === 'db-size')!;
    expect(Object.values(chart.labels)).toEqual(['g', 'f', 'e', 'd', 'c', '2 others']);
    expect(chart.series.other).toEqual([{ ts: T0, value: 3000 }]);
  });

  it('size the InnoDB buffer pool from its pages and the page size its data pages tell', () => {
    const built = buildCharts(
      'mysql',
      fetched(
        series('statusGauges.Innodb_buffer_pool_bytes_data', [{ points: [point(T0, 16384 * 10)] }]),
        series('statusGauges.Innodb_buffer_pool_pages_data', [{ points: [point(T0, 10)] }]),
        series('statusGauges.Innodb_buffer_pool_pages_total', [{ points: [point(T0, 8192)] }]),
      ),
    );
    expect(built.find((b) => b.def.id === 'buffer-pool')!.series.size).toEqual([{ ts: T0, value: 8192 * 16384 }]);
  });

  it('count MariaDB’s row operations from its handler counters, MySQL’s from Innodb_rows_*', () => {
    const rate = (metric: string, r: number) => series(metric, [{ points: [point(T0, r * 10, r)] }]);
    const maria = buildCharts('mysql', fetched(rate('globalStatus.Handler_read_key', 5), rate('globalStatus.Handler_read_rnd_next', 20), rate('globalStatus.Handler_write', 2)));
    const rows = maria.find((b) => b.def.id === 'rows')!;
    expect(rows.series.read).toEqual([{ ts: T0, value: 25 }]);
    expect(rows.series.inserted).toEqual([{ ts: T0, value: 2 }]);
    const mysql = buildCharts('mysql', fetched(rate('globalStatus.Innodb_rows_read', 7), rate('globalStatus.Handler_read_key', 5)));
    expect(mysql.find((b) => b.def.id === 'rows')!.series.read).toEqual([{ ts: T0, value: 7 }]);
  });

  // Issue 14: Redis without maxmemory showed "memory limit: 0 B".
  it('draw no memory limit when the limit is 0 (Redis: no limit)', () => {
    const used = series(METRICS.memoryUsedBytes.name, [{ points: [point(T0, 1e6)] }]);
    const unlimited = buildCharts('redis', fetched(used, series(METRICS.memoryMaxBytes.name, [{ points: [point(T0, 0)] }])));
    expect(Object.keys(unlimited.find((c) => c.def.id === 'memory')!.series)).toEqual(['used']);
    expect(unlimited.find((c) => c.def.id === 'memory')!.description).toBe('no maxmemory limit');
    const limited = buildCharts('redis', fetched(used, series(METRICS.memoryMaxBytes.name, [{ points: [point(T0, 1e8)] }])));
    expect(Object.keys(limited.find((c) => c.def.id === 'memory')!.series)).toEqual(['used', 'max']);
  });

  it('lists each PostgreSQL database with its size, XID age, rates and cache hit ratio', () => {
    const rows = databaseRows(
      fetched(
        series('databases.size_bytes', [{ labels: { datname: 'shop' }, points: [point(T0, 100), point(T1, 200)] }, { labels: { datname: 'postgres' }, points: [point(T1, 50)] }]),
        series('databases.xid_wraparound_percent', [{ labels: { datname: 'shop' }, points: [point(T1, 1.5)] }]),
        series(METRICS.transactionsCommits.name, [{ labels: { database: 'shop' }, points: [point(T0, 40, 4), point(T1, 60, 6)] }]),
        series(METRICS.cacheHits.name, [{ labels: { database: 'shop' }, points: [point(T0, 99)] }]),
        series(METRICS.cacheMisses.name, [{ labels: { database: 'shop' }, points: [point(T0, 1)] }]),
      ),
    );
    expect(rows.map((r) => r.name)).toEqual(['shop', 'postgres']);
    expect(rows[0]).toMatchObject({ sizeBytes: 200, xidPercent: 1.5, commitsPerSecond: 5, cacheHitRatio: 0.99 });
    expect(rows[1]).toMatchObject({ sizeBytes: 50, commitsPerSecond: null, cacheHitRatio: null });
  });

  // Issue 14: at 7 d the first bucket starts at 09:00 when the data starts at 09:50; the note said "since 08:59".
  it("say when the data starts from the metrics' first points, not from the first bucket", () => {
    const s = (metric: string, dataSince?: string): MetricSeries => ({ ...series(metric, [{ points: [point('2026-01-07T09:00:00.000Z', 3)] }]), ...(dataSince ? { dataSince } : {}) });
    expect(dataSinceOf(fetched(s('a', '2026-01-07T09:52:00.000Z'), s('b', '2026-01-07T09:50:00.000Z')))).toBe('2026-01-07T09:50:00.000Z');
    // One metric reaching back to the range's start: the data is not "since" anything.
    expect(dataSinceOf(fetched(s('a', '2026-01-07T09:52:00.000Z'), s('b')))).toBeUndefined();
  });
});
