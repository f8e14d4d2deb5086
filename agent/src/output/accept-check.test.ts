import { readFileSync } from 'node:fs';
import { CATEGORIES, ENGINES, collectionDataSchema } from '@logstag/schema/core';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import * as z from 'zod/mini';
import { acceptCheck } from './accept-check';

/** The recorded collection payloads of all four engines (api/test/fixtures, taken from real servers). */
const fixtures = ENGINES.flatMap((engine) =>
  readFileSync(new URL(`../../../api/test/fixtures/${engine}.jsonl`, import.meta.url), 'utf8')
    .split('\n')
    .filter((line) => line.trim() !== '')
    .map((line) => JSON.parse(line) as { kind: string; engine: (typeof ENGINES)[number]; category: (typeof CATEGORIES)[number]; data: Record<string, unknown> })
    .filter((payload) => payload.kind === 'collection'),
);

const zodAccepts = (schema: z.ZodMiniType, value: unknown) => schema.safeParse(value).success;

/** Every place in a value (objects' keys, arrays' indexes), as paths from its root. */
function paths(value: unknown, prefix: Array<string | number> = [], out: Array<Array<string | number>> = []): Array<Array<string | number>> {
  if (prefix.length > 0) out.push(prefix);
  if (Array.isArray(value)) value.forEach((item, i) => paths(item, [...prefix, i], out));
  else if (value !== null && typeof value === 'object') for (const [k, v] of Object.entries(value)) paths(v, [...prefix, k], out);
  return out;
}

function replaced(value: unknown, path: ReadonlyArray<string | number>, by: unknown): unknown {
  const copy = structuredClone(value) as Record<string | number, unknown>;
  let parent = copy;
  for (const step of path.slice(0, -1)) parent = parent[step] as Record<string | number, unknown>;
  if (by === DELETE) delete parent[path.at(-1)!];
  else parent[path.at(-1)!] = by;
  return copy;
}
const DELETE = Symbol('delete');

/** Values a driver or a collector bug could leave in a section: wrong types, non-finite numbers, odd objects. */
const oddValue = fc.oneof(
  fc.constantFrom<unknown>(DELETE, undefined, null, Number.NaN, Number.POSITIVE_INFINITY, -0, 1n, '', 'text', true, 0, 1.5, [], {}, [null], [1, 'a'], { a: 1 }, new Date(0), new Map(), Object.create(null) as object),
  fc.anything({ withBigInt: true, withDate: true, withMap: true, withSet: true, withNullPrototype: true, withObjectString: true, withSparseArray: true, withTypedArray: true, maxDepth: 2 }),
);

