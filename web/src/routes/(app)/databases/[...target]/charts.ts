import type { MetricSeries, SeriesPoint } from '$lib/api';

/** How a chart reads one metric: the average of a gauge per bucket, or a per-second rate of a delta counter. */
export type Reading = 'avg' | 'rate';
export type Unit = 'count' | 'rate' | 'bytes' | 'seconds' | 'ratio';

export interface ChartLine {
  key: string;
  label: string;
  metric: string;
  reading: Reading;
  /** One line per value of this label (replicas) instead of the sum over all label sets (databases). */
  splitBy?: string;
}

export interface ChartDef {
  id: string;
  title: string;
  unit: Unit;
  lines: ChartLine[];
  /** hits / (hits + misses) per bucket, from two delta metrics. */
  ratio?: { hits: string; misses: string };
}

/** The target page's charts; a chart shows when the target reports at least one of its metrics. */
export const CHARTS: readonly ChartDef[] = [
  {
    id: 'connections',
    title: 'Connections',
    unit: 'count',
    lines: [
      { key: 'used', label: 'used', metric: 'connections.used', reading: 'avg' },
      { key: 'max', label: 'limit', metric: 'connections.max', reading: 'avg' },
      { key: 'threads', label: 'threads connected', metric: 'threads.connected', reading: 'avg' },
    ],
  },
  {
    id: 'throughput',
    title: 'Throughput',
    unit: 'rate',
    lines: [
      { key: 'commits', label: 'commits/s', metric: 'transactions.commits', reading: 'rate' },
      { key: 'rollbacks', label: 'rollbacks/s', metric: 'transactions.rollbacks', reading: 'rate' },
      { key: 'ops', label: 'ops/s', metric: 'ops.per_second', reading: 'avg' },
      { key: 'opsTotal', label: 'operations/s', metric: 'ops.total', reading: 'rate' },
    ],
  },
  { id: 'cache', title: 'Cache hit ratio', unit: 'ratio', lines: [], ratio: { hits: 'cache.hits', misses: 'cache.misses' } },
  {
    id: 'replication',
    title: 'Replication lag',
    unit: 'seconds',
    lines: [{ key: 'lag', label: 'lag', metric: 'replication.lag_seconds', reading: 'avg', splitBy: 'replica' }],
  },
  {
    id: 'memory',
    title: 'Memory',
    unit: 'bytes',
    lines: [
      { key: 'used', label: 'used', metric: 'memory.used_bytes', reading: 'avg' },
      { key: 'rss', label: 'RSS', metric: 'memory.rss_bytes', reading: 'avg' },
      { key: 'max', label: 'max', metric: 'memory.max_bytes', reading: 'avg' },
      { key: 'cache', label: 'cache used', metric: 'cache.used_bytes', reading: 'avg' },
    ],
  },
  {
    id: 'engine',
    title: 'Sessions, locks and threads',
    unit: 'count',
    lines: [
      { key: 'active', label: 'active sessions', metric: 'sessions.active', reading: 'avg' },
      { key: 'locks', label: 'lock waits', metric: 'locks.waiting', reading: 'avg' },
      { key: 'running', label: 'threads running', metric: 'threads.running', reading: 'avg' },
      { key: 'blocked', label: 'blocked clients', metric: 'clients.blocked', reading: 'avg' },
    ],
  },
  {
    id: 'keys',
    title: 'Evictions, expirations and deadlocks',
    unit: 'rate',
    lines: [
      { key: 'evicted', label: 'evicted/s', metric: 'keys.evicted', reading: 'rate' },
      { key: 'expired', label: 'expired/s', metric: 'keys.expired', reading: 'rate' },
      { key: 'deadlocks', label: 'deadlocks/s', metric: 'deadlocks', reading: 'rate' },
    ],
  },
];

/** Every metric name some chart reads. */
export function chartMetrics(): string[] {
  return [...new Set(CHARTS.flatMap((c) => [...c.lines.map((l) => l.metric), ...(c.ratio ? [c.ratio.hits, c.ratio.misses] : [])]))];
}

function read(p: SeriesPoint, reading: Reading): number | null {
  return reading === 'rate' ? (p.ratePerSecond ?? null) : p.avg;
}

/** Sum over label sets, per bucket. */
function summed(s: MetricSeries, reading: Reading): Map<string, number> {
  const out = new Map<string, number>();
  for (const one of s.series) for (const p of one.points) {
    const v = read(p, reading);
    if (v !== null) out.set(p.ts, (out.get(p.ts) ?? 0) + v);
  }
  return out;
}

export interface BuiltChart {
  def: ChartDef;
  labels: Record<string, string>;
  series: Record<string, Array<{ ts: string; value: number | null }>>;
}

/** Turns the fetched metric series into each chart's named lines. */
export function buildCharts(fetched: ReadonlyMap<string, MetricSeries>): BuiltChart[] {
  const built: BuiltChart[] = [];
  for (const def of CHARTS) {
    const series: BuiltChart['series'] = {};
    const labels: Record<string, string> = {};
    if (def.ratio) {
      const hits = fetched.get(def.ratio.hits);
      const misses = fetched.get(def.ratio.misses);
      if (hits && misses) {
        const h = summed(hits, 'avg');
        const m = summed(misses, 'avg');
        series.ratio = [...h.entries()].map(([ts, hv]) => {
          const total = hv + (m.get(ts) ?? 0);
          return { ts, value: total > 0 ? hv / total : null };
        });
        labels.ratio = 'hit ratio';
      }
    }
    for (const line of def.lines) {
      const s = fetched.get(line.metric);
      if (!s) continue;
      if (line.splitBy) {
        for (const one of s.series) {
          const name: string = one.labels[line.splitBy] || line.label;
          const key = `${line.key}:${name}`;
          series[key] = one.points.map((p) => ({ ts: p.ts, value: read(p, line.reading) }));
          labels[key] = name;
        }
      } else {
        series[line.key] = [...summed(s, line.reading).entries()].map(([ts, value]) => ({ ts, value }));
        labels[line.key] = line.label;
      }
    }
    if (Object.keys(series).length > 0) built.push({ def, labels, series });
  }
  return built;
}

