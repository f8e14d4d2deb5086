// Issue 17 proof: conditions induced on the real test services (PostgreSQL 15, MariaDB 10.11, Redis 7), collected by
// the real agent collectors with the documented least-privilege monitoring users, stored through the real ingest
// activity, found by a health report, and reported fixed by the next report once repaired. Healthy control databases
// yield no schema or maintenance finding about their objects.
import Redis from 'ioredis';
import mysql from 'mysql2/promise';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { setupMysql, setupPostgres, setupRedis, startMongoWireServer, type MongoWireServer, type MonitoredService } from '@logstag/agent/testing';
import { openStore, putHealthRuleSetting, type Store } from '@logstag/store';
import { createTestDatabase, type TestDatabase } from '@logstag/store/testing';
import { HealthHarness, tag, targetSpec } from './health-harness';

const PG_ADMIN = process.env.LOGSTAG_TEST_PG_URL ?? 'postgres://postgres:logstag-test@127.0.0.1:55432/postgres';
const MYSQL_ADMIN = new URL(process.env.LOGSTAG_TEST_MYSQL_URL ?? 'mysql://logstag_admin:logstag-test@127.0.0.1:53306/');
const REDIS_URL = new URL(process.env.LOGSTAG_TEST_REDIS_URL ?? 'redis://127.0.0.1:56379');

let tdb: TestDatabase;
let store: Store;
beforeAll(async () => {
  tdb = await createTestDatabase('logstag_health');
  store = await openStore({ databaseUrl: tdb.url, poolSize: 4 });
});
afterAll(async () => {
  await store?.close();
  await tdb?.drop();
});

const SCHEMA_OR_MAINTENANCE = new Set(['schema', 'maintenance']);

