import { METRICS, type MetricDef } from '@logstag/schema';
import type { MetricSeries, SeriesPoint } from '$lib/api';

/** How a chart reads one metric: the average of a gauge per bucket, or a per-second rate of a delta counter. */
export type Reading = 'avg' | 'rate';
export type Unit = 'count' | 'rate' | 'bytes' | 'seconds' | 'ratio';

export interface ChartLine {
  key: string;
  /** The catalog's metric: its name is fetched, its label is the line's legend. */
  metric: MetricDef;
  reading: Reading;
  /** One line per value of this label (replicas) instead of the sum over all label sets (databases). */
  splitBy?: string;
}

export interface ChartDef {
  id: string;
  title: string;
  /** How the chart's values read: from its metrics' catalog unit and how they are read (see unitOf). */
  unit: Unit;
  lines: ChartLine[];
  /** hits / (hits + misses) per bucket, from two delta metrics. */
  ratio?: { hits: MetricDef; misses: MetricDef };
}

/** A line's legend: the catalog's label, per second when the line reads a counter's rate. */
export function legendOf(line: ChartLine): string {
  return line.reading === 'rate' ? `${line.metric.label}/s` : line.metric.label;
}

/** How a metric read one way shows: a counter's rate or a per-second gauge as a rate, otherwise its catalog unit. */
export function unitOf(metric: MetricDef, reading: Reading): Unit {
  if (reading === 'rate' || metric.unit === 'per_second') return 'rate';
  if (metric.unit === 'bytes' || metric.unit === 'seconds') return metric.unit;
  return 'count';
}

const line = (key: string, metric: MetricDef, reading: Reading, splitBy?: string): ChartLine => ({ key, metric, reading, ...(splitBy ? { splitBy } : {}) });

/** A chart whose unit is its lines' (they share it: the first line's, checked by the web's pure tests). */
function chart(id: string, title: string, lines: ChartLine[]): ChartDef {
  const first = lines[0]!;
  return { id, title, unit: unitOf(first.metric, first.reading), lines };
}

/** The target page's charts; a chart shows when the target reports at least one of its metrics. */
export const CHARTS: readonly ChartDef[] = [
  chart('connections', 'Connections', [
    line('used', METRICS.connectionsUsed, 'avg'),
    line('max', METRICS.connectionsMax, 'avg'),
    line('threads', METRICS.threadsConnected, 'avg'),
  ]),
  chart('throughput', 'Throughput', [
    line('commits', METRICS.transactionsCommits, 'rate'),
    line('rollbacks', METRICS.transactionsRollbacks, 'rate'),
    line('ops', METRICS.opsPerSecond, 'avg'),
    line('opsTotal', METRICS.opsTotal, 'rate'),
  ]),
  { id: 'cache', title: 'Cache hit ratio', unit: 'ratio', lines: [], ratio: { hits: METRICS.cacheHits, misses: METRICS.cacheMisses } },
  chart('replication', 'Replication lag', [line('lag', METRICS.replicationLagSeconds, 'avg', 'replica')]),
  chart('memory', 'Memory', [
    line('used', METRICS.memoryUsedBytes, 'avg'),
    line('rss', METRICS.memoryRssBytes, 'avg'),
    line('max', METRICS.memoryMaxBytes, 'avg'),
    line('cache', METRICS.cacheUsedBytes, 'avg'),
  ]),
  chart('engine', 'Sessions, locks and threads', [
    line('active', METRICS.sessionsActive, 'avg'),
    line('locks', METRICS.locksWaiting, 'avg'),
    line('running', METRICS.threadsRunning, 'avg'),
    line('blocked', METRICS.clientsBlocked, 'avg'),
  ]),
  chart('keys', 'Evictions, expirations and deadlocks', [
    line('evicted', METRICS.keysEvicted, 'rate'),
    line('expired', METRICS.keysExpired, 'rate'),
    line('deadlocks', METRICS.deadlocks, 'rate'),
  ]),
];

/** Every metric name some chart reads. */
export function chartMetrics(): string[] {
  return [...new Set(CHARTS.flatMap((c) => [...c.lines.map((l) => l.metric.name), ...(c.ratio ? [c.ratio.hits.name, c.ratio.misses.name] : [])]))];
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

/**
 * When the charts' data starts, if inside the range: the earliest first point of the fetched metrics, undefined when
 * one of them reaches back to the range's start. Buckets start on their step (09:00 at 7 d), the data may not (09:50).
 */
export function dataSinceOf(fetched: ReadonlyMap<string, MetricSeries>): string | undefined {
  let since: string | undefined;
  for (const s of fetched.values()) {
    if (!s.series.some((one) => one.points.length > 0)) continue;
    if (!s.dataSince) return undefined;
    if (!since || s.dataSince < since) since = s.dataSince;
  }
  return since;
}

/** Turns the fetched metric series into each chart's named lines. */
export function buildCharts(fetched: ReadonlyMap<string, MetricSeries>): BuiltChart[] {
  const built: BuiltChart[] = [];
  for (const def of CHARTS) {
    const series: BuiltChart['series'] = {};
    const labels: Record<string, string> = {};
    if (def.ratio) {
      const hits = fetched.get(def.ratio.hits.name);
      const misses = fetched.get(def.ratio.misses.name);
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
      const s = fetched.get(line.metric.name);
      if (!s) continue;
      // Redis's maxmemory 0 means no limit: no line at 0 B (the legend read "memory limit: 0 B").
      if (line.metric.name === METRICS.memoryMaxBytes.name && s.series.every((one) => one.points.every((p) => !p.max))) continue;
      if (line.splitBy) {
        for (const one of s.series) {
          const name: string = one.labels[line.splitBy] || legendOf(line);
          const key = `${line.key}:${name}`;
          series[key] = one.points.map((p) => ({ ts: p.ts, value: read(p, line.reading) }));
          labels[key] = name;
        }
      } else {
        series[line.key] = [...summed(s, line.reading).entries()].map(([ts, value]) => ({ ts, value }));
        labels[line.key] = legendOf(line);
      }
    }
    if (Object.keys(series).length > 0) built.push({ def, labels, series });
  }
  return built;
}

