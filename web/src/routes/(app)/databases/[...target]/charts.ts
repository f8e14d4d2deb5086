import { METRICS, type Engine } from '@logstag/schema';
import type { ChartUnit } from '$lib/components/charts/ticks';
import type { MetricSeries, SeriesPoint } from '$lib/api';

/**
 * The target page's charts, per engine: what each engine's agent collects and the server stores, under titles that
 * engine's operators use (no "threads" on PostgreSQL, no "evictions" on MariaDB). A chart reads curated metrics
 * (@logstag/schema METRICS) and metric-family series (`<family prefix>.<field>`, stored as the agent sends them), and
 * shows when the target reports at least one of them.
 */

export type Fetched = ReadonlyMap<string, MetricSeries>;
type Line = Array<{ ts: string; value: number | null }>;

export interface BuiltLines {
  series: Record<string, Line>;
  labels: Record<string, string>;
  /** A sentence under the title: the newest level in words (e.g. "6 of 200 connections now"). */
  description?: string;
}

export interface ChartDef {
  id: string;
  title: string;
  unit: ChartUnit;
  /** The series it fetches. */
  metrics: readonly string[];
  build: (f: Fetched) => BuiltLines;
}

/** How a line reads its metric: a gauge's average per bucket, a counter's rate per second, minute or hour. */
export type Reading = 'avg' | 'max' | 'rate' | 'perMinute' | 'perHour';

const PER: Record<Reading, number> = { avg: 1, max: 1, rate: 1, perMinute: 60, perHour: 3600 };

function read(p: SeriesPoint, reading: Reading): number | null {
  if (reading === 'avg') return p.avg;
  if (reading === 'max') return p.max;
  return p.ratePerSecond === undefined ? null : p.ratePerSecond * PER[reading];
}

/** Per bucket, the metric summed over its label sets (databases, replicas): one line. */
export function summed(s: MetricSeries | undefined, reading: Reading): Line {
  if (!s) return [];
  const out = new Map<string, number>();
  for (const one of s.series) {
    for (const p of one.points) {
      const v = read(p, reading);
      if (v !== null) out.set(p.ts, (out.get(p.ts) ?? 0) + v);
    }
  }
  return [...out.entries()].sort((a, b) => (a[0] < b[0] ? -1 : 1)).map(([ts, value]) => ({ ts, value }));
}

/** The newest value of a line. */
function latest(line: Line): number | null {
  for (let i = line.length - 1; i >= 0; i--) if (line[i]!.value !== null) return line[i]!.value;
  return null;
}

interface LineSpec {
  key: string;
  metric: string;
  label: string;
  reading: Reading;
}

/** A chart of one line per metric, each summed over its label sets. */
function lines(id: string, title: string, unit: ChartUnit, specs: readonly LineSpec[]): ChartDef {
  return {
    id,
    title,
    unit,
    metrics: specs.map((s) => s.metric),
    build: (f) => withLines(specs.map((s) => [s.key, s.label, summed(f.get(s.metric), s.reading)])),
  };
}

const l = (key: string, metric: string, label: string, reading: Reading): LineSpec => ({ key, metric, label, reading });

/** The most `top` label values by their newest value each get a line; the rest are summed as "other". */
const TOP_SPLIT = 5;

/** One line per value of a label (a database, a Redis db), the largest first. */
function split(id: string, title: string, unit: ChartUnit, metric: string, label: string, reading: Reading, other: 'sum' | 'none' = 'sum'): ChartDef {
  return {
    id,
    title,
    unit,
    metrics: [metric],
    build: (f) => {
      const s = f.get(metric);
      const out: BuiltLines = { series: {}, labels: {} };
      if (!s) return out;
      const each = s.series.map((one) => ({ name: one.labels[label] ?? '', line: one.points.map((p) => ({ ts: p.ts, value: read(p, reading) })) }));
      each.sort((a, b) => (latest(b.line) ?? -Infinity) - (latest(a.line) ?? -Infinity) || (a.name < b.name ? -1 : 1));
      for (const [i, e] of each.slice(0, TOP_SPLIT).entries()) {
        out.series[`s${i}`] = e.line;
        out.labels[`s${i}`] = e.name || '(none)';
      }
      const rest = each.slice(TOP_SPLIT);
      if (rest.length > 0 && other === 'sum') {
        out.series.other = summed({ ...s, series: s.series.filter((one) => rest.some((r) => r.name === (one.labels[label] ?? ''))) }, reading);
        out.labels.other = `${rest.length} others`;
      }
      return out;
    },
  };
}