describe('PostgreSQL 15: induced, found, fixed', () => {
  let svc: MonitoredService & { databases: string[] };
  let h: HealthHarness;
  const superuser = `lt_health_su_${tag()}`;
  const pgAt = (database: string) => {
    const u = new URL(PG_ADMIN);
    u.pathname = `/${database}`;
    return u.toString();
  };
  async function sql(database: string, ...statements: string[]): Promise<void> {
    const c = new pg.Client({ connectionString: pgAt(database) });
    await c.connect();
    try {
      for (const s of statements) await c.query(s);
    } finally {
      await c.end();
    }
  }
  beforeAll(async () => {
    svc = await setupPostgres(2, 'lt_health');
    h = new HealthHarness(store, 'org-health-pg');
  }, 30_000);
  afterAll(async () => {
    await h?.close();
    await sql('postgres', `DROP ROLE IF EXISTS ${superuser}`).catch(() => undefined);
    await svc?.cleanup();
  });

  const spec = (database: string) =>
    targetSpec({ name: database, engine: 'postgresql', host: svc.host, port: svc.port, user: svc.user, password: svc.password, database, databases: { include: [database], exclude: [] } });

  it('finds each induced condition, the next report after the fix says fixed, and the control database has none', async () => {
    const [bad, good] = svc.databases as [string, string];
    await sql(
      bad,
      'CREATE TABLE events_nopk (at timestamptz, kind text)',
      'CREATE TABLE customers (id bigint PRIMARY KEY)',
      'CREATE TABLE purchases (id bigint PRIMARY KEY, customer_id bigint REFERENCES customers (id))',
      'ALTER TABLE purchases ADD CONSTRAINT purchases_id_positive CHECK (id > 0) NOT VALID',
      'CREATE UNLOGGED TABLE scratch (id int PRIMARY KEY)',
      'CREATE TABLE legacy (id serial PRIMARY KEY)',
      'CREATE INDEX customers_id_dup ON customers (id)',
      'CREATE TABLE hot (id bigint PRIMARY KEY, v int) WITH (autovacuum_enabled = false)',
      'INSERT INTO hot SELECT g, g FROM generate_series(1, 15000) g',
      'DELETE FROM hot WHERE id > 2000',
      'CREATE TABLE dupvals (v int)',
      'INSERT INTO dupvals VALUES (1), (1)',
      'GRANT CREATE ON SCHEMA public TO PUBLIC',
      'CREATE SEQUENCE seq_near MAXVALUE 100',
      "SELECT setval('seq_near', 95)",
    );
    // A failed CREATE INDEX CONCURRENTLY leaves an invalid index behind.
    await sql(bad, 'CREATE UNIQUE INDEX CONCURRENTLY dupvals_v ON dupvals (v)').catch(() => undefined);
    await sql('postgres', `CREATE ROLE ${superuser} LOGIN SUPERUSER`);
    await sql(good, 'CREATE TABLE customers (id bigint PRIMARY KEY)', 'CREATE TABLE purchases (id bigint PRIMARY KEY, customer_id bigint REFERENCES customers (id))', 'CREATE INDEX ON purchases (customer_id)');

    // Transient activity: a session idle in transaction holding a lock another session waits for, seen by a runtime snapshot.
    await putHealthRuleSetting(store.db, h.organizationId, 'pg.performance.idle-in-transaction', { enabled: true, thresholds: { seconds: 5 } }, 'test');
    await putHealthRuleSetting(store.db, h.organizationId, 'pg.performance.blocked-sessions', { enabled: true, thresholds: { seconds: 5 } }, 'test');
    await putHealthRuleSetting(store.db, h.organizationId, 'pg.maintenance.session-xmin', { enabled: true, thresholds: { transactionSeconds: 5, xminAge: 10_000_000 } }, 'test');
    const holder = new pg.Client({ connectionString: pgAt(bad) });
    const waiter = new pg.Client({ connectionString: pgAt(bad) });
    await holder.connect();
    await waiter.connect();
    await holder.query('BEGIN');
    await holder.query('LOCK TABLE scratch IN ACCESS EXCLUSIVE MODE');
    const waiting = waiter.query('SELECT count(*) FROM scratch').catch(() => undefined);
    // The store keeps sessions of 5 s and more for health rules (HEALTH_MIN_SESSION_SECONDS).
    await new Promise((r) => setTimeout(r, 6_000));
    await h.collect(spec(bad), ['runtime']);
    await holder.query('ROLLBACK');
    await waiting;
    await holder.end();
    await waiter.end();
    // Catalog reads wait on the lock (and time out): the configuration and schema are collected once it is gone.
    await h.collect(spec(bad), ['operational', 'schema']);
    await h.collect(spec(good), ['runtime', 'operational', 'schema']);

    // Without SELECT on the sequences (pg_monitor lacks it) their headroom is unknown: skipped, with the privilege named.
    const unread = await h.report(bad);
    expect(unread.result('pg.maintenance.sequence-exhaustion')).toMatchObject({ status: 'skipped', reason: expect.stringContaining('SELECT on') });
    // The setup file's optional grant, then the schema again.
    await sql(bad, `GRANT SELECT ON ALL SEQUENCES IN SCHEMA public TO ${svc.user}`);
    await h.collect(spec(bad), ['schema']);

    const first = await h.report(bad);
    const q = (name: string) => `${bad}.public.${name}`;
    expect(first.findings('pg.schema.no-primary-key').sort()).toEqual([q('dupvals'), q('events_nopk')]);
    expect(first.findings('pg.schema.fk-without-index')).toEqual([q('purchases.purchases_customer_id_fkey')]);
    expect(first.findings('pg.schema.not-valid-constraint')).toEqual([q('purchases.purchases_id_positive')]);
    expect(first.findings('pg.schema.unlogged-table')).toEqual([q('scratch')]);
    expect(first.findings('pg.schema.serial-integer')).toEqual([q('legacy.id')]);
    expect(first.findings('pg.performance.duplicate-index')).toEqual([q('customers_id_dup')]);
    expect(first.findings('pg.maintenance.invalid-index')).toEqual([q('dupvals_v')]);
    expect(first.findings('pg.maintenance.autovacuum-disabled-table')).toEqual([q('hot')]);
    expect(first.results.find((r) => r.ruleId === 'pg.maintenance.autovacuum-disabled-table')?.findings[0]?.severity).toBe('high');
    expect(first.findings('pg.maintenance.dead-tuples')).toEqual([q('hot')]);
    // Issue 14's stored maintenance times: 'hot' (15,000 rows written, autovacuum off) was never vacuumed nor analyzed.
    expect(first.findings('pg.maintenance.never-vacuumed')).toEqual([q('hot')]);
    expect(first.findings('pg.security.public-schema-create')).toEqual([`schema ${bad}.public`]);
    expect(first.findings('pg.security.login-superusers')).toContain(superuser);
    expect(first.findings('pg.performance.idle-in-transaction').length).toBeGreaterThanOrEqual(1);
    expect(first.findings('pg.performance.blocked-sessions').length).toBeGreaterThanOrEqual(1);
    // Issue 14's stored sequence headroom and transaction age.
    expect(first.findings('pg.maintenance.sequence-exhaustion')).toEqual([q('seq_near')]);
    expect(first.findings('pg.maintenance.session-xmin').length).toBeGreaterThanOrEqual(1);
    expect(first.diff.filter((d) => d.state === 'new').map((d) => d.ruleId)).toContain('pg.maintenance.sequence-exhaustion');

    // The control database: the same catalog, nothing about its own objects in schema or maintenance.
    const control = await h.report(good);
    const aboutControl = control.results.filter((r) => SCHEMA_OR_MAINTENANCE.has(r.category)).flatMap((r) => r.findings.map((f) => `${r.ruleId} ${f.object}`)).filter((x) => x.includes(good));
    expect(aboutControl).toEqual([]);
    expect(control.result('pg.schema.fk-without-index')?.status).toBe('pass');
    expect(control.result('pg.schema.no-primary-key')?.status).toBe('pass');

    // The fix, then the next report.
    await sql(
      bad,
      'ALTER TABLE events_nopk ADD COLUMN id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY',
      'CREATE INDEX ON purchases (customer_id)',
      'ALTER TABLE purchases VALIDATE CONSTRAINT purchases_id_positive',
      'ALTER TABLE scratch SET LOGGED',
      'ALTER TABLE legacy ALTER COLUMN id TYPE bigint',
      'DROP INDEX customers_id_dup',
      'DROP INDEX dupvals_v',
      'ALTER TABLE dupvals ADD COLUMN id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY',
      'ALTER TABLE hot RESET (autovacuum_enabled)',
      'VACUUM (ANALYZE) hot',
      'REVOKE CREATE ON SCHEMA public FROM PUBLIC',
      'ALTER SEQUENCE seq_near MAXVALUE 1000000',
      // The identity columns added above made new sequences: the monitoring role reads them too.
      `GRANT SELECT ON ALL SEQUENCES IN SCHEMA public TO ${svc.user}`,
    );
    await sql('postgres', `DROP ROLE ${superuser}`);
    await h.collect(spec(bad), ['runtime', 'operational', 'schema']);
    const second = await h.report(bad);
    for (const [rule, object] of [
      ['pg.schema.no-primary-key', q('events_nopk')],
      ['pg.schema.no-primary-key', q('dupvals')],
      ['pg.schema.fk-without-index', q('purchases.purchases_customer_id_fkey')],
      ['pg.schema.not-valid-constraint', q('purchases.purchases_id_positive')],
      ['pg.schema.unlogged-table', q('scratch')],
      ['pg.schema.serial-integer', q('legacy.id')],
      ['pg.performance.duplicate-index', q('customers_id_dup')],
      ['pg.maintenance.invalid-index', q('dupvals_v')],
      ['pg.maintenance.autovacuum-disabled-table', q('hot')],
      ['pg.maintenance.dead-tuples', q('hot')],
      ['pg.maintenance.never-vacuumed', q('hot')],
      ['pg.security.public-schema-create', `schema ${bad}.public`],
      ['pg.security.login-superusers', superuser],
      ['pg.maintenance.sequence-exhaustion', q('seq_near')],
    ] as const) {
      expect(second.state(rule, object), `${rule} ${object}`).toBe('fixed');
      expect(second.findings(rule)).not.toContain(object);
    }
    expect(second.diff.find((d) => d.state === 'fixed')?.timeToFixSeconds).toBeGreaterThanOrEqual(0);
    expect(second.row.score!).toBeGreaterThan(first.row.score!);
    expect(second.row.previous_id).toBe(first.row.id);
  }, 60_000);
});

