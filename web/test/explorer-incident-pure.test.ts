// Issue 14, what an operator needs first: the pure pieces behind the Query, Activity and Schema Explorers, tested
// without a browser (web/test/explorer-incident.test.ts checks them on the real servers).
import { describe, expect, it } from 'vitest';
import type { SchemaObject } from '../src/lib/api';
import { lockWaitText, visibleSessions } from '../src/routes/(app)/activity/sessions';
import { relationNames, touchedTables } from '../src/routes/(app)/queries/detail/relations';
import { sparkBars } from '../src/routes/(app)/queries/spark';
import { autovacuumSettings, findingObjects, latestOf } from '../src/routes/(app)/schema/tree';

describe('the tables a statement touches', () => {
  it('reads FROM, JOIN, UPDATE and INSERT INTO, with schemas, quotes, aliases and comma lists', () => {
    expect(relationNames('select c.email, sum(o.total) from customers c join orders o on o.customer_id = c.id where c.id = $1 group by c.email')).toEqual(['customers', 'orders']);
    expect(relationNames('SELECT COUNT ( * ) FROM `shop` . `orders` WHERE `note` <> ?')).toEqual(['shop.orders']);
    expect(relationNames('update "Public"."Mixed Case" set x = 1')).toEqual(['Public.Mixed Case']);
    expect(relationNames('insert into audit (a, b) values ($1, $2)')).toEqual(['audit']);
    expect(relationNames('select * from a, b as bb, public.c where a.id = bb.id')).toEqual(['a', 'b', 'public.c']);
  });

  it('leaves out functions, subqueries and CTE names, and reads names inside strings and comments as text', () => {
    expect(relationNames('with recent as (select * from orders) select * from recent join unnest($1::int[]) u on true')).toEqual(['orders']);
    expect(relationNames("select * from (select 1) x where note = 'from secrets' -- from passwords")).toEqual([]);
    expect(relationNames('select pg_sleep(1)')).toEqual([]);
  });

  it('finds them in the schema snapshot: PostgreSQL in the statement’s database, MySQL/MariaDB in its default schema', () => {
    const pg = [{ name: 'app.public.orders' }, { name: 'other.public.orders' }, { name: 'app.sales.orders' }, { name: 'app.public.customers' }];
    expect(touchedTables(pg, ['orders'], 'postgresql', 'app').map((t) => t.name)).toEqual(['app.public.orders', 'app.sales.orders']);
    expect(touchedTables(pg, ['sales.orders'], 'postgresql', 'app').map((t) => t.name)).toEqual(['app.sales.orders']);
    const my = [{ name: 'shop.orders' }, { name: 'crm.orders' }];
    expect(touchedTables(my, ['orders'], 'mysql', 'shop').map((t) => t.name)).toEqual(['shop.orders']);
    expect(touchedTables(my, ['crm.orders'], 'mysql', 'shop').map((t) => t.name)).toEqual(['crm.orders']);
    expect(touchedTables(my, ['ORDERS'], 'mysql', null).map((t) => t.name)).toEqual(['shop.orders', 'crm.orders']);
  });
});

it('draws a statement’s time per bucket as bars scaled to its largest, one for a single run, none where it did not run', () => {
  expect(sparkBars([null, 10, 0, 5], 40, 20)).toEqual([
    { x: 10, y: 0, width: 9, height: 20 },
    { x: 30, y: 10, width: 9, height: 10 },
  ]);
  // A tiny bucket beside a big one still shows a pixel.
  expect(sparkBars([1000, 0.001], 20, 20)[1]?.height).toBe(1);
  expect(sparkBars([null, 3, null], 72, 20)).toHaveLength(1);
  expect(sparkBars([null, null], 72, 20)).toEqual([]);
});

describe('sessions', () => {
  const s = (id: string, backendType?: string | null) => ({ id, backendType });

  it('hides background processes unless asked for; engines without a backend type have none', () => {
    const all = [s('1', 'client backend'), s('2', 'checkpointer'), s('3', 'autovacuum worker'), s('4'), s('5', null)];
    expect(visibleSessions(all, false).map((x) => x.id)).toEqual(['1', '4', '5']);
    expect(visibleSessions(all, true).map((x) => x.id)).toEqual(['1', '2', '3', '4', '5']);
  });

  it('says what a blocked session waits for: mode, object, lock type and for how long', () => {
    expect(lockWaitText({ lockType: 'transactionid', mode: 'ShareLock', object: 'public.orders', waitSeconds: 42 })).toBe('ShareLock on public.orders (transactionid) for 42 s');
    expect(lockWaitText({ lockType: 'RECORD', mode: 'X', object: '`shop`.`orders`', waitSeconds: 0.25 })).toBe('X on `shop`.`orders` (RECORD) for 250 ms');
    expect(lockWaitText({ lockType: null, mode: null, object: null, waitSeconds: null })).toBe('a lock');
  });
});

describe('schema findings and maintenance', () => {
  const o = (type: string, name: string, definition: Record<string, unknown>, flags?: Partial<NonNullable<SchemaObject['flags']>>): SchemaObject => ({
    type,
    name,
    definition,
    stats: null,
    ...(flags ? { flags: { unused: false, invalid: false, duplicate: false, duplicateOf: [], ...flags } } : {}),
  });

  it('lists each finding’s objects with the table that opens them', () => {
    const found = findingObjects([
      o('table', 'app.public.events', { relkind: 'r', has_primary_key: false }),
      o('table', 'app.public.v', { relkind: 'v', has_primary_key: false }),
      o('index', 'app.public.orders_a', { table: 'orders' }, { unused: true, duplicate: true, duplicateOf: ['orders_b'] }),
      o('index', 'shop.orders.k_customer', { table: 'orders' }, { invalid: true }),
    ]);
    expect(found.noPk).toEqual([{ name: 'app.public.events', table: 'app.public.events' }]);
    expect(found.unused).toEqual([{ name: 'app.public.orders_a', table: 'app.public.orders' }]);
    expect(found.duplicate).toEqual(found.unused);
    expect(found.invalid).toEqual([{ name: 'shop.orders.k_customer', table: 'shop.orders' }]);
  });

  it('reads a table’s own autovacuum settings and whether they disable it', () => {
    expect(autovacuumSettings(o('table', 't', { reloptions: ['fillfactor=90', 'autovacuum_enabled=false', 'toast.autovacuum_vacuum_scale_factor=0.01'] }))).toEqual({
      settings: ['autovacuum_enabled=false', 'toast.autovacuum_vacuum_scale_factor=0.01'],
      disabled: true,
    });
    expect(autovacuumSettings(o('table', 't', { reloptions: null }))).toEqual({ settings: [], disabled: false });
  });

  it('takes the later of manual and automatic maintenance, null when neither ran, undefined when not collected', () => {
    expect(latestOf('2026-12-05T10:00:00.000Z', '2026-12-05T11:00:00.000Z')).toBe('2026-12-05T11:00:00.000Z');
    expect(latestOf(null, '2026-12-05T11:00:00.000Z')).toBe('2026-12-05T11:00:00.000Z');
    expect(latestOf(null, null)).toBeNull();
    expect(latestOf(undefined, undefined)).toBeUndefined();
  });
});
