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
