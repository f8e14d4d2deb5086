import type pg from 'pg';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { createPgFixture, rows, signal, type PgFixture } from './postgresql-fixture';

describe('PostgreSQL schema collection (catalog metadata only)', () => {
  let fx: PgFixture;
  let admin: pg.Client;

  beforeAll(async () => {
    fx = await createPgFixture();
    admin = await fx.admin();
    await admin.query(`
      CREATE SCHEMA shop;
      CREATE TABLE shop.customers (id serial PRIMARY KEY, email text NOT NULL, created_at timestamptz DEFAULT now());
      CREATE TABLE shop.orders (id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
                                customer_id int NOT NULL REFERENCES shop.customers (id) ON DELETE CASCADE,
                                total numeric(10, 2) CHECK (total >= 0));
      INSERT INTO shop.customers (email) VALUES ('a@example.com'), ('a@example.com'), ('b@example.com');`);
  });
  afterAll(async () => fx?.cleanup());
  // The setup file caps the role at 5 connections: each test's collectors give theirs back.
  afterEach(async () => fx?.closeCollectors());

  const named = (data: Record<string, unknown>, section: string, name: string) =>
    rows(data, section).find((r) => r['datname'] === fx.database && r['name'] === name);

  it('lists schemas, tables, columns, constraints and foreign keys of the monitored database', async () => {
    const result = await fx.collector().collect('schema', signal());
    expect(result.errors).toEqual([]);
    expect(named(result.data, 'schemas', 'shop')).toBeDefined();
    expect(named(result.data, 'tables', 'orders')).toMatchObject({ schema: 'shop', relkind: 'r', has_primary_key: true, sizes_exact: true });
    expect(named(result.data, 'tables', 'orders')!['total_bytes']).toBeGreaterThan(0);
    const email = rows(result.data, 'columns').find((c) => c['table'] === 'customers' && c['name'] === 'email');
    expect(email).toMatchObject({ type: 'text', nullable: false, default: null });
    const total = rows(result.data, 'columns').find((c) => c['table'] === 'orders' && c['name'] === 'total');
    expect(total).toMatchObject({ type: 'numeric(10,2)', nullable: true });
    expect(rows(result.data, 'constraints').find((c) => c['table'] === 'orders' && c['type'] === 'c')?.['definition']).toBe('CHECK ((total >= (0)::numeric))');
    expect(named(result.data, 'foreign_keys', 'orders_customer_id_fkey')).toMatchObject({
      columns: ['customer_id'],
      referenced_table: 'customers',
      referenced_columns: ['id'],
      on_delete: 'c',
      has_index: false,
    });
    // pg_monitor cannot read sequence values; the sequence is listed and says so (see agent/setup/postgresql.sql).
    expect(named(result.data, 'sequences', 'customers_id_seq')).toMatchObject({ last_value: null, last_value_readable: false, owned_by_column: 'id' });
  });

  it('shows a created index in the next schema payload, and flags duplicate and invalid indexes', async () => {
    const collector = fx.collector();
    const before = await collector.collect('schema', signal());
    expect(named(before.data, 'indexes', 'orders_customer_idx')).toBeUndefined();

    await admin.query('CREATE INDEX orders_customer_idx ON shop.orders (customer_id)');
    await admin.query('CREATE INDEX orders_customer_idx_again ON shop.orders (customer_id)');
    // Duplicate e-mails make the unique build fail; CONCURRENTLY leaves the index behind, marked invalid.
    await expect(admin.query('CREATE UNIQUE INDEX CONCURRENTLY customers_email_key ON shop.customers (email)')).rejects.toThrow(/could not create unique index/);

    // A left prefix of a B-tree is redundant (the longer one holding its INCLUDE columns too); a hash index is not.
    await admin.query('CREATE INDEX orders_total_customer_idx ON shop.orders (total, customer_id) INCLUDE (id)');
    await admin.query('CREATE INDEX orders_total_idx ON shop.orders (total)');
    await admin.query('CREATE INDEX orders_total_hash_idx ON shop.orders USING hash (total)');

    const after = await collector.collect('schema', signal());
    expect(after.errors).toEqual([]);
    expect(named(after.data, 'indexes', 'orders_total_idx')!['duplicate_of']).toEqual(['orders_total_customer_idx']);
    expect(named(after.data, 'indexes', 'orders_total_hash_idx')!['duplicate_of']).toEqual([]);
    expect(named(after.data, 'indexes', 'orders_total_customer_idx')!['duplicate_of']).toEqual([]);
    expect(named(after.data, 'indexes', 'orders_customer_idx')).toMatchObject({
      schema: 'shop',
      table: 'orders',
      definition: 'CREATE INDEX orders_customer_idx ON shop.orders USING btree (customer_id)',
      is_valid: true,
      invalid: false,
      duplicate_of: ['orders_customer_idx_again'],
      idx_scan: 0,
    });
    expect(named(after.data, 'indexes', 'orders_customer_idx_again')!['duplicate_of']).toEqual(['orders_customer_idx']);
    expect(named(after.data, 'indexes', 'orders_pkey')).toMatchObject({ is_primary: true, duplicate_of: [], constraint_name: 'orders_pkey' });
    expect(named(after.data, 'indexes', 'customers_email_key')).toMatchObject({ is_valid: false, invalid: true, is_unique: true });
    expect(named(after.data, 'foreign_keys', 'orders_customer_id_fkey')!['has_index']).toBe(true);
  });

  it('computes sequence headroom against the column type when the role may read the sequence', async () => {
    await admin.query(`CREATE TABLE shop.small (id smallserial PRIMARY KEY)`);
    await admin.query(`GRANT SELECT ON ALL SEQUENCES IN SCHEMA shop TO ${fx.role}`);
    await admin.query(`SELECT setval('shop.small_id_seq', 16384)`);
    const result = await fx.collector().collect('schema', signal());
    expect(named(result.data, 'sequences', 'small_id_seq')).toMatchObject({
      last_value: '16384',
      last_value_readable: true,
      owned_by_column_type: 'smallint',
      effective_max: '32767',
    });
    expect(named(result.data, 'sequences', 'small_id_seq')!['percent_used']).toBeCloseTo(50, 0);
    await admin.query(`REVOKE SELECT ON ALL SEQUENCES IN SCHEMA shop FROM ${fx.role}`);
  });

  it('leaves databases outside databases.include alone', async () => {
    const result = await fx.collector({ databases: { include: ['postgres'], exclude: [] } }).collect('schema', signal());
    expect(rows(result.data, 'tables').some((t) => t['datname'] === fx.database)).toBe(false);
  });

  it('stops at once when its deadline passes, and the next collection works', async () => {
    const collector = fx.collector();
    const locker = await fx.admin();
    await locker.query('BEGIN');
    // ACCESS EXCLUSIVE makes the size functions wait (up to lock_timeout, 1 s) on this table.
    await locker.query('LOCK TABLE shop.orders IN ACCESS EXCLUSIVE MODE');
    try {
      const started = Date.now();
      await expect(collector.collect('schema', AbortSignal.timeout(300))).rejects.toMatchObject({ name: 'TimeoutError' });
      expect(Date.now() - started).toBeLessThan(900);
      // Without the deadline the locked table costs only exact sizes: the collection falls back to estimates.
      const degraded = await collector.collect('schema', signal());
      expect(degraded.errors).toContainEqual(expect.objectContaining({ collector: `tables:${fx.database}`, code: 'lock_timeout' }));
      expect(named(degraded.data, 'tables', 'orders')).toMatchObject({ sizes_exact: false });
    } finally {
      await locker.query('ROLLBACK');
    }
    const after = await collector.collect('schema', signal());
    expect(after.errors).toEqual([]);
  });
});