/** Per bucket a / b × scale, from two metrics summed over their label sets (null where b is 0 or missing). */
function quotient(a: Line, b: Line, scale: number): Line {
  const bs = new Map(b.map((p) => [p.ts, p.value]));
  return a.map((p) => {
    const d = bs.get(p.ts);
    return { ts: p.ts, value: p.value !== null && d ? (p.value / d) * scale : null };
  });
}

/** The lines that have points, with their legends. */
function withLines(entries: ReadonlyArray<[key: string, label: string, line: Line]>): BuiltLines {
  const out: BuiltLines = { series: {}, labels: {} };
  for (const [key, label, line] of entries) {
    if (line.length === 0) continue;
    out.series[key] = line;
    out.labels[key] = label;
  }
  return out;
}

const count = (v: number | null) => (v === null ? '—' : Math.round(v).toLocaleString('en'));

/** Connections as a share of the limit: the limit is what matters, and a line of 6 under a limit of 200 reads flat. */
const connections: ChartDef = {
  id: 'connections',
  title: 'Connections (% of limit)',
  unit: 'percent',
  metrics: [METRICS.connectionsUsed.name, METRICS.connectionsMax.name],
  build: (f): BuiltLines => {
    const used = summed(f.get(METRICS.connectionsUsed.name), 'avg');
    const max = summed(f.get(METRICS.connectionsMax.name), 'avg');
    if (used.length === 0) return { series: {}, labels: {} };
    if (max.length === 0 || !max.some((p) => p.value)) return { series: { used }, labels: { used: 'connections used' }, description: `${count(latest(used))} now, no limit reported` };
    return {
      series: { used: quotient(used, max, 100) },
      labels: { used: 'used' },
      description: `${count(latest(used))} of ${count(latest(max))} now`,
    };
  },
};

/** hits / (hits + misses) per bucket. */
function hitRatio(id: string, title: string, hitsMetric: string, missesMetric: string): ChartDef {
  return {
    id,
    title,
    unit: 'ratio',
    metrics: [hitsMetric, missesMetric],
    build: (f): BuiltLines => {
      const hits = f.get(hitsMetric);
      const misses = f.get(missesMetric);
      if (!hits || !misses) return { series: {}, labels: {} };
      const h = summed(hits, 'rate');
      const m = new Map(summed(misses, 'rate').map((p) => [p.ts, p.value ?? 0]));
      const ratio = h.map((p) => {
        const total = (p.value ?? 0) + (m.get(p.ts) ?? 0);
        return { ts: p.ts, value: total > 0 ? (p.value ?? 0) / total : null };
      });
      return { series: { ratio }, labels: { ratio: 'hit ratio' } };
    },
  };
}

const replication = split('replication', 'Replication lag', 'seconds', METRICS.replicationLagSeconds.name, 'replica', 'avg', 'none');

const HANDLER_READS = ['first', 'key', 'last', 'next', 'prev', 'rnd', 'rnd_next'].map((f) => `globalStatus.Handler_read_${f}`);
const ROW_COUNTERS = [
  { key: 'read', label: 'read', innodb: 'globalStatus.Innodb_rows_read', handlers: HANDLER_READS },
  { key: 'inserted', label: 'inserted', innodb: 'globalStatus.Innodb_rows_inserted', handlers: ['globalStatus.Handler_write'] },
  { key: 'updated', label: 'updated', innodb: 'globalStatus.Innodb_rows_updated', handlers: ['globalStatus.Handler_update'] },
  { key: 'deleted', label: 'deleted', innodb: 'globalStatus.Innodb_rows_deleted', handlers: ['globalStatus.Handler_delete'] },
];

/** Per bucket, the sum of several lines. */
function added(all: readonly Line[]): Line {
  const out = new Map<string, number>();
  for (const line of all) for (const p of line) if (p.value !== null) out.set(p.ts, (out.get(p.ts) ?? 0) + p.value);
  return [...out.entries()].sort((a, b) => (a[0] < b[0] ? -1 : 1)).map(([ts, value]) => ({ ts, value }));
}