describe('MariaDB 10.11: induced, found, fixed', () => {
  let svc: MonitoredService & { schemas: string[] };
  let h: HealthHarness;
  const app = `lt_health_app_${tag()}`;
  const admin = () => mysql.createConnection({ host: MYSQL_ADMIN.hostname, port: Number(MYSQL_ADMIN.port), user: decodeURIComponent(MYSQL_ADMIN.username), password: decodeURIComponent(MYSQL_ADMIN.password) });
  async function run(...statements: string[]): Promise<void> {
    const c = await admin();
    try {
      for (const s of statements) await c.query(s);
    } finally {
      await c.end();
    }
  }
  beforeAll(async () => {
    svc = await setupMysql(2, 'lt_health');
    h = new HealthHarness(store, 'org-health-mysql');
  }, 30_000);
  afterAll(async () => {
    await h?.close();
    await run(`DROP USER IF EXISTS '${app}'@'%'`).catch(() => undefined);
    await svc?.cleanup();
  });
  const spec = (schema: string) => targetSpec({ name: schema, engine: 'mysql', host: svc.host, port: svc.port, user: svc.user, password: svc.password, databases: { include: [schema], exclude: [] } });

  it('finds each induced condition, the next report after the fix says fixed, and the control schema has none', async () => {
    const [bad, good] = svc.schemas as [string, string];
    await run(
      `CREATE TABLE ${bad}.legacy (id INT PRIMARY KEY) ENGINE=MyISAM`,
      `ALTER TABLE ${bad}.orders ADD INDEX cust_dup (customer)`,
      `ALTER TABLE ${bad}.orders ADD INDEX cust_total (customer, total)`,
      `CREATE USER '${app}'@'%' IDENTIFIED BY 'pw-${tag()}'`,
      `GRANT ALL PRIVILEGES ON *.* TO '${app}'@'%'`,
      `CREATE TABLE ${bad}.tiny (id TINYINT AUTO_INCREMENT PRIMARY KEY) ENGINE=InnoDB AUTO_INCREMENT=120`,
      `DROP TABLE ${good}.events_nopk`,
      // The control schema is healthy: utf8mb4 (the test server's default character set is latin1).
      `ALTER TABLE ${good}.orders CONVERT TO CHARACTER SET utf8mb4`,
    );
    await h.collect(spec(bad), ['runtime', 'operational', 'schema']);
    await h.collect(spec(good), ['runtime', 'operational', 'schema']);

    const first = await h.report(bad);
    expect(first.findings('mysql.schema.no-primary-key')).toEqual([`${bad}.events_nopk`]);
    expect(first.findings('mysql.schema.non-innodb')).toEqual([`${bad}.legacy`]);
    const dup = first.findings('mysql.schema.duplicate-index');
    expect(dup).toHaveLength(1);
    expect([`${bad}.orders.customer`, `${bad}.orders.cust_dup`]).toContain(dup[0]);
    expect(first.findings('mysql.schema.redundant-index').sort()).toEqual([`${bad}.orders.cust_dup`, `${bad}.orders.customer`]);
    expect(first.findings('mysql.security.wildcard-host')).toContain(`${app}@%`);
    expect(first.findings('mysql.security.all-privileges')).toContain(`${app}@%`);
    expect(first.findings('mysql.schema.auto-increment-headroom')).toEqual([`${bad}.tiny`]);

    const control = await h.report(good);
    const aboutControl = control.results.filter((r) => SCHEMA_OR_MAINTENANCE.has(r.category)).flatMap((r) => r.findings.map((f) => `${r.ruleId} ${f.object}`)).filter((x) => x.includes(good));
    expect(aboutControl).toEqual([]);
    expect(control.result('mysql.schema.no-primary-key')?.status).toBe('pass');

    await run(
      `ALTER TABLE ${bad}.events_nopk ADD COLUMN id INT AUTO_INCREMENT PRIMARY KEY`,
      `ALTER TABLE ${bad}.legacy ENGINE=InnoDB`,
      `ALTER TABLE ${bad}.orders DROP INDEX cust_dup, DROP INDEX cust_total`,
      `DROP USER '${app}'@'%'`,
      `ALTER TABLE ${bad}.tiny MODIFY id INT AUTO_INCREMENT`,
    );
    await h.collect(spec(bad), ['operational', 'schema']);
    const second = await h.report(bad);
    expect(second.state('mysql.schema.no-primary-key', `${bad}.events_nopk`)).toBe('fixed');
    expect(second.state('mysql.schema.non-innodb', `${bad}.legacy`)).toBe('fixed');
    expect(second.state('mysql.schema.duplicate-index', dup[0]!)).toBe('fixed');
    expect(second.state('mysql.schema.redundant-index', `${bad}.orders.customer`)).toBe('fixed');
    expect(second.state('mysql.security.wildcard-host', `${app}@%`)).toBe('fixed');
    expect(second.state('mysql.security.all-privileges', `${app}@%`)).toBe('fixed');
    expect(second.state('mysql.schema.auto-increment-headroom', `${bad}.tiny`)).toBe('fixed');
  }, 60_000);
});

