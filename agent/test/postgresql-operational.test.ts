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
    await admin.query('VACUUM ANALYZE ledger');
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