/**
 * Rows read, inserted, updated and deleted per second. MySQL counts them in Innodb_rows_*; MariaDB 10.11 has no such
 * status variables, and the handler counters (Handler_read_*, Handler_write, …, temporary tables apart) say the same.
 */
const rowOperations: ChartDef = {
  id: 'rows',
  title: 'Row operations',
  unit: 'rate',
  metrics: ROW_COUNTERS.flatMap((r) => [r.innodb, ...r.handlers]),
  build: (f) =>
    withLines(
      ROW_COUNTERS.map((r) => {
        const innodb = summed(f.get(r.innodb), 'rate');
        return [r.key, r.label, innodb.length > 0 ? innodb : added(r.handlers.map((h) => summed(f.get(h), 'rate')))];
      }),
    ),
};

const POSTGRESQL: readonly ChartDef[] = [
  connections,
  lines('transactions', 'Transactions', 'rate', [l('commits', METRICS.transactionsCommits.name, 'commits', 'rate'), l('rollbacks', METRICS.transactionsRollbacks.name, 'rollbacks', 'rate')]),
  hitRatio('cache', 'Shared buffers hit ratio', METRICS.cacheHits.name, METRICS.cacheMisses.name),
  lines('sessions', 'Active sessions and lock waits', 'count', [l('active', METRICS.sessionsActive.name, 'active sessions', 'avg'), l('locks', METRICS.locksWaiting.name, 'waiting for a lock', 'avg')]),
  lines('tuples', 'Tuples read and written', 'rate', [
    l('returned', 'database_stats.tup_returned', 'returned', 'rate'),
    l('fetched', 'database_stats.tup_fetched', 'fetched', 'rate'),
    l('inserted', 'database_stats.tup_inserted', 'inserted', 'rate'),
    l('updated', 'database_stats.tup_updated', 'updated', 'rate'),
    l('deleted', 'database_stats.tup_deleted', 'deleted', 'rate'),
  ]),
  lines('temp-files', 'Temporary files', 'perMinute', [l('files', 'database_stats.temp_files', 'files', 'perMinute')]),
  lines('temp-bytes', 'Temporary file bytes', 'bytesRate', [l('bytes', 'database_stats.temp_bytes', 'written', 'rate')]),
  lines('block-time', 'Block I/O time', 'msRate', [l('read', 'database_stats.blk_read_time', 'read', 'rate'), l('write', 'database_stats.blk_write_time', 'write', 'rate')]),
  lines('checkpoints', 'Checkpoints', 'perHour', [l('timed', 'checkpointer.num_timed', 'timed', 'perHour'), l('requested', 'checkpointer.num_requested', 'requested', 'perHour')]),
  lines('buffers', 'Buffers written', 'rate', [
    l('checkpointer', 'checkpointer.buffers_written', 'by checkpoints', 'rate'),
    l('bgwriter', 'bgwriter.buffers_clean', 'by the background writer', 'rate'),
    l('backends', 'bgwriter.buffers_backend', 'by backends', 'rate'),
  ]),
  lines('wal', 'WAL written', 'bytesRate', [l('bytes', 'wal.wal_bytes', 'WAL', 'rate')]),
  split('xid-age', 'Transaction ID age (% of wraparound)', 'percent', 'databases.xid_wraparound_percent', 'datname', 'max', 'none'),
  split('db-size', 'Database sizes', 'bytes', 'databases.size_bytes', 'datname', 'avg'),
  split('db-commits', 'Commits per database', 'rate', METRICS.transactionsCommits.name, 'database', 'rate'),
  lines('deadlocks', 'Deadlocks and conflicts', 'perMinute', [l('deadlocks', METRICS.deadlocks.name, 'deadlocks', 'perMinute'), l('conflicts', 'database_stats.conflicts', 'recovery conflicts', 'perMinute')]),
  replication,
];

