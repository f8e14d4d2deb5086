// The metric catalog (@logstag/schema metrics) names every series the extractors store, with the kind they store it
// as: a curated metric by its name, a family's series by its prefix.
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { ENGINES, METRIC_KINDS, METRICS, curatedMetric, familyFieldKind, metricFamilies, type Engine } from '@logstag/schema';
import { extractCollection } from '../src/normalize/index';

const recorded = (engine: Engine): Array<Record<string, any>> =>
  readFileSync(new URL(`../../api/test/fixtures/${engine}.jsonl`, import.meta.url), 'utf8')
    .trim()
    .split('\n')
    .map((l) => JSON.parse(l) as Record<string, any>);

describe.each(ENGINES)('the %s series the extractors store', (engine) => {
  const points = recorded(engine).flatMap((p) => extractCollection(p.engine, p.category, p.data, p.schemaVersion).metrics);

  it('are each in the catalog, stored with the catalog kind', () => {
    const families = metricFamilies(engine);
    const uncatalogued: string[] = [];
    for (const p of points) {
      const curated = curatedMetric(p.metric);
      if (curated) {
        if (curated.kind !== p.kind || !curated.engines.includes(engine)) uncatalogued.push(`${p.metric} (${p.kind})`);
        continue;
      }
      const dot = p.metric.indexOf('.');
      const family = families.find((f) => f.prefix === p.metric.slice(0, dot));
      if (!family || familyFieldKind(family, p.metric.slice(dot + 1)) !== p.kind) uncatalogued.push(`${p.metric} (${p.kind})`);
    }
    expect([...new Set(uncatalogued)]).toEqual([]);
    expect(points.length).toBeGreaterThan(100);
  });

  it('include every curated metric the catalog says the engine reports, when the recording has it', () => {
    const stored = new Set(points.map((p) => p.metric));
    const curated = Object.values(METRICS).filter((m) => m.engines.includes(engine));
    expect(curated.filter((m) => stored.has(m.name)).length).toBeGreaterThan(curated.length / 2);
  });
});

it('knows only the kinds the store writes', () => {
  expect([...METRIC_KINDS]).toEqual(['gauge', 'delta']);
  expect(Object.values(METRICS).every((m) => (METRIC_KINDS as readonly string[]).includes(m.kind))).toBe(true);
});

// Issue 14: a delta is read per second of the interval it covers, so each delta point carries `_delta.seconds`.
it('gives each delta point the seconds its collection covers, and none to gauges', () => {
  const workload = recorded('postgresql').find((p) => p.category === 'workload' && typeof p.data._delta?.seconds === 'number')!;
  const points = extractCollection(workload.engine, workload.category, workload.data, workload.schemaVersion).metrics;
  const deltas = points.filter((p) => p.kind === 'delta');
  expect(deltas.length).toBeGreaterThan(10);
  expect(deltas.every((p) => p.seconds === workload.data._delta.seconds)).toBe(true);
  expect(points.filter((p) => p.kind === 'gauge').every((p) => p.seconds === undefined)).toBe(true);
});

// Issue 14: numbackends is the number of backends now (the agent sends it as it is), not a counter to read as a rate.
it('stores pg_stat_database.numbackends as a gauge', () => {
  const points = recorded('postgresql').flatMap((p) => extractCollection(p.engine, p.category, p.data, p.schemaVersion).metrics);
  const backends = points.filter((p) => p.metric === 'database_stats.numbackends');
  expect(backends.length).toBeGreaterThan(0);
  expect(backends.every((p) => p.kind === 'gauge')).toBe(true);
});
