// The target page's charts read the metric catalog (@logstag/schema metrics): the names they fetch, their legends and
// their units come from it, so a chart cannot ask for a series the server never stores.
import { describe, expect, it } from 'vitest';
import { METRICS, curatedMetric } from '@logstag/schema';
import { CHARTS, buildCharts, chartMetrics, dataSinceOf, legendOf, unitOf } from '../src/routes/(app)/databases/[...target]/charts';
import type { MetricSeries } from '../src/lib/api';

describe('target page charts', () => {
  it('fetch only catalog metrics', () => {
    expect(chartMetrics().filter((name) => curatedMetric(name) === undefined)).toEqual([]);
    expect(chartMetrics()).toContain(METRICS.connectionsUsed.name);
  });

  it('read counters as rates and gauges as averages, and each chart in one unit', () => {
    for (const chart of CHARTS) {
      for (const line of chart.lines) {
        expect(line.reading, `${chart.id}/${line.key}`).toBe(line.metric.kind === 'delta' ? 'rate' : 'avg');
        expect(unitOf(line.metric, line.reading), `${chart.id}/${line.key}`).toBe(chart.unit);
      }
    }
  });

  it("label each line with the catalog's label, per second for a rate", () => {
    const series = (metric: string): MetricSeries => ({
      targetId: 't',
      metric,
      kind: curatedMetric(metric)!.kind,
      resolution: 'raw',
      stepSeconds: 10,
      from: '2026-01-01T00:00:00Z',
      to: '2026-01-01T00:01:00Z',
      series: [{ labels: {}, points: [{ ts: '2026-01-01T00:00:00Z', avg: 3, min: 3, max: 3, sum: 3, count: 1, ratePerSecond: 0.3 }] }],
    });
    const built = buildCharts(new Map(['connections.used', 'transactions.commits'].map((m) => [m, series(m)])));
    const labels = Object.assign({}, ...built.map((c) => c.labels)) as Record<string, string>;
    expect(labels).toMatchObject({ used: METRICS.connectionsUsed.label, commits: `${METRICS.transactionsCommits.label}/s` });
    const commits = CHARTS.find((c) => c.id === 'throughput')!.lines[0]!;
    expect(legendOf(commits)).toBe('commits/s');
  });

  // Issue 14: at 7 d the first bucket starts at 09:00 when the data starts at 09:50; the note said "since 08:59".
  it('say when the data starts from the metrics\' first points, not from the first bucket', () => {
    const series = (metric: string, dataSince?: string): MetricSeries => ({
      targetId: 't',
      metric,
      kind: 'gauge',
      resolution: '1h',
      stepSeconds: 3600,
      from: '2026-01-01T00:00:00Z',
      to: '2026-01-08T00:00:00Z',
      ...(dataSince ? { dataSince } : {}),
      series: [{ labels: {}, points: [{ ts: '2026-01-07T09:00:00.000Z', avg: 3, min: 3, max: 3, sum: 3, count: 1 }] }],
    });
    expect(dataSinceOf(new Map([['a', series('a', '2026-01-07T09:52:00.000Z')], ['b', series('b', '2026-01-07T09:50:00.000Z')]]))).toBe('2026-01-07T09:50:00.000Z');
    // One metric reaching back to the range's start: the data is not "since" anything.
    expect(dataSinceOf(new Map([['a', series('a', '2026-01-07T09:52:00.000Z')], ['b', series('b')]]))).toBeUndefined();
  });

  // Issue 14: Redis without maxmemory showed "memory limit: 0 B".
  it('draw no memory limit when the limit is 0 (Redis: no limit)', () => {
    const series = (metric: string, value: number): MetricSeries => ({
      targetId: 't',
      metric,
      kind: 'gauge',
      resolution: 'raw',
      stepSeconds: 10,
      from: '2026-01-01T00:00:00Z',
      to: '2026-01-01T00:01:00Z',
      series: [{ labels: {}, points: [{ ts: '2026-01-01T00:00:00Z', avg: value, min: value, max: value, sum: value, count: 1 }] }],
    });
    const unlimited = buildCharts(new Map([[METRICS.memoryUsedBytes.name, series(METRICS.memoryUsedBytes.name, 1e6)], [METRICS.memoryMaxBytes.name, series(METRICS.memoryMaxBytes.name, 0)]]));
    expect(Object.keys(unlimited.find((c) => c.def.id === 'memory')!.series)).toEqual(['used']);
    const limited = buildCharts(new Map([[METRICS.memoryUsedBytes.name, series(METRICS.memoryUsedBytes.name, 1e6)], [METRICS.memoryMaxBytes.name, series(METRICS.memoryMaxBytes.name, 1e8)]]));
    expect(Object.keys(limited.find((c) => c.def.id === 'memory')!.series)).toEqual(['used', 'max']);
  });
});