const MYSQL: readonly ChartDef[] = [
  connections,
  lines('throughput', 'Statements and transactions', 'rate', [
    l('statements', METRICS.opsTotal.name, 'statements', 'rate'),
    l('commits', METRICS.transactionsCommits.name, 'commits', 'rate'),
    l('rollbacks', METRICS.transactionsRollbacks.name, 'rollbacks', 'rate'),
  ]),
  hitRatio('cache', 'InnoDB buffer pool hit ratio', METRICS.cacheHits.name, METRICS.cacheMisses.name),
  lines('threads', 'Threads and lock waits', 'count', [
    l('connected', METRICS.threadsConnected.name, 'threads connected', 'avg'),
    l('running', METRICS.threadsRunning.name, 'threads running', 'avg'),
    l('locks', METRICS.locksWaiting.name, 'waiting for a lock', 'avg'),
  ]),
  {
    id: 'buffer-pool',
    title: 'InnoDB buffer pool',
    unit: 'bytes',
    metrics: ['statusGauges.Innodb_buffer_pool_bytes_data', 'statusGauges.Innodb_buffer_pool_bytes_dirty', 'statusGauges.Innodb_buffer_pool_pages_data', 'statusGauges.Innodb_buffer_pool_pages_total'],
    build: (f) => {
      const data = summed(f.get('statusGauges.Innodb_buffer_pool_bytes_data'), 'avg');
      const dirty = summed(f.get('statusGauges.Innodb_buffer_pool_bytes_dirty'), 'avg');
      // The pool's size in bytes: its pages times the page size, which the data pages' bytes tell (innodb_page_size).
      const pageSize = quotient(data, summed(f.get('statusGauges.Innodb_buffer_pool_pages_data'), 'avg'), 1);
      const sizes = new Map(pageSize.map((p) => [p.ts, p.value]));
      const size = summed(f.get('statusGauges.Innodb_buffer_pool_pages_total'), 'avg').map((p) => {
        const page = sizes.get(p.ts);
        return { ts: p.ts, value: p.value !== null && page ? p.value * page : null };
      });
      return withLines([
        ['data', 'data', data],
        ['dirty', 'dirty', dirty],
        ['size', 'pool size', size.some((p) => p.value !== null) ? size : []],
      ]);
    },
  },
  rowOperations,
  lines('history', 'InnoDB history list length', 'count', [l('length', 'statusGauges.Innodb_history_list_length', 'undo log entries not purged', 'max')]),
  lines('memory', 'Memory', 'bytes', [l('used', METRICS.memoryUsedBytes.name, 'memory used', 'avg')]),
  replication,
];

/** INFO persistence's outcome texts, stored as 1 (ok) and 0 (err) by the server (issue 14). */
const PERSISTENCE_STATUS = [
  { metric: 'persistence.rdb_last_bgsave_ok', what: 'last RDB save', aof: false },
  { metric: 'persistence.aof_last_bgrewrite_ok', what: 'last AOF rewrite', aof: true },
  { metric: 'persistence.aof_last_write_ok', what: 'last AOF write', aof: true },
] as const;

/**
 * A status in words from its newest bucket's average: 1 ok, 0 failed, between the two it failed during that bucket
 * (and may be ok again). AOF statuses with AOF off and ok say nothing worth a word.
 */
export function persistenceStatus(what: string, avg: number | null, aofOff: boolean): string | null {
  if (avg === null) return null;
  if (avg >= 1) return aofOff ? null : `${what} ok`;
  return avg <= 0 ? `${what} FAILED` : `${what} failed during the latest period`;
}

