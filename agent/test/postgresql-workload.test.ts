import type pg from 'pg';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { diffSince } from '../src/state/diff';
import { createPgFixture, eventually, rows, signal, type PgFixture } from './postgresql-fixture';

describe('PostgreSQL workload collection', () => {
  let fx: PgFixture;
  let admin: pg.Client;

  beforeAll(async () => {
    fx = await createPgFixture();
    admin = await fx.admin();
    await admin.query('CREATE TABLE calls_probe (id int PRIMARY KEY, v text)');
    await admin.query("INSERT INTO calls_probe SELECT g, 'x' FROM generate_series(1, 10) g");
  });
  afterAll(async () => fx?.cleanup());
  // The setup file caps the role at 5 connections: each test's collectors give theirs back.
  afterEach(async () => fx?.closeCollectors());

  it('leaves out the statements of a dropped database, which no longer belong to any database the target covers', async () => {
    // A database of its own, used and dropped: its pg_stat_statements entries stay behind with no pg_database row.
    const gone = `${fx.database}_gone`;
    await admin.query(`CREATE DATABASE ${gone}`);
    const { default: pgModule } = await import('pg');
    const url = new URL(process.env['LOGSTAG_TEST_PG_URL']!);
    url.pathname = `/${gone}`;
    const app = new pgModule.Client({ connectionString: url.toString() });
    await app.connect();
    await app.query('SELECT 424242 AS dropped_probe');
    await app.end();
    await admin.query(`DROP DATABASE ${gone} WITH (FORCE)`);

    const result = await fx.collector({ databases: { include: [], exclude: [] } }).collect('workload', signal());
    const statements = rows(result.data, 'statements');
    expect(statements.length).toBeGreaterThan(0);
    expect(statements.filter((r) => r['datname'] === null || r['datname'] === undefined)).toEqual([]);
    expect(statements.some((r) => typeof r['query'] === 'string' && r['query'].includes('dropped_probe'))).toBe(false);
  });

  it('shows a statement executed N times as +N calls in the next delta', async () => {
    const collector = fx.collector();
    const isProbe = (row: Record<string, unknown>) =>
      row['datname'] === fx.database && typeof row['query'] === 'string' && /FROM calls_probe WHERE id = \$1/.test(row['query']);

    // Executed once before the baseline, so the delta is computed against an existing row, not a new one.
    await admin.query('SELECT v FROM calls_probe WHERE id = 10');
    const first = await collector.collect('workload', signal());
    expect(first.errors).toEqual([]);
    expect(rows(first.data, 'statements').find(isProbe)?.['calls']).toBe(1);
    const baseline = diffSince(undefined, first.data, first.counters ?? {});

    const N = 7;
    // Different constants, one normalized statement: pg_stat_statements counts them under one queryid at once.
    // pg_stat_database is fed by each backend's pending statistics, which an idle backend flushes only every 10 s
    // (PGSTAT_IDLE_INTERVAL) or when it exits: the workload runs on its own session, closed afterwards.
    const app = await fx.admin();
    for (let i = 1; i <= N; i++) await app.query(`SELECT v FROM calls_probe WHERE id = ${i}`);
    await app.end();

    const { second, delta } = await eventually(async () => {
      const second = await collector.collect('workload', signal());
      const delta = diffSince(baseline.next, second.data, second.counters ?? {});
      const db = rows(delta.data, 'database_stats').find((r) => r['datname'] === fx.database);
      return Number(db?.['xact_commit']) >= N ? { second, delta } : undefined;
    });
    const probe = rows(delta.data, 'statements').find(isProbe);
    expect(probe).toBeDefined();
    expect(probe!['newRow']).toBeUndefined();
    expect(probe!['calls']).toBe(N);
    expect(probe!['rows']).toBe(N);
    expect(probe!['query']).toBe('SELECT v FROM calls_probe WHERE id = $1');
    expect(probe!['queryid']).toMatch(/^-?\d+$/);

    const db = rows(delta.data, 'database_stats').find((r) => r['datname'] === fx.database)!;
    expect(db['xact_commit']).toBeGreaterThanOrEqual(N);
    expect(second.counters?.['database_stats']).toMatchObject({ key: ['datname'] });
    expect(second.counters?.['statements']?.counters).toEqual(expect.arrayContaining(['calls', 'total_exec_time', 'shared_blks_hit']));
    expect(second.data['checkpointer']).toHaveProperty('num_timed');
    expect(second.data['wal']).toHaveProperty('wal_bytes');
  });

  it('sends no statement text with query_text off, and the counters still', async () => {
    await admin.query('SELECT v FROM calls_probe WHERE id = 1');
    const result = await fx.collector({ queryText: 'off' }).collect('workload', signal());
    const own = rows(result.data, 'statements').filter((r) => r['datname'] === fx.database);
    expect(own.length).toBeGreaterThan(0);
    expect(own.every((r) => r['query'] === null && typeof r['calls'] === 'number')).toBe(true);
  });
});

describe('PostgreSQL workload collection without pg_stat_statements', () => {
  let fx: PgFixture;
  beforeAll(async () => {
    fx = await createPgFixture({ extension: false });
  });
  afterAll(async () => fx?.cleanup());
  // The setup file caps the role at 5 connections: each test's collectors give theirs back.
  afterEach(async () => fx?.closeCollectors());

  it('reports an error entry with the fix and still sends the other sections', async () => {
    const result = await fx.collector().collect('workload', signal());
    expect(result.errors).toContainEqual(
      expect.objectContaining({ collector: 'statements', code: 'missing_extension', fix: 'CREATE EXTENSION pg_stat_statements;' }),
    );
    expect(result.errors[0]!.message).toMatch(/shared_preload_libraries/);
    expect(result.data['statements']).toBeUndefined();
    expect(rows(result.data, 'database_stats').map((r) => r['datname'])).toContain(fx.database);
  });

  it('fails the extension check with the CREATE EXTENSION fix', async () => {
    const checks = await fx.collector().check();
    expect(checks).toContainEqual(
      expect.objectContaining({ check: 'extension:pg_stat_statements', ok: false, fix: 'CREATE EXTENSION IF NOT EXISTS pg_stat_statements;' }),
    );
    // The library is preloaded on the test server: only the per-database extension is missing.
    expect(checks).toContainEqual(expect.objectContaining({ check: 'preload:pg_stat_statements', ok: true }));
  });
});
