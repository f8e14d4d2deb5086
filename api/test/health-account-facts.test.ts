// Issue 14's account facts, collected by the real agent with the documented least-privilege users, stored, and used by
// health rules (issue 17), on the real test services: MariaDB accounts' password and WITH GRANT OPTION (through the
// setup file's logstag.mariadb_accounts view, never the hash), PostgreSQL roles' password encryption where pg_authid
// is readable (a superuser monitoring user) and "not readable" for the pg_monitor user, Redis ACL users with nopass
// and "not readable" when ACL LIST is refused.
import Redis from 'ioredis';
import mysql from 'mysql2/promise';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { setupMysql, setupPostgres, setupRedis, type MonitoredService } from '@logstag/agent/testing';
import { latestSnapshot, openStore, type Store } from '@logstag/store';
import { createTestDatabase, type TestDatabase } from '@logstag/store/testing';
import { HealthHarness, tag, targetSpec } from './health-harness';

const PG_ADMIN = new URL(process.env.LOGSTAG_TEST_PG_URL ?? 'postgres://postgres:logstag-test@127.0.0.1:55432/postgres');
const MYSQL_ADMIN = new URL(process.env.LOGSTAG_TEST_MYSQL_URL ?? 'mysql://logstag_admin:logstag-test@127.0.0.1:53306/');
const REDIS_URL = new URL(process.env.LOGSTAG_TEST_REDIS_URL ?? 'redis://127.0.0.1:56379');

let tdb: TestDatabase;
let store: Store;
beforeAll(async () => {
  tdb = await createTestDatabase('logstag_account_facts');
  store = await openStore({ databaseUrl: tdb.url, poolSize: 4 });
});
afterAll(async () => {
  await store?.close();
  await tdb?.drop();
});

/** The latest stored access snapshot's items of a target, by name. */
async function accessItems(organizationId: string, targetId: string): Promise<Map<string, { type: string; def: Record<string, unknown> }>> {
  const row = await latestSnapshot(store.db, organizationId, targetId, 'access');
  const items = Object.values((row?.items ?? {}) as Record<string, { type: string; name: string; def: Record<string, unknown> }>);
  return new Map(items.map((i) => [i.name, i]));
}

describe('MariaDB 10.11: whether an account has a password, and WITH GRANT OPTION', () => {
  let svc: MonitoredService & { schemas: string[] };
  let h: HealthHarness;
  const id = tag();
  const nopw = `lt_nopw_${id}`;
  const granter = `lt_granter_${id}`;
  const run = async (...statements: string[]) => {
    const c = await mysql.createConnection({ host: MYSQL_ADMIN.hostname, port: Number(MYSQL_ADMIN.port), user: decodeURIComponent(MYSQL_ADMIN.username), password: decodeURIComponent(MYSQL_ADMIN.password) });
    try {
      for (const s of statements) await c.query(s);
    } finally {
      await c.end();
    }
  };
  beforeAll(async () => {
    svc = await setupMysql(1, 'lt_facts');
    h = new HealthHarness(store, 'org-facts-mysql');
  }, 30_000);
  afterAll(async () => {
    await h?.close();
    await run(`DROP USER IF EXISTS '${nopw}'@'localhost'`, `DROP USER IF EXISTS '${granter}'@'%'`).catch(() => undefined);
    await svc?.cleanup();
  });

  it('stores both facts without the hash, finds the account without a password and the grant option, then the fix', async () => {
    const [schema] = svc.schemas as [string];
    await run(`CREATE USER '${nopw}'@'localhost'`, `CREATE USER '${granter}'@'%' IDENTIFIED BY 'pw-${tag()}'`, `GRANT SELECT ON ${schema}.* TO '${granter}'@'%' WITH GRANT OPTION`);
    const spec = targetSpec({ name: schema, engine: 'mysql', host: svc.host, port: svc.port, user: svc.user, password: svc.password, databases: { include: [schema], exclude: [] } });
    await h.collect(spec, ['operational']);

    const items = await accessItems(h.organizationId, schema);
    expect(items.get(`${nopw}@localhost`)?.def).toMatchObject({ hasPassword: false, grantOption: false });
    expect(items.get(`${granter}@%`)?.def).toMatchObject({ hasPassword: true, grantOption: false });
    expect(items.get(`${svc.user}@%`)?.def).toMatchObject({ hasPassword: true });
    expect(items.get(`${granter}@% on ${schema}.*`)?.def.privileges).toContain('GRANT');
    // Only the fact: nothing that looks like a hash is stored.
    expect(JSON.stringify([...items.values()])).not.toMatch(/\*[0-9A-F]{40}/);

    const first = await h.report(schema);
    expect(first.findings('mysql.security.empty-password')).toContain(`${nopw}@localhost`);
    expect(first.findings('mysql.security.empty-password')).not.toContain(`${granter}@%`);
    expect(first.findings('mysql.security.grant-option')).toContain(`${granter}@%`);

    await run(`ALTER USER '${nopw}'@'localhost' IDENTIFIED BY 'pw-${tag()}'`, `REVOKE GRANT OPTION ON ${schema}.* FROM '${granter}'@'%'`);
    await h.collect(spec, ['operational']);
    const second = await h.report(schema);
    expect(second.state('mysql.security.empty-password', `${nopw}@localhost`)).toBe('fixed');
    expect(second.state('mysql.security.grant-option', `${granter}@%`)).toBe('fixed');
  }, 60_000);
});

