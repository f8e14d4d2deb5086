// The pure pieces behind the pages, tested without a browser.
import { describe, expect, it } from 'vitest';
import { tokenizeSql } from '../src/lib/sql/tokenize';
import { buildTree, detailsOf, lacksPrimaryKey } from '../src/routes/(app)/schema/tree';
import { visibleTargets } from '../src/routes/(app)/databases/inventory';
import { buckets, waitSeries } from '../src/routes/(app)/activity/waits';
import { isSameOriginSubmission } from '../src/lib/server/same-origin';
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
  const t = (targetId: string, engine: string, health: string, tags: Record<string, string> = {}): TargetView => ({
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
  it('averages samples per snapshot in each bucket and folds the tail into "other"', () => {
    const [b1, b2] = buckets(new Date(0), new Date(2000), 2);
    expect(b1?.to.getTime()).toBe(1000);
    const waits = (n: number) => Array.from({ length: 8 }, (_, i) => ({ waitType: 'Lock', wait: `w${i}`, samples: n + i }));
    const s = waitSeries([
      { at: b1?.to ?? new Date(), breakdown: { from: '', to: '', snapshots: 2, waits: waits(2) } },
      { at: b2?.to ?? new Date(), breakdown: { from: '', to: '', snapshots: 1, waits: [{ waitType: 'CPU', wait: 'running', samples: 3 }] } },
    ]);
    expect(s.keys).toHaveLength(7);
    expect(s.keys.at(-1)).toBe('other');
    expect(s.series['Lock: w7']?.[0]?.value).toBe(4.5);
    expect(s.series.other?.[1]?.value).toBe(3);
  });
});

describe('form origin check', () => {
  const post = (headers: Record<string, string>) => new Request('http://h:1/logout', { method: 'POST', headers: { host: 'h:1', ...headers } });
  it('accepts our own pages and refuses other sites', () => {
    expect(isSameOriginSubmission(post({ 'sec-fetch-site': 'same-origin', origin: 'null' }))).toBe(true);
    expect(isSameOriginSubmission(post({ 'sec-fetch-site': 'cross-site', origin: 'http://h:1' }))).toBe(false);
    expect(isSameOriginSubmission(post({ 'sec-fetch-site': 'same-site' }))).toBe(false);
    expect(isSameOriginSubmission(post({ origin: 'http://h:1' }))).toBe(true);
    expect(isSameOriginSubmission(post({ origin: 'http://evil:1' }))).toBe(false);
    expect(isSameOriginSubmission(post({}))).toBe(false);
  });
});
