// The target page's charts read the metric catalog (@logstag/schema metrics): the names they fetch, their legends and
// their units come from it, so a chart cannot ask for a series the server never stores.
import { describe, expect, it } from 'vitest';
import { METRICS, curatedMetric } from '@logstag/schema';
import { CHARTS, buildCharts, chartMetrics, legendOf, unitOf } from '../src/routes/(app)/databases/[...target]/charts';
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
});
