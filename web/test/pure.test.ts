// The pure pieces behind the pages, tested without a browser.
import { describe, expect, it } from 'vitest';
import { tokenizeSql } from '../src/lib/sql/tokenize';
import { buildTree, detailsOf, lacksPrimaryKey } from '../src/routes/(app)/schema/tree';
import { visibleTargets } from '../src/routes/(app)/databases/inventory';
import { waitSeries, waitStep } from '../src/routes/(app)/activity/waits';
import type { SchemaObject, TargetView } from '../src/lib/api';

describe('SQL tokenizer', () => {
  it('returns pieces that join back to exactly the input, markup included', () => {
    const sql = `SELECT "a<b>", 'x'' <script>' FROM t /* <img src=x> */ WHERE id = $1 -- end`;
    const tokens = tokenizeSql(sql);
    expect(tokens.map((t) => t.text).join('')).toBe(sql);
    expect(tokens.find((t) => t.text.includes('<script>'))?.kind).toBe('string');
    expect(tokens.find((t) => t.text.includes('<img'))?.kind).toBe('comment');
    expect(tokens.filter((t) => t.kind === 'keyword').map((t) => t.text)).toEqual(['SELECT', 'FROM', 'WHERE']);
    expect(tokens.find((t) => t.text === '$1')?.kind).toBe('param');
  });

  it('survives unterminated strings and comments', () => {
    for (const sql of ["select 'open", 'select /* open', 'select "open', '€ ¿']) expect(tokenizeSql(sql).map((t) => t.text).join('')).toBe(sql);
  });
});

const obj = (type: string, name: string, definition: Record<string, unknown> = {}): SchemaObject => ({ type, name, definition, stats: null });

describe('schema tree', () => {
  const objects = [
    obj('schema', 'shop.public'),
    obj('schema', 'shop.public.v2'),
    obj('table', 'shop.public.orders', { has_primary_key: true }),
    obj('table', 'shop.public.v2.items', { has_primary_key: false }),
    obj('column', 'shop.public.orders.id', { position: 1 }),
    obj('column', 'shop.public.orders.total', { position: 2 }),
    obj('index', 'shop.public.orders_pkey', { table: 'orders' }),
    obj('collection', 'app.users'),
  ];

  it('puts each table under the longest matching schema, so dots in names do not misplace it', () => {
    const tree = buildTree(objects);
    const shop = tree.find((d) => d.name === 'shop');
    expect(shop?.schemas.find((s) => s.name === 'shop.public')?.containers.map((c) => c.name)).toEqual(['shop.public.orders']);
    expect(shop?.schemas.find((s) => s.name === 'shop.public.v2')?.containers.map((c) => c.name)).toEqual(['shop.public.v2.items']);
    expect(tree.find((d) => d.name === 'app')?.containers.map((c) => c.name)).toEqual(['app.users']);
  });

  it('finds a table’s columns in order and its indexes, and flags a missing primary key', () => {
    const orders = objects[2] as SchemaObject;
    const d = detailsOf(orders, objects);
    expect(d.columns.map((c) => c.name)).toEqual(['shop.public.orders.id', 'shop.public.orders.total']);
    expect(d.indexes.map((i) => i.name)).toEqual(['shop.public.orders_pkey']);
    expect(lacksPrimaryKey(objects[3] as SchemaObject)).toBe(true);
    expect(lacksPrimaryKey(orders)).toBe(false);
  });
});

describe('inventory view', () => {
  const t = (targetId: string, engine: string, health: TargetView['health'], tags: Record<string, string> = {}): TargetView => ({
    targetId,
    engine,
    health,
    tags,
    version: null,
    agentId: null,
    status: 'ok',
    lastSeen: null,
    lastPayloads: {},
    errors: [],
  });
  const all = [t('b-pg', 'postgresql', 'healthy'), t('a-redis', 'redis', 'failing', { env: 'prod' }), t('c-pg', 'postgresql', 'stale')];

  it('sorts failing first by status, searches tags, filters by engine', () => {
    expect(visibleTargets(all, { search: '', engine: '', health: '', sort: 'health', descending: false }).map((x) => x.targetId)).toEqual(['a-redis', 'c-pg', 'b-pg']);
    expect(visibleTargets(all, { search: 'env:prod', engine: '', health: '', sort: 'targetId', descending: false }).map((x) => x.targetId)).toEqual(['a-redis']);
    expect(visibleTargets(all, { search: '', engine: 'postgresql', health: '', sort: 'targetId', descending: true }).map((x) => x.targetId)).toEqual(['c-pg', 'b-pg']);
  });
});

describe('wait-event series', () => {
  const at = (ms: number) => new Date(ms).toISOString();

  // Issue 14: 12 buckets (5 min at 1 h) drew a lock wait as a ramp; 120 show it as a step.
  it('asks for 120 buckets of whole seconds, never under the API minimum of 10 s', () => {
    expect(waitStep(new Date(0), new Date(3_600_000))).toBe(30);
    expect(waitStep(new Date(0), new Date(7 * 86_400_000))).toBe(5040);
    expect(waitStep(new Date(0), new Date(60_000))).toBe(10);
  });

  it('averages samples per snapshot in each bucket, drawn at its end, and folds the tail into "other"', () => {
    const waits = (n: number) => Array.from({ length: 8 }, (_, i) => ({ waitType: 'Lock', wait: `w${i}`, samples: n + i }));
    const s = waitSeries({
      from: at(0),
      to: at(2000),
      snapshots: 3,
      waits: [],
      stepSeconds: 1,
      buckets: [
        { from: at(0), to: at(1000), snapshots: 2, waits: waits(2) },
        { from: at(1000), to: at(2000), snapshots: 1, waits: [{ waitType: 'CPU', wait: 'running', samples: 3 }] },
      ],
    });
    expect(s.keys).toHaveLength(7);
    expect(s.keys.at(-1)).toBe('other');
    expect(s.series['Lock: w7']?.[0]).toEqual({ ts: new Date(1000), value: 4.5 });
    expect(s.series.other?.[1]).toEqual({ ts: new Date(2000), value: 3 });
  });

  it('draws a bucket without any snapshot as a gap, not as zero waits', () => {
    const s = waitSeries({
      from: at(0),
      to: at(2000),
      snapshots: 1,
      waits: [],
      stepSeconds: 1,
      buckets: [
        { from: at(0), to: at(1000), snapshots: 0, waits: [] },
        { from: at(1000), to: at(2000), snapshots: 1, waits: [{ waitType: 'CPU', wait: 'running', samples: 2 }] },
      ],
    });
    expect(s.series.CPU).toEqual([{ ts: new Date(1000), value: null }, { ts: new Date(2000), value: 2 }]);
  });
});