const REDIS: readonly ChartDef[] = [
  { ...connections, title: 'Clients (% of maxclients)' },
  lines('throughput', 'Commands', 'rate', [l('commands', METRICS.opsTotal.name, 'commands', 'rate')]),
  hitRatio('cache', 'Keyspace hit ratio', METRICS.cacheHits.name, METRICS.cacheMisses.name),
  lines('keyspace', 'Keyspace hits and misses', 'rate', [l('hits', 'stats.keyspace_hits', 'hits', 'rate'), l('misses', 'stats.keyspace_misses', 'misses', 'rate')]),
  {
    id: 'memory',
    title: 'Memory',
    unit: 'bytes',
    metrics: [METRICS.memoryUsedBytes.name, METRICS.memoryRssBytes.name, METRICS.memoryMaxBytes.name],
    build: (f) => {
      const max = summed(f.get(METRICS.memoryMaxBytes.name), 'avg');
      // maxmemory 0 means no limit: no line at 0 B (the legend read "memory limit: 0 B").
      const limited = max.some((p) => p.value);
      const out = withLines([
        ['used', 'used', summed(f.get(METRICS.memoryUsedBytes.name), 'avg')],
        ['rss', 'RSS', summed(f.get(METRICS.memoryRssBytes.name), 'avg')],
        ['max', 'maxmemory', limited ? max : []],
      ]);
      if (!limited && out.series.used) out.description = 'no maxmemory limit';
      return out;
    },
  },
  lines('fragmentation', 'Memory fragmentation', 'number', [l('ratio', 'memory.mem_fragmentation_ratio', 'RSS / used', 'avg')]),
  {
    id: 'persistence',
    title: 'Changes since the last RDB save',
    unit: 'count',
    metrics: ['persistence.rdb_changes_since_last_save', 'persistence.rdb_last_save_time', 'persistence.aof_enabled', ...PERSISTENCE_STATUS.map((p) => p.metric)],
    build: (f): BuiltLines => {
      const changes = summed(f.get('persistence.rdb_changes_since_last_save'), 'max');
      if (changes.length === 0) return { series: {}, labels: {} };
      const savedAt = latest(summed(f.get('persistence.rdb_last_save_time'), 'max'));
      const aof = latest(summed(f.get('persistence.aof_enabled'), 'max'));
      const parts = [
        savedAt ? `last save ${new Date(savedAt * 1000).toISOString().replace('T', ' ').slice(0, 16)} UTC` : null,
        ...PERSISTENCE_STATUS.map((p) => persistenceStatus(p.what, latest(summed(f.get(p.metric), 'avg')), p.aof && aof === 0)),
        aof === null ? null : aof ? 'AOF on' : 'AOF off',
      ];
      return { series: { changes }, labels: { changes: 'unsaved changes' }, description: parts.filter(Boolean).join(' · ') };
    },
  },
  split('keys', 'Keys', 'count', 'keyspace.keys', 'db', 'avg'),
  lines('evictions', 'Evicted and expired keys', 'rate', [l('evicted', METRICS.keysEvicted.name, 'evicted', 'rate'), l('expired', METRICS.keysExpired.name, 'expired', 'rate')]),
  lines('blocked', 'Blocked clients', 'count', [l('blocked', METRICS.clientsBlocked.name, 'blocked clients', 'avg')]),
  replication,
];

const OTHER: readonly ChartDef[] = [
  connections,
  lines('throughput', 'Operations', 'rate', [l('ops', METRICS.opsTotal.name, 'operations', 'rate')]),
  // MongoDB counts pages read into its cache, not hits: no hit ratio, the cache's fill against its size instead.
  lines('cache-reads', 'Pages read into the cache', 'rate', [l('reads', METRICS.cacheMisses.name, 'pages read', 'rate')]),
  lines('memory', 'Memory', 'bytes', [
    l('used', METRICS.memoryUsedBytes.name, 'memory used', 'avg'),
    l('cache', METRICS.cacheUsedBytes.name, 'cache used', 'avg'),
    l('cacheMax', METRICS.cacheMaxBytes.name, 'cache size', 'avg'),
  ]),
  lines('sessions', 'Active operations', 'count', [l('active', METRICS.sessionsActive.name, 'active', 'avg')]),
  replication,
];

export const ENGINE_CHARTS: Readonly<Record<Engine, readonly ChartDef[]>> = { postgresql: POSTGRESQL, mysql: MYSQL, redis: REDIS, mongodb: OTHER };

/** The charts of an engine (the API's engine names; an engine without its own set gets the common charts). */
export function chartsOf(engine: string): readonly ChartDef[] {
  return Object.hasOwn(ENGINE_CHARTS, engine) ? ENGINE_CHARTS[engine as Engine] : OTHER;
}

/** Every series some chart of the engine reads (and the per-database table, on PostgreSQL). */
export function chartMetrics(engine: string): string[] {
  return [...new Set([...chartsOf(engine).flatMap((c) => c.metrics), ...(engine === 'postgresql' ? DATABASE_TABLE_METRICS : [])])];
}

export interface BuiltChart {
  /** What the page needs of the definition (page data is serialized: no functions). */
  def: Pick<ChartDef, 'id' | 'title' | 'unit'>;
  labels: Record<string, string>;
  series: Record<string, Line>;
  description: string | undefined;
}

/** Turns the fetched series into each chart's named lines; charts without any line are left out. */
export function buildCharts(engine: string, fetched: Fetched): BuiltChart[] {
  const built: BuiltChart[] = [];
  for (const def of chartsOf(engine)) {
    const b = def.build(fetched);
    if (Object.values(b.series).some((line) => line.length > 0)) built.push({ def: { id: def.id, title: def.title, unit: def.unit }, labels: b.labels, series: b.series, description: b.description });
  }
  return built;
}