describe('PostgreSQL 15: roles’ password encryption, readable only with pg_authid', () => {
  let svc: MonitoredService & { databases: string[] };
  let h: HealthHarness;
  const md5Role = `lt_md5_${tag()}`;
  async function sql(...statements: string[]): Promise<void> {
    const c = new pg.Client({ connectionString: PG_ADMIN.toString() });
    await c.connect();
    try {
      for (const s of statements) await c.query(s);
    } finally {
      await c.end();
    }
  }
  beforeAll(async () => {
    svc = await setupPostgres(1, 'lt_facts');
    h = new HealthHarness(store, 'org-facts-pg');
  }, 30_000);
  afterAll(async () => {
    await h?.close();
    await sql(`DROP ROLE IF EXISTS ${md5Role}`).catch(() => undefined);
    await svc?.cleanup();
  });

  it('says "not readable" for the least-privilege user, and finds an MD5 password with a superuser monitoring user', async () => {
    const [database] = svc.databases as [string];
    await sql(`SET password_encryption = 'md5'`, `CREATE ROLE ${md5Role} LOGIN PASSWORD 'pw-${tag()}'`);
    const spec = (name: string, user: string, password: string) =>
      targetSpec({ name, engine: 'postgresql', host: svc.host, port: svc.port, user, password, database, databases: { include: [database], exclude: [] } });

    // The documented monitoring role (pg_monitor) cannot read pg_authid.
    const least = spec(`${database}-least`, svc.user, svc.password);
    await h.collect(least, ['operational']);
    const leastItems = await accessItems(h.organizationId, least.name);
    expect(leastItems.get(md5Role)?.def).toMatchObject({ password_readable: false, password_set: null, password_encryption: null });
    const unread = await h.report(least.name);
    expect(unread.result('pg.security.role-password-hash')).toMatchObject({ status: 'skipped', reason: expect.stringMatching(/^not readable: .*pg_authid.*superuser/) });

    // A superuser as monitoring user can: the facts come derived, never the hash.
    const su = spec(`${database}-su`, decodeURIComponent(PG_ADMIN.username), decodeURIComponent(PG_ADMIN.password));
    await h.collect(su, ['operational']);
    const suItems = await accessItems(h.organizationId, su.name);
    expect(suItems.get(md5Role)?.def).toMatchObject({ password_readable: true, password_set: true, password_encryption: 'md5' });
    expect(suItems.get(svc.user)?.def).toMatchObject({ password_readable: true, password_set: true, password_encryption: 'scram-sha-256' });
    expect(JSON.stringify([...suItems.values()])).not.toMatch(/SCRAM-SHA-256\$|md5[0-9a-f]{32}/);
    const found = await h.report(su.name);
    expect(found.findings('pg.security.role-password-hash')).toContain(md5Role);
    expect(found.findings('pg.security.role-password-hash')).not.toContain(svc.user);

    await sql(`SET password_encryption = 'scram-sha-256'`, `ALTER ROLE ${md5Role} PASSWORD 'pw-${tag()}'`);
    await h.collect(su, ['operational']);
    const fixed = await h.report(su.name);
    expect(fixed.state('pg.security.role-password-hash', md5Role)).toBe('fixed');
  }, 60_000);
});

describe('Redis 7: ACL users with nopass; "not readable" when ACL LIST is refused', () => {
  let svc: MonitoredService & { keyPrefix: string };
  let h: HealthHarness;
  let admin: Redis;
  const app = `lt_nopass_${tag()}`;
  beforeAll(async () => {
    svc = await setupRedis([0], 'ltfacts');
    admin = new Redis({ host: REDIS_URL.hostname, port: Number(REDIS_URL.port) });
    h = new HealthHarness(store, 'org-facts-redis');
  });
  afterAll(async () => {
    await h?.close();
    await admin?.call('ACL', 'DELUSER', app).catch(() => undefined);
    admin?.disconnect();
    await svc?.cleanup();
  });

  it('finds the nopass user, says why it cannot tell while ACL LIST is refused, and reports the fix', async () => {
    const spec = targetSpec({ name: `redis-${svc.user}`, engine: 'redis', host: svc.host, port: svc.port, user: svc.user, password: svc.password, database: '0', databases: { include: ['db0'], exclude: [] } });
    await admin.call('ACL', 'SETUSER', app, 'on', 'nopass', '~app:*', '-@all', '+get');
    await h.collect(spec, ['operational']);
    expect((await accessItems(h.organizationId, spec.name)).get(app)?.def).toMatchObject({ enabled: true, noPassword: true });
    const first = await h.report(spec.name);
    expect(first.findings('redis.security.users-nopass')).toContain(app);

    await admin.call('ACL', 'SETUSER', svc.user, '-acl|list');
    await h.collect(spec, ['operational']);
    const denied = await accessItems(h.organizationId, spec.name);
    expect(denied.get('ACL users')).toMatchObject({ type: 'unreadable', def: { reason: expect.stringContaining('refused') } });
    const refused = await h.report(spec.name);
    expect(refused.result('redis.security.users-nopass')).toMatchObject({ status: 'skipped', reason: expect.stringMatching(/acl_users failed on this target: .*NOPERM/i) });
    expect(refused.state('redis.security.users-nopass', app)).toBeNull();

    await admin.call('ACL', 'SETUSER', svc.user, '+acl|list');
    await admin.call('ACL', 'SETUSER', app, 'resetpass', `>pw-${tag()}`);
    await h.collect(spec, ['operational']);
    const fixed = await h.report(spec.name);
    expect(fixed.state('redis.security.users-nopass', app)).toBe('fixed');
  }, 60_000);
});
