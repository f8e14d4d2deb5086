import type pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createPgFixture, rows, signal, type PgFixture } from './postgresql-fixture';

describe('PostgreSQL operational collection', () => {
  let fx: PgFixture;
  let admin: pg.Client;
  let data: Record<string, unknown>;

  beforeAll(async () => {
    fx = await createPgFixture();
    admin = await fx.admin();
    await admin.query(`
      CREATE ROLE ${fx.role}_app LOGIN PASSWORD 'app-secret-password' VALID UNTIL '2099-01-01';
      CREATE TABLE ledger (id int PRIMARY KEY, amount int);
      INSERT INTO ledger SELECT g, g FROM generate_series(1, 100) g;
      DELETE FROM ledger WHERE id <= 40;
      GRANT SELECT, INSERT ON ledger TO ${fx.role}_app;
      GRANT USAGE ON SCHEMA public TO ${fx.role}_app;`);
    // The inserts and deletes reach the shared statistics before VACUUM sets the live rows, not after it.
    await admin.query('SELECT pg_stat_force_next_flush()');
    await admin.query('VACUUM ANALYZE ledger');
    // Two sequential scans and three index scans, flushed to the shared statistics before the collection reads them.
    await admin.query('SET enable_seqscan = off');
    for (const id of [50, 60, 70]) await admin.query('SELECT amount FROM ledger WHERE id = $1', [id]);
    await admin.query('SET enable_seqscan = on; SET enable_indexscan = off; SET enable_bitmapscan = off');
    for (let i = 0; i < 2; i += 1) await admin.query('SELECT sum(amount) FROM ledger');
    await admin.query('RESET enable_seqscan; RESET enable_indexscan; RESET enable_bitmapscan; SELECT pg_stat_force_next_flush()');
    const result = await fx.collector().collect('operational', signal());
    expect(result.errors).toEqual([]);
    data = result.data;
  });
  afterAll(async () => {
    await admin?.query(`DROP OWNED BY ${fx.role}_app; DROP ROLE IF EXISTS ${fx.role}_app`).catch(() => undefined);
    await fx?.cleanup();
  });

  it('lists roles with their flags but no password material', async () => {
    const app = rows(data, 'roles').find((r) => r['rolname'] === `${fx.role}_app`)!;
    expect(app).toMatchObject({ rolcanlogin: true, rolsuper: false, rolreplication: false, password_set: null });
    expect(app['rolvaliduntil']).toMatch(/^2099-01-01/);
    const json = JSON.stringify(data);
    expect(json).not.toContain('app-secret-password');
    expect(json).not.toMatch(/SCRAM-SHA-256\$|md5[0-9a-f]{32}/);
    expect(rows(data, 'memberships')).toContainEqual(expect.objectContaining({ role: 'pg_monitor', member: fx.role }));
    expect(data['auth']).toMatchObject({ password_encryption: 'scram-sha-256' });
  });

  it('reports settings: non-default ones and the curated list', async () => {
    const settings = rows(data, 'settings');
    expect(settings.find((s) => s['name'] === 'shared_preload_libraries')).toMatchObject({ setting: expect.stringContaining('pg_stat_statements') });
    expect(settings.find((s) => s['name'] === 'max_connections')).toMatchObject({ unit: null, source: expect.any(String) });
    expect(settings.find((s) => s['name'] === 'shared_buffers')).toMatchObject({ unit: '8kB' });
    // Issue 14: the built-in default beside the value, for the Settings view.
    expect(settings.find((s) => s['name'] === 'fsync')).toMatchObject({ boot_val: 'on', context: 'sighup', vartype: 'bool' });
    expect(settings.find((s) => s['name'] === 'max_connections')).toMatchObject({ boot_val: '100' });
  });

  it('reports database sizes and transaction-ID age, per database and per table', async () => {
    const db = rows(data, 'databases').find((d) => d['datname'] === fx.database)!;
    expect(db['size_bytes']).toBeGreaterThan(1_000_000);
    expect(db['xid_age']).toEqual(expect.any(Number));
    const ledger = rows(data, 'table_maintenance').find((t) => t['datname'] === fx.database && t['table'] === 'ledger')!;
    expect(ledger).toMatchObject({ schema: 'public', n_live_tup: 60, vacuum_count: 1, analyze_count: 1 });
    expect(ledger['last_vacuum']).toMatch(/^\d{4}-\d\d-\d\dT/);
    expect(ledger['xid_age']).toEqual(expect.any(Number));
  });

  // Issue 14: sequential scans per table, and index scans every 10 minutes rather than with the 4-hourly schema.
  it('reports sequential scans per table and scans per index, with the statistics reset they count from', async () => {
    const ledger = rows(data, 'table_maintenance').find((t) => t['datname'] === fx.database && t['table'] === 'ledger')!;
    expect(ledger['seq_scan']).toBeGreaterThanOrEqual(2);
    expect(ledger['seq_tup_read']).toBeGreaterThanOrEqual(120);
    expect(ledger['idx_scan']).toBeGreaterThanOrEqual(3);
    const pkey = rows(data, 'index_usage').find((i) => i['datname'] === fx.database && i['name'] === 'ledger_pkey')!;
    expect(pkey).toMatchObject({ schema: 'public', table: 'ledger' });
    expect(pkey['idx_scan']).toBeGreaterThanOrEqual(3);
    expect(pkey).toHaveProperty('stats_reset');
  });

  it('reports table, schema and database privileges from the catalogs', async () => {
    expect(rows(data, 'table_privileges')).toContainEqual(
      expect.objectContaining({ datname: fx.database, schema: 'public', table: 'ledger', grantee: `${fx.role}_app`, privileges: ['INSERT', 'SELECT'], grantable: [] }),
    );
    expect(rows(data, 'schema_privileges')).toContainEqual(
      expect.objectContaining({ schema: 'public', grantee: `${fx.role}_app`, privileges: ['USAGE'] }),
    );
    expect(rows(data, 'database_privileges')).toContainEqual(expect.objectContaining({ datname: fx.database, grantee: 'PUBLIC' }));
  });

  it('lists extensions of each monitored database with their update state', async () => {
    expect(rows(data, 'extensions')).toContainEqual(
      expect.objectContaining({ datname: fx.database, name: 'pg_stat_statements', update_available: false }),
    );
  });
});