/**
 * When the charts' data starts, if inside the range: the earliest first point of the fetched metrics, undefined when
 * one of them reaches back to the range's start. Buckets start on their step (09:00 at 7 d), the data may not (09:50).
 */
export function dataSinceOf(fetched: Fetched): string | undefined {
  let since: string | undefined;
  for (const s of fetched.values()) {
    if (!s.series.some((one) => one.points.length > 0)) continue;
    if (!s.dataSince) return undefined;
    if (!since || s.dataSince < since) since = s.dataSince;
  }
  return since;
}

// The per-database breakdown of a PostgreSQL server: each database's numbers side by side.
const DATABASE_TABLE_METRICS = [
  'databases.size_bytes',
  'databases.xid_wraparound_percent',
  'database_stats.numbackends',
  METRICS.transactionsCommits.name,
  METRICS.transactionsRollbacks.name,
  METRICS.cacheHits.name,
  METRICS.cacheMisses.name,
  'database_stats.temp_bytes',
  METRICS.deadlocks.name,
];

export interface DatabaseRow {
  name: string;
  sizeBytes: number | null;
  xidPercent: number | null;
  backends: number | null;
  commitsPerSecond: number | null;
  rollbacksPerSecond: number | null;
  cacheHitRatio: number | null;
  tempBytes: number | null;
  deadlocks: number | null;
}

/** Per label value of one metric: its points. */
function byLabel(s: MetricSeries | undefined, label: string): Map<string, SeriesPoint[]> {
  const out = new Map<string, SeriesPoint[]>();
  for (const one of s?.series ?? []) {
    const name = one.labels[label] ?? '';
    out.set(name, [...(out.get(name) ?? []), ...one.points]);
  }
  return out;
}

const newest = (ps: SeriesPoint[] | undefined) => (ps && ps.length > 0 ? ps.reduce((a, b) => (a.ts > b.ts ? a : b)).avg : null);
/** The range's rate: the mean of its buckets' rates (each the bucket's deltas over the seconds they cover). */
const meanRate = (ps: SeriesPoint[] | undefined) => {
  const rates = (ps ?? []).map((p) => p.ratePerSecond).filter((r): r is number => r !== undefined);
  return rates.length > 0 ? rates.reduce((a, b) => a + b, 0) / rates.length : null;
};
const total = (ps: SeriesPoint[] | undefined) => (ps ? ps.reduce((a, p) => a + p.sum, 0) : null);

/** Each database of a PostgreSQL server over the range: size and XID age now, rates and totals over the range. */
export function databaseRows(fetched: Fetched): DatabaseRow[] {
  const size = byLabel(fetched.get('databases.size_bytes'), 'datname');
  const xid = byLabel(fetched.get('databases.xid_wraparound_percent'), 'datname');
  const backends = byLabel(fetched.get('database_stats.numbackends'), 'datname');
  const commits = byLabel(fetched.get(METRICS.transactionsCommits.name), 'database');
  const rollbacks = byLabel(fetched.get(METRICS.transactionsRollbacks.name), 'database');
  const hits = byLabel(fetched.get(METRICS.cacheHits.name), 'database');
  const misses = byLabel(fetched.get(METRICS.cacheMisses.name), 'database');
  const temp = byLabel(fetched.get('database_stats.temp_bytes'), 'datname');
  const deadlocks = byLabel(fetched.get(METRICS.deadlocks.name), 'database');
  const names = new Set([...size.keys(), ...commits.keys(), ...backends.keys()]);
  names.delete('');
  const rows = [...names].map((name): DatabaseRow => {
    const h = total(hits.get(name));
    const m = total(misses.get(name));
    return {
      name,
      sizeBytes: newest(size.get(name)),
      xidPercent: newest(xid.get(name)),
      backends: newest(backends.get(name)),
      commitsPerSecond: meanRate(commits.get(name)),
      rollbacksPerSecond: meanRate(rollbacks.get(name)),
      cacheHitRatio: h !== null && m !== null && h + m > 0 ? h / (h + m) : null,
      tempBytes: total(temp.get(name)),
      deadlocks: total(deadlocks.get(name)),
    };
  });
  return rows.sort((a, b) => (b.sizeBytes ?? -1) - (a.sizeBytes ?? -1) || (a.name < b.name ? -1 : 1));
}
