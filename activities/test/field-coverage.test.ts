// Every field the agent collects is either stored (read by the server's extractors, or a series of a metric family)
// or listed in the catalog as dropped on purpose, with the reason (@logstag/schema DROPPED_FIELDS). Walks the recorded
// payloads of all four engines (api/test/fixtures), runs each through its engine's extractor with the sections wrapped
// so that every field read is seen, and fails on a field that is neither, and on a dropped entry that is in fact read.
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { DROPPED_FIELDS, ENGINES, SECTIONS, currentSectionNames, metricFamilies, type Category, type Engine } from '@logstag/schema';
import type { EngineExtractor } from '../src/normalize/engine-extractor';
import { mongodbExtractor } from '../src/normalize/engines/mongodb';
import { mysqlExtractor } from '../src/normalize/engines/mysql';
import { postgresqlExtractor } from '../src/normalize/engines/postgresql';
import { redisExtractor } from '../src/normalize/engines/redis';
import { genericMetrics, isMeasurementField } from '../src/normalize/generic-metrics';
import { emptyExtracted } from '../src/normalize/types';

const EXTRACTORS = { postgresql: postgresqlExtractor, mysql: mysqlExtractor, redis: redisExtractor, mongodb: mongodbExtractor } as Record<
  Engine,
  EngineExtractor<Engine>
>;

interface Recorded {
  engine: Engine;
  category: Category;
  schemaVersion: number;
  data: Record<string, unknown>;
}

const recorded = (engine: Engine): Recorded[] =>
  readFileSync(new URL(`../../api/test/fixtures/${engine}.jsonl`, import.meta.url), 'utf8')
    .trim()
    .split('\n')
    .map((l) => JSON.parse(l) as Recorded);

/** A section's field, or the section itself (`section.`) when it is a scalar. */
type FieldKey = `${string}.${string}`;

const isObject = (v: unknown): v is Record<string, unknown> => v !== null && typeof v === 'object' && !Array.isArray(v);

/** The top-level fields of a section's rows (or of the section when it is one object). */
function fieldsOf(section: string, value: unknown): FieldKey[] {
  if (Array.isArray(value)) return [...new Set(value.filter(isObject).flatMap((row) => Object.keys(row)))].map((f) => `${section}.${f}` as const);
  if (isObject(value)) return Object.keys(value).map((f) => `${section}.${f}` as const);
  return [`${section}.`];
}

/** The sections with every row wrapped: a read of a field (directly, or by enumerating the row) is recorded. */
function watched(data: Record<string, unknown>, read: Set<FieldKey>): Record<string, unknown> {
  const wrap = (section: string, row: Record<string, unknown>) =>
    new Proxy(row, {
      get(target, key, receiver) {
        if (typeof key === 'string') read.add(`${section}.${key}`);
        return Reflect.get(target, key, receiver);
      },
      getOwnPropertyDescriptor(target, key) {
        if (typeof key === 'string') read.add(`${section}.${key}`);
        return Reflect.getOwnPropertyDescriptor(target, key);
      },
    });
  const out: Record<string, unknown> = {};
  for (const [section, value] of Object.entries(data)) {
    if (Array.isArray(value)) out[section] = value.map((row) => (isObject(row) ? wrap(section, row) : row));
    else if (isObject(value)) out[section] = wrap(section, value);
    else out[section] = value;
  }
  return new Proxy(out, {
    get(target, key, receiver) {
      // A scalar section (Redis password_set) is read where it is read whole.
      if (typeof key === 'string' && key in target && !Array.isArray(target[key]) && !isObject(target[key])) read.add(`${key}.`);
      return Reflect.get(target, key, receiver);
    },
  });
}

/** zod/mini's definition of a schema, as far as this walk needs it. */
interface Def {
  type: string;
  innerType?: { _zod: { def: Def } };
  element?: { _zod: { def: Def } };
  shape?: Record<string, unknown>;
}
const defOf = (schema: unknown): Def | undefined => (schema as { _zod?: { def: Def } } | undefined)?._zod?.def;