describe('Redis 7: induced, found, skipped without the privilege, fixed', () => {
  let svc: MonitoredService & { keyPrefix: string };
  let h: HealthHarness;
  let admin: Redis;
  const app = `lt_health_app_${tag()}`;
  beforeAll(async () => {
    svc = await setupRedis([0], 'lthealth');
    admin = new Redis({ host: REDIS_URL.hostname, port: Number(REDIS_URL.port) });
    h = new HealthHarness(store, 'org-health-redis');
  });
  afterAll(async () => {
    await h?.close();
    await admin?.call('ACL', 'DELUSER', app).catch(() => undefined);
    admin?.disconnect();
    await svc?.cleanup();
  });
  const spec = () => targetSpec({ name: `redis-${svc.user}`, engine: 'redis', host: svc.host, port: svc.port, user: svc.user, password: svc.password, database: '0', databases: { include: ['db0'], exclude: [] } });

  it('finds an application user allowed every command, skips access rules while ACL LIST is denied (never "fixed"), and reports the fix', async () => {
    await admin.call('ACL', 'SETUSER', app, 'on', `>pw-${tag()}`, '~*', '+@all');
    await h.collect(spec(), ['runtime', 'operational', 'schema']);
    const targetId = spec().name;
    const first = await h.report(targetId);
    expect(first.findings('redis.security.dangerous-commands')).toContain(app);

    // The monitoring user loses ACL LIST: the access rules cannot run and say why; their findings are not "fixed".
    await admin.call('ACL', 'SETUSER', svc.user, '-acl|list');
    await h.collect(spec(), ['operational']);
    const denied = await h.report(targetId);
    expect(denied.result('redis.security.dangerous-commands')).toMatchObject({ status: 'skipped', reason: expect.stringMatching(/collector acl_users failed on this target: .*NOPERM/i) });
    expect(denied.result('redis.security.default-user-nopass')?.status).toBe('skipped');
    expect(denied.state('redis.security.dangerous-commands', app)).toBeNull();

    await admin.call('ACL', 'SETUSER', svc.user, '+acl|list');
    await admin.call('ACL', 'DELUSER', app);
    await h.collect(spec(), ['operational']);
    const fixed = await h.report(targetId);
    expect(fixed.findings('redis.security.dangerous-commands')).not.toContain(app);
    expect(fixed.state('redis.security.dangerous-commands', app)).toBe('fixed');
  }, 60_000);
});

