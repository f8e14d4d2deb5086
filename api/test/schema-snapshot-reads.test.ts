// The Schema Explorer's reads of the newest schema snapshot (issue 14: the page loaded every object of every type, page
// by page, each request re-reading the whole snapshot): one table's own objects (`of`), every flagged index in one
// listing (`flag=any`), pages of up to 1,000, and the per-process parsed-snapshot cache, which must serve a new
// snapshot, statistics refreshed in place, and each organization its own.
import { readFileSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { signedIn, type ApiClient } from './accounts-client';
import { postPayload, seedOrganization, startTestContext, waitFor, type SeededOrganization, type TestContext } from './context';

type Body = Record<string, any>;
const recordedSchema: Body = readFileSync(new URL('./fixtures/postgresql.jsonl', import.meta.url), 'utf8')
  .trim()
  .split('\n')
  .map((l) => JSON.parse(l) as Body)
  .find((p) => p.category === 'schema')!;
const DB = 'logstag_fixture_shop';
const ORDERS = `${DB}.public.orders`;

let n = 0;
/** The recorded schema payload as a new collection `minutesAgo` back, with its data changed by `edit`. */
function schemaPayload(minutesAgo: number, edit: (data: Body) => Body = (d) => d): Body {
  n += 1;
  return {
    ...recordedSchema,
    id: `01a2139f-5c9e-7000-8000-${String(n).padStart(12, '0')}`,
    collectedAt: new Date(Date.now() - minutesAgo * 60_000).toISOString(),
    data: edit(structuredClone(recordedSchema.data)),
  };
}

describe('schema snapshot reads (pglite store)', () => {
  let ctx: TestContext;
  let orgA: SeededOrganization;
  let orgB: SeededOrganization;
  let a: ApiClient;
  let b: ApiClient;
  /** The first schema collection of organization A. */
  let first: Body;

  async function send(org: SeededOrganization, p: Body): Promise<void> {
    expect((await postPayload(ctx.url, p, { gzip: true, key: org.agentKey })).status).toBe(202);
    await waitFor(
      async () => (await ctx.app.store.db.selectFrom('payloads').select('status').where('id', '=', p.id).executeTakeFirst())?.status === 'stored',
      60_000,
      `payload ${p.id} stored`,
    );
  }
  const names = (res: { body: { items: Array<{ name: string }> } }) => res.body.items.map((i) => i.name).sort();

  beforeAll(async () => {
    ctx = await startTestContext('pglite');
    orgA = await seedOrganization(ctx, 'A');
    orgB = await seedOrganization(ctx, 'B');
    a = await signedIn(ctx, orgA.ownerEmail, orgA.ownerPassword);
    b = await signedIn(ctx, orgB.ownerEmail, orgB.ownerPassword);
    // Flagged indexes besides the recorded primary keys: one never scanned, one duplicating it, one left invalid.
    const index = (name: string, extra: Body) => ({ ...recordedSchema.data.indexes[1], name, definition: `CREATE INDEX ${name} ON public.orders USING btree (customer_id)`, is_unique: false, is_primary: false, constraint_name: null, ...extra });
    first = schemaPayload(30, (d) => ({
        ...d,
        indexes: [...d.indexes, index('orders_customer_idx', {}), index('orders_customer_dup', { duplicate_of: ['orders_customer_idx'], idx_scan: 5 }), index('orders_broken_idx', { is_valid: false, invalid: true, idx_scan: 5 })],
    }));
    await send(orgA, first);
  }, 120_000);
  afterAll(async () => {
    await ctx?.stop();
  });

  it("lists one table's columns, indexes, constraints and foreign keys, and nothing of other tables", async () => {
    const res = await a.get(`/api/explorer/schema/${recordedSchema.targetId}/objects?of=${encodeURIComponent(ORDERS)}&limit=1000`);
    expect(res.status).toBe(200);
    const d = first.data;
    const ofOrders = (list: Body[]) => list.filter((x) => x.table === 'orders');
    // The oracle is the payload itself: what the agent reported for the orders table.
    expect(names(res)).toEqual(
      [
        ...ofOrders(d.columns).map((c) => `${ORDERS}.${c.name}`),
        ...ofOrders(d.indexes).map((i) => `${DB}.public.${i.name}`),
        ...ofOrders(d.constraints).map((c) => `${ORDERS}.${c.name}`),
        ...ofOrders(d.foreign_keys).map((f) => `${ORDERS}.${f.name}`),
      ].sort(),
    );
    expect(new Set(res.body.items.map((i: Body) => i.type))).toEqual(new Set(['column', 'index', 'constraint', 'foreign_key']));
    // customers' objects share the database and schema prefix but are not the orders table's.
    expect(names(res).some((x) => x.includes('customers'))).toBe(false);
  });

  it('lists every flagged index in one listing, the union of the three flags', async () => {
    const get = async (flag: string) => names(await a.get(`/api/explorer/schema/${recordedSchema.targetId}/objects?type=index&flag=${flag}&limit=1000`));
    const [unused, duplicate, invalid] = [await get('unused'), await get('duplicate'), await get('invalid')];
    expect([unused, duplicate, invalid].map((l) => l.length)).toEqual([expect.any(Number), 1, 1]);
    expect(unused).toContain(`${DB}.public.orders_customer_idx`);
    const union = [...new Set([...unused, ...duplicate, ...invalid])].sort();
    expect(await get('any')).toEqual(union);
  });

  it('accepts pages of up to 1,000 and refuses more with a 400', async () => {
    expect((await a.get(`/api/explorer/schema/${recordedSchema.targetId}/objects?type=column&limit=1000`)).status).toBe(200);
    expect((await a.get(`/api/explorer/schema/${recordedSchema.targetId}/permissions?limit=1000`)).status).toBe(200);
    const tooMany = await a.get(`/api/explorer/schema/${recordedSchema.targetId}/objects?limit=1001`);
    expect(tooMany.status).toBe(400);
  });

  it('serves a newer snapshot, and statistics refreshed in place, right after they are stored', async () => {
    const tables = async (client: ApiClient) => (await client.get(`/api/explorer/schema/${recordedSchema.targetId}/objects?type=table&limit=1000`)).body.items as Body[];
    // Read once so the parsed snapshot is cached.
    expect((await tables(a)).map((t) => t.name)).not.toContain(`${DB}.public.refunds`);

    // A new table: a new snapshot row.
    const refunds = { ...recordedSchema.data.tables[0], name: 'refunds', estimated_rows: 10 };
    await send(orgA, schemaPayload(20, (d) => ({ ...d, tables: [...d.tables, refunds] })));
    expect((await tables(a)).map((t) => t.name)).toContain(`${DB}.public.refunds`);

    // Same structure, new row estimate: the stored snapshot's statistics are rewritten in place (same time, same digest).
    await send(orgA, schemaPayload(10, (d) => ({ ...d, tables: [...d.tables.map((t: Body) => (t.name === 'orders' ? { ...t, estimated_rows: 987_654 } : t)), refunds] })));
    expect((await tables(a)).find((t) => t.name === ORDERS)?.stats?.estimated_rows).toBe(987_654);
  });

  it("keeps each organization's snapshot apart under the same target id", async () => {
    await send(orgB, schemaPayload(5, (d) => ({ ...d, tables: d.tables.filter((t: Body) => t.name !== 'orders') })));
    const list = async (client: ApiClient) => names(await client.get(`/api/explorer/schema/${recordedSchema.targetId}/objects?type=table&limit=1000`));
    expect(await list(b)).not.toContain(ORDERS);
    expect(await list(a)).toContain(ORDERS);
    expect(await list(b)).not.toContain(ORDERS);
  });
});