/** Whether the schema declares the field as a number (a metric family's series when it has a value). */
function declaredNumber(engine: Engine, category: Category, section: string, field: string): boolean {
  let def = defOf((SECTIONS[engine][category] as Record<string, unknown>)[section]);
  while (def && (def.type === 'optional' || def.type === 'nullable' || def.type === 'array')) def = (def.innerType ?? def.element)?._zod.def;
  const schema = def?.type === 'object' ? (def.shape?.[field] as { safeParse(v: unknown): { success: boolean } } | undefined) : undefined;
  return schema !== undefined && schema.safeParse(1).success && !schema.safeParse('1').success;
}

/** The fields one recorded payload carries, and those its extraction stores. */
function storedFields(p: Recorded): { seen: FieldKey[]; stored: Set<FieldKey> } {
  const data = currentSectionNames(p.engine, p.schemaVersion, p.data);
  const stored = new Set<FieldKey>();
  const extractor = EXTRACTORS[p.engine];
  const view = watched(data, stored) as never;
  extractor.version(view);
  extractor.categories[p.category]?.(view, emptyExtracted());
  // The generic series: a field is stored when it became a series of its section's family.
  // Its label fields label the series; a field the schema declares a number is a series whenever it has a value
  // (recorded as null here: no standby, no archive failure yet).
  const families = metricFamilies(p.engine);
  const byPrefix = new Map(families.map((f) => [f.prefix, f.section]));
  for (const m of genericMetrics(p.engine, data)) {
    const dot = m.metric.indexOf('.');
    const section = byPrefix.get(m.metric.slice(0, dot));
    if (section) stored.add(`${section}.${m.metric.slice(dot + 1)}`);
  }
  const seen = Object.entries(data).flatMap(([section, value]) => fieldsOf(section, value));
  for (const f of families) {
    for (const label of f.labels ?? []) stored.add(`${f.section}.${label}`);
    for (const key of seen) {
      const [section, field] = key.split('.') as [string, string];
      if (section === f.section && isMeasurementField(field) && declaredNumber(p.engine, p.category, section, field)) stored.add(key);
    }
  }
  return { seen, stored };
}

/** Whether the catalog lists the field (or its whole section, `*`) as dropped, with its reason. */
function droppedReason(engine: Engine, key: FieldKey): string | undefined {
  const dot = key.indexOf('.');
  const section = DROPPED_FIELDS[engine][key.slice(0, dot)];
  return section?.[key.slice(dot + 1) || '*'] ?? section?.['*'];
}

describe.each(ENGINES)('the %s fields the agent collects', (engine) => {
  const payloads = recorded(engine);
  const seen = new Set<FieldKey>();
  const stored = new Set<FieldKey>();
  for (const p of payloads) {
    const r = storedFields(p);
    for (const k of r.seen) seen.add(k);
    for (const k of r.stored) stored.add(k);
  }

  it('are each stored or dropped on purpose, with a reason', () => {
    const neither = [...seen].filter((k) => !stored.has(k) && droppedReason(engine, k) === undefined).sort();
    expect(neither, 'fields neither stored nor listed in DROPPED_FIELDS').toEqual([]);
  });

  it('are never listed as dropped while the server stores them', () => {
    const listed = Object.entries(DROPPED_FIELDS[engine]).flatMap(([section, fields]) =>
      Object.keys(fields).filter((f) => f !== '*').map((f) => `${section}.${f}` as FieldKey),
    );
    expect(listed.filter((k) => stored.has(k)).sort(), 'dropped entries that are read').toEqual([]);
  });

  it('are recorded: the walk sees the sections of every category', () => {
    expect(new Set(payloads.map((p) => p.category))).toEqual(new Set(['runtime', 'workload', 'operational', 'schema']));
    expect(seen.size).toBeGreaterThan(50);
  });
});