describe('MongoDB rules on the recorded-replies wire server (replica set primary)', () => {
  let mongo: MongoWireServer;
  let h: HealthHarness;
  beforeAll(async () => {
    mongo = await startMongoWireServer({ topology: 'replset-primary' });
    h = new HealthHarness(store, 'org-health-mongo');
  });
  afterAll(async () => {
    await h?.close();
    await mongo?.close();
  });

  it('collects through the real MongoDB collector and reports findings, passes and skips from the recorded replies', async () => {
    const spec = targetSpec({ name: 'mongo-recorded', engine: 'mongodb', host: mongo.host, port: mongo.port });
    await h.collect(spec, ['runtime', 'operational', 'schema']);
    const report = await h.report('mongo-recorded');
    const ran = report.results.filter((r) => r.status !== 'skipped');
    expect(ran.length).toBeGreaterThanOrEqual(10);
    // The recorded replica set has a PRIMARY, so no "no primary" finding; recorded indexes give the index rules data.
    expect(report.result('mongodb.performance.no-primary')?.status).toBe('pass');
    for (const r of report.results.filter((x) => x.status === 'skipped')) expect(r.reason, r.ruleId).toMatch(/\w{3,}/);
    expect(report.results.map((r) => r.ruleId)).toContain('mongodb.security.authorization-disabled');
    // The recorded getCmdLineOpts binds to '*' without TLS; the recorded oplog is 16 MB.
    expect(report.findings('mongodb.security.bind-all')).toEqual(['net.bindIp']);
    expect(report.findings('mongodb.security.tls-disabled')).toEqual(['net.tls.mode']);
    expect(report.findings('mongodb.config.oplog-small')).toEqual(['oplog']);
    // The recorded server has no usersInfo: the user rules say so instead of passing.
    expect(report.result('mongodb.security.root-users')).toMatchObject({ status: 'skipped', reason: expect.stringContaining("no such command: 'usersInfo'") });
  }, 60_000);
});