describe('acceptCheck: zod sections checked in place', () => {
  it('understands every section schema of every engine and category', () => {
    for (const engine of ENGINES) for (const category of CATEGORIES) expect(acceptCheck(collectionDataSchema(engine, category)), `${engine}/${category}`).toBeTypeOf('function');
  });

  it('agrees with zod on every recorded payload, in every category schema of its engine', () => {
    expect(fixtures.length).toBeGreaterThan(60);
    let accepted = 0;
    for (const payload of fixtures) {
      for (const category of CATEGORIES) {
        const schema = collectionDataSchema(payload.engine, category);
        const check = acceptCheck(schema)!;
        expect(check(payload.data), `${payload.engine}/${payload.category} against ${category}`).toBe(zodAccepts(schema, payload.data));
        if (category === payload.category && check(payload.data)) accepted++;
      }
    }
    // The recorded sections pass their own category's schema (version 1 names pass as undeclared sections).
    expect(accepted).toBe(fixtures.length);
  });

  it('never accepts what zod refuses: recorded payloads with one value anywhere replaced by an odd one', () => {
    let refused = 0;
    let checked = 0;
    fc.assert(
      fc.property(fc.nat(fixtures.length - 1), fc.nat(), oddValue, (index, at, by) => {
        const payload = fixtures[index]!;
        const places = paths(payload.data);
        const data = replaced(payload.data, places[at % places.length]!, by);
        const schema = collectionDataSchema(payload.engine, payload.category);
        const zod = zodAccepts(schema, data);
        checked++;
        if (!zod) refused++;
        // Sound: what the check accepts, zod accepts. (What it refuses goes to zod, which has the last word.)
        if (acceptCheck(schema)!(data)) expect(zod).toBe(true);
      }),
      { numRuns: 3000, seed: 13 },
    );
    // The mutations do reach declared fields: a good share of them is refused.
    expect(refused).toBeGreaterThan(checked / 10);
  });

  it('matches zod on the edges of each kind it understands', () => {
    interface Node {
      id?: number | null;
      children?: Node[] | null;
    }
    const node: z.ZodMiniType<Node> = z.looseObject({
      id: z.optional(z.nullable(z.number())),
      get children() {
        return z.optional(z.nullable(z.array(node)));
      },
    });
    const schema = z.object({
      n: z.number(),
      s: z.optional(z.string()),
      b: z.optional(z.nullable(z.boolean())),
      u: z.unknown(),
      scalar: z.optional(z.union([z.number(), z.string()])),
      list: z.optional(z.array(z.number())),
      values: z.optional(z.record(z.string(), z.nullable(z.number()))),
      tree: z.optional(node),
    });
    const classy = new (class Counts {
      a = 1;
    })();
    const withSymbol = { a: 1, [Symbol('k')]: 2 };
    const withCtor = { constructor: 'not a function', a: 1 };
    const cases: unknown[] = [
      { n: 1 },
      { n: 1, u: undefined },
      { n: 1, u: 'anything', extra: 'dropped by z.object' },
      { n: Number.NaN },
      { n: Number.POSITIVE_INFINITY },
      { n: -0, s: 'x', b: null, u: undefined },
      { n: '1', u: 1 },
      {},
      null,
      [],
      { n: 1, u: 0, s: undefined, b: undefined },
      { n: 1, u: 0, scalar: true },
      { n: 1, u: 0, list: [1, 2, Number.NaN] },
      { n: 1, u: 0, list: [1, 2, 3] },
      { n: 1, u: 0, values: { a: 1, b: null } },
      { n: 1, u: 0, values: { a: '1' } },
      { n: 1, u: 0, values: classy },
      { n: 1, u: 0, values: Object.assign(Object.create(null) as object, { a: 1 }) },
      { n: 1, u: 0, values: withSymbol },
      { n: 1, u: 0, values: withCtor },
      { n: 1, u: 0, values: [] },
      { n: 1, u: 0, tree: { id: 1, children: [{ id: 2, children: [{ id: 3, children: null }] }] } },
      { n: 1, u: 0, tree: { id: 1, children: [{ id: 2, children: [{ id: 'three' }] }] } },
      { n: 1, u: 0, tree: { id: 1, children: [{ other: 'kept by z.looseObject' }] } },
      // Inherited keys are read, and count as present, as zod reads them.
      Object.assign(Object.create({ n: 1, u: 0 }) as object, {}),
      Object.assign(Object.create({ n: 1 }) as object, { u: 0 }),
    ];
    const check = acceptCheck(schema)!;
    for (const value of cases) expect(check(value), JSON.stringify(value)).toBe(zodAccepts(schema, value));
  });

  it('has no check for a schema with a format, a check, a default, strict keys or a kind it does not know', () => {
    for (const schema of [
      z.int(),
      z.iso.datetime(),
      z.string().check(z.maxLength(3)),
      z.array(z.number()).check(z.maxLength(3)),
      z._default(z.string(), 'x'),
      z.optional(z._default(z.string(), 'x')),
      z.strictObject({ a: z.number() }),
      z.object({ a: z.literal('a') }),
      z.object({ a: z.enum(['a', 'b']) }),
      z.record(z.enum(['a', 'b']), z.number()),
      z.looseObject({ a: z.bigint() }),
    ]) {
      expect(acceptCheck(schema as z.ZodMiniType), JSON.stringify(schema._zod.def.type)).toBeUndefined();
    }
  });
});
