import { randomBytes } from 'node:crypto';
import mysql from 'mysql2/promise';
import type { Connection, RowDataPacket } from 'mysql2/promise';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { CATEGORIES } from '@logstag/schema/core';
import { diffSince } from '../../state/diff';
import type { CheckResult, EngineCollector, QueryTextMode, TargetSpec } from '../types';
import { createMysqlCollector } from './index';
import type { DigestRow } from './digests';
import type { IndexRow } from './indexes';
import type { LockWaitRow } from './lock-waits';
import type { SessionRow } from './sessions';
import { unusedPort } from '../../../test/ports';
import { mysqlSetupStatements } from '../../../test/setup-files';
import { silentLogger, testTarget } from '../../../test/target-spec';

const url = new URL(process.env.LOGSTAG_TEST_MYSQL_URL ?? 'mysql://logstag_admin:logstag-test@127.0.0.1:53306/');
const suffix = randomBytes(4).toString('hex');
const schema = `lt_my_${suffix}`;
const monitorUser = `lt_mon_${suffix}`;
const noProcessUser = `lt_noproc_${suffix}`;
const password = `pw-${randomBytes(6).toString('hex')}`;

let admin: Connection;
const opened: EngineCollector[] = [];
const extraConnections: Connection[] = [];

function target(overrides: Partial<TargetSpec> = {}): TargetSpec {
  return testTarget({ name: `mariadb-${suffix}`, engine: 'mysql', host: url.hostname, port: Number(url.port), user: monitorUser, password, ...overrides });
}

function collector(overrides: Partial<TargetSpec> = {}): EngineCollector {
  const c = createMysqlCollector(target(overrides), silentLogger);
  opened.push(c);
  return c;
}

async function connectAdmin(): Promise<Connection> {
  const c = await mysql.createConnection({
    host: url.hostname,
    port: Number(url.port),
    user: decodeURIComponent(url.username),
    password: decodeURIComponent(url.password),
  });
  extraConnections.push(c);
  return c;
}

async function waitFor<T>(what: string, fn: () => Promise<T | undefined>, timeoutMs = 10_000): Promise<T> {
  const until = Date.now() + timeoutMs;
  for (;;) {
    const v = await fn();
    if (v !== undefined) return v;
    if (Date.now() > until) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 200));
  }
}

function byName(results: CheckResult[], check: string): CheckResult | undefined {
  return results.find((r) => r.check === check);
}

beforeAll(async () => {
  admin = await connectAdmin();
  await admin.query(`CREATE DATABASE ${schema}`);
  await admin.query(`CREATE TABLE ${schema}.accounts (id INT PRIMARY KEY, owner VARCHAR(64), balance INT) ENGINE=InnoDB`);
  await admin.query(`INSERT INTO ${schema}.accounts VALUES (1, 'a', 10), (2, 'b', 20), (3, 'c', 30)`);
  await admin.query(`CREATE TABLE ${schema}.events_nopk (at DATETIME, kind VARCHAR(16)) ENGINE=InnoDB`);
  for (const sql of mysqlSetupStatements(monitorUser, password)) await admin.query(sql);
  // The same setup without PROCESS: check() must name the missing GRANT.
  for (const sql of mysqlSetupStatements(noProcessUser, password)) await admin.query(sql);
  await admin.query(`REVOKE PROCESS ON *.* FROM '${noProcessUser}'@'%'`);
});

// The setup caps the monitoring user at 5 connections, as a real agent would need at most 2.
afterEach(async () => {
  for (const c of opened.splice(0)) await c.close();
});

afterAll(async () => {
  await admin.query(`DROP DATABASE IF EXISTS ${schema}`).catch(() => undefined);
  for (const u of [monitorUser, noProcessUser]) await admin.query(`DROP USER IF EXISTS '${u}'@'%'`).catch(() => undefined);
  // The logstag.mariadb_accounts view is the setup file's shared object (CREATE OR REPLACE): it is left in place.
  for (const c of extraConnections) await c.end().catch(() => undefined);
});

describe('MariaDB collector with the least-privilege user from agent/setup/mysql.sql', () => {
  it('passes every check', async () => {
    const results = await collector().check();
    expect(results.filter((r) => !r.ok)).toEqual([]);
    expect(byName(results, 'version')?.detail).toMatch(/MariaDB 10\./);
    expect(byName(results, 'privilege:PROCESS')?.ok).toBe(true);
  });

  it('runs every category without collector errors', async () => {
    const c = collector();
    for (const category of CATEGORIES) {
      const result = await c.collect(category, AbortSignal.timeout(30_000));
      expect(result.errors, category).toEqual([]);
    }
  });

  it('counts the statements of a collection and their round trips as its database time, session set-up apart', async () => {
    const c = collector();
    const first = await c.collect('runtime', AbortSignal.timeout(30_000));
    expect(first.timing?.connectMs).toBeGreaterThan(0);
    const second = await c.collect('runtime', AbortSignal.timeout(30_000));
    expect(second.timing?.connectMs).toBe(0);
    expect(second.timing?.queries).toBeGreaterThanOrEqual(4);
    expect(second.timing?.queryMs).toBeGreaterThan(0);
  });

  it('shows an induced InnoDB lock wait with the right blocker and waiter', async () => {
    const blocker = await connectAdmin();
    const waiter = await connectAdmin();
    const [[b]] = await blocker.query<RowDataPacket[]>('SELECT CONNECTION_ID() AS id');
    const [[w]] = await waiter.query<RowDataPacket[]>('SELECT CONNECTION_ID() AS id');
    await blocker.query('START TRANSACTION');
    await blocker.query(`UPDATE ${schema}.accounts SET balance = balance + 1 WHERE id = 2`);
    await waiter.query('SET SESSION innodb_lock_wait_timeout = 30');
    const waiting = waiter.query(`UPDATE ${schema}.accounts SET balance = balance - 1 WHERE id = 2`);
    const c = collector();
    try {
      const wait = await waitFor('the lock wait', async () => {
        const { data } = await c.collect('runtime', AbortSignal.timeout(10_000));
        return (data['lock_waits'] as LockWaitRow[]).find((l) => l.waitingThreadId === w!['id']);
      });
      expect(wait.blockingThreadId).toBe(b!['id']);
      expect(wait.waitingQuery).toBe(`UPDATE ${schema}.accounts SET balance = balance - ? WHERE id = ?`);
      expect(wait.lockTable).toContain('accounts');
      expect(wait.lockMode).toMatch(/X/);
    } finally {
      await blocker.query('ROLLBACK');
      await waiting;
    }
  });

  it('shows a long-running statement with its duration', async () => {
    const sleeper = await connectAdmin();
    const [[s]] = await sleeper.query<RowDataPacket[]>('SELECT CONNECTION_ID() AS id');
    const running = sleeper.query('SELECT SLEEP(3)');
    await new Promise((r) => setTimeout(r, 1500));
    const { data } = await collector().collect('runtime', AbortSignal.timeout(10_000));
    await running;
    const session = (data['sessions'] as SessionRow[]).find((x) => x.id === s!['id']);
    expect(session?.command).toBe('Query');
    expect(session?.timeSeconds).toBeGreaterThanOrEqual(1);
    expect(session?.timeMs).toBeGreaterThanOrEqual(1000);
    expect(session?.query).toBe('SELECT SLEEP(?)');
    expect(session?.user).toBe(decodeURIComponent(url.username));
  });

  it('sends the sessions of the target’s schemas and those without a default schema, not the others’', async () => {
    const other = `${schema}_other`;
    await admin.query(`CREATE DATABASE IF NOT EXISTS ${other}`);
    try {
      const ids = async (db: string | undefined) => {
        const c = await connectAdmin();
        if (db) await c.query(`USE ${db}`);
        const [[row]] = await c.query<RowDataPacket[]>('SELECT CONNECTION_ID() AS id');
        return Number(row!['id']);
      };
      const [inSchema, inOther, none] = [await ids(schema), await ids(other), await ids(undefined)];
      const sessions = async (include: string[]) =>
        ((await collector({ databases: { include, exclude: [] } }).collect('runtime', AbortSignal.timeout(10_000))).data['sessions'] as SessionRow[]).map((x) => x.id);
      const scoped = await sessions([schema]);
      expect(scoped).toContain(inSchema);
      expect(scoped).toContain(none);
      expect(scoped).not.toContain(inOther);
      // Every schema when none is listed: the filter above is what left the other schema's session out.
      expect(await sessions([])).toEqual(expect.arrayContaining([inSchema, inOther, none]));
    } finally {
      await admin.query(`DROP DATABASE IF EXISTS ${other}`);
    }
  });

  it('takes globs in the databases list for the catalog too, as PostgreSQL does', async () => {
    const tables = async (databases: { include: string[]; exclude: string[] }) =>
      ((await collector({ databases }).collect('schema', AbortSignal.timeout(30_000))).data['tables'] as Array<{ schema: string; name: string }>)
        .filter((t) => t.schema === schema)
        .map((t) => t.name)
        .sort();
    expect(await tables({ include: [`${schema.slice(0, -3)}*`], exclude: [] })).toEqual(['accounts', 'events_nopk']);
    expect(await tables({ include: [schema.replaceAll('_', '?')], exclude: [] })).toEqual(['accounts', 'events_nopk']);
    expect(await tables({ include: [`${schema.replaceAll('_', 'X')}*`], exclude: [] })).toEqual([]);
    expect(await tables({ include: [], exclude: [`${schema.slice(0, -3)}*`] })).toEqual([]);
    expect(await tables({ include: [schema], exclude: [] })).toEqual(['accounts', 'events_nopk']);
  });

  it('counts a statement executed N times as +N calls in the next workload delta', async () => {
    const c = collector();
    const first = await c.collect('workload', AbortSignal.timeout(10_000));
    const N = 7;
    for (let i = 0; i < N; i++) await admin.query(`SELECT owner FROM ${schema}.accounts WHERE id = ${i}`);
    const second = await c.collect('workload', AbortSignal.timeout(10_000));
    const prev = diffSince(undefined, first.data, first.counters ?? {}).next;
    const delta = diffSince(prev, second.data, second.counters ?? {});
    // MariaDB's digest text quotes identifiers and upper-cases words it takes for keywords.
    const row = (delta.data['statement_digests'] as DigestRow[]).find(
      (d) => d.schemaName === null && d.digestText?.includes(`\`${schema}\` . \`accounts\``) && d.digestText.startsWith('SELECT'),
    );
    expect(row?.digestText).toBe(`SELECT OWNER FROM \`${schema}\` . \`accounts\` WHERE ID = ?`);
    expect(row?.calls).toBe(N);
    expect((delta.data['global_status'] as Record<string, number>)['Com_select']).toBeGreaterThanOrEqual(N);
    // Gauges are their own section and are not diffed.
    expect((second.data['status_gauges'] as Record<string, number>)['Threads_connected']).toBeGreaterThan(0);
    expect(second.counters?.['status_gauges']).toBeUndefined();
  });

  it('shows a new index in the next schema collection and flags the table without a primary key', async () => {
    const c = collector();
    const before = await c.collect('schema', AbortSignal.timeout(30_000));
    const find = (data: Record<string, unknown>) =>
      (data['indexes'] as IndexRow[]).find((i) => i.schema === schema && i.name === 'accounts_owner_idx');
    expect(find(before.data)).toBeUndefined();
    await admin.query(`CREATE INDEX accounts_owner_idx ON ${schema}.accounts (owner, balance)`);
    const after = await c.collect('schema', AbortSignal.timeout(30_000));
    const idx = find(after.data);
    expect(idx?.table).toBe('accounts');
    expect(idx?.columns.map((col) => col.name)).toEqual(['owner', 'balance']);
    expect(idx?.unused).toBe(true);
    // Columns come from information_schema.COLUMNS, which shows them only to an account with a privilege on the table.
    const columns = (after.data['columns'] as { schema: string; table: string; name: string }[]).filter((col) => col.schema === schema && col.table === 'accounts');
    expect(columns.map((col) => col.name)).toEqual(expect.arrayContaining(['owner', 'balance']));
    const noPk = after.data['tables_without_primary_key'] as { schema: string; name: string }[];
    expect(noPk).toContainEqual({ schema, name: 'events_nopk', engine: 'InnoDB' });
    expect(noPk.find((t) => t.name === 'accounts' && t.schema === schema)).toBeUndefined();
    const schemas = after.data['schemas'] as { name: string }[];
    expect(schemas.map((s) => s.name)).toContain(schema);
    expect(schemas.map((s) => s.name)).not.toContain('mysql');
  });

  // Issue 14: the operational collection's cheap schema fingerprint changes with a new column and a new index.
  it('fingerprints each schema in the operational collection, changing with its columns and indexes', async () => {
    const c = collector();
    const fingerprint = async () =>
      ((await c.collect('operational', AbortSignal.timeout(10_000))).data['schema_fingerprint'] as Array<{ schema: string; items: number; digest: string }>).find((f) => f.schema === schema)!;
    const first = await fingerprint();
    expect(first.items).toBeGreaterThan(0);
    expect(await fingerprint()).toEqual(first);
    await admin.query(`ALTER TABLE ${schema}.events_nopk ADD COLUMN fp_note VARCHAR(10)`);
    const withColumn = await fingerprint();
    expect(withColumn.digest).not.toBe(first.digest);
    expect(withColumn.items).toBe(first.items + 1);
    await admin.query(`CREATE INDEX fp_note_idx ON ${schema}.events_nopk (fp_note)`);
    expect((await fingerprint()).digest).not.toBe(withColumn.digest);
  });

  it('reports accounts and grants without password hashes', async () => {
    const { data } = await collector().collect('operational', AbortSignal.timeout(10_000));
    const accounts = data['accounts'] as { user: string; plugin: string; globalPrivileges: string[] }[];
    const me = accounts.find((a) => a.user === monitorUser);
    expect(me?.plugin).toBe('mysql_native_password');
    expect(me?.globalPrivileges.sort()).toEqual(['PROCESS', 'REFERENCES', 'SLAVE MONITOR']);
    const json = JSON.stringify(data);
    expect((data['key_variables'] as Record<string, string>)['default_password_lifetime']).toBe('0');
    expect((data['omitted_variables'] as string[]).sort()).toEqual(['init_connect', 'init_slave', 'report_password', 'wsrep_sst_auth']);
    expect(json).not.toMatch(/\*[0-9A-F]{40}/);
    expect(json).not.toContain('authentication_string');
    const grants = data['grants'] as { user: string; level: string; database?: string; table?: string }[];
    expect(grants).toContainEqual(expect.objectContaining({ user: monitorUser, level: 'database', database: 'performance_schema' }));
    expect(grants).toContainEqual(expect.objectContaining({ user: monitorUser, level: 'table', table: 'mariadb_accounts' }));
  });
});

describe('MariaDB check failures', () => {
  it('fails the PROCESS check with the GRANT that fixes it', async () => {
    const results = await collector({ user: noProcessUser }).check();
    const proc = byName(results, 'privilege:PROCESS');
    expect(proc?.ok).toBe(false);
    expect(proc?.fix).toBe(`GRANT PROCESS ON *.* TO '${noProcessUser}'@'%';`);
    expect(results.filter((r) => !r.ok).map((r) => r.check)).toEqual(['privilege:PROCESS']);
  });

  it('reports a wrong password as a failed authentication check', async () => {
    const results = await collector({ password: 'not-the-password' }).check();
    expect(byName(results, 'reachable')?.ok).toBe(true);
    const auth = byName(results, 'authentication');
    expect(auth?.ok).toBe(false);
    expect(auth?.detail).toMatch(/login refused: Access denied for user/);
  });

  it('reports a refused port as unreachable', async () => {
    const port = await unusedPort();
    const results = await collector({ port }).check();
    expect(results).toEqual([
      { check: 'reachable', ok: false, detail: expect.stringMatching(new RegExp(`connection refused by 127.0.0.1:${port}`)) },
    ]);
  });

  it('reports an unresolvable host name as a DNS failure', async () => {
    const results = await collector({ host: `no-such-host-${suffix}.invalid` }).check();
    expect(results[0]?.ok).toBe(false);
    expect(results[0]?.detail).toMatch(/does not resolve \(DNS (ENOTFOUND|EAI_AGAIN)\)/);
  });

  it("reports an optional collector's missing privilege inside the payload, with its fix", async () => {
    const c = collector({ user: noProcessUser });
    // Without PROCESS the processlist only shows the user's own sessions (no error) but InnoDB lock waits are refused.
    const result = await c.collect('runtime', AbortSignal.timeout(10_000));
    const lockErr = result.errors.find((e) => e.collector === 'lock_waits');
    expect(lockErr?.code).toBe('ER_SPECIFIC_ACCESS_DENIED_ERROR');
    expect(lockErr?.fix).toMatch(/GRANT PROCESS ON \*\.\*/);
  });
});

describe('MariaDB canary: no application value reaches a payload', () => {
  it.each<QueryTextMode>(['full', 'obfuscated'])('with query_text %s', async (queryText) => {
    const canary = `canary-${randomBytes(8).toString('hex')}`;
    await admin.query(`CREATE TABLE IF NOT EXISTS ${schema}.secrets (k VARCHAR(64) PRIMARY KEY, v VARCHAR(64), n INT)`);
    // A prepared statement sends the canary as a bound parameter: it is then in no statement text the server keeps
    // (digest text, processlist INFO), so finding it in a payload could only mean a row value was read.
    await admin.execute(`INSERT INTO ${schema}.secrets (k, v, n) VALUES (?, ?, 1)`, [canary, canary]);
    // Hold a lock wait on the canary row during collection: its key is in INNODB_LOCKS.LOCK_DATA, which must not be read.
    const holder = await connectAdmin();
    const waiter = await connectAdmin();
    await holder.query('START TRANSACTION');
    await holder.query(`SELECT n FROM ${schema}.secrets FOR UPDATE`);
    await waiter.query('SET SESSION innodb_lock_wait_timeout = 30');
    const waiting = waiter.query(`UPDATE ${schema}.secrets SET n = n + 1 ORDER BY k LIMIT 1`);
    try {
      const c = collector({ queryText });
      await waitFor('the canary lock wait', async () => {
        const { data } = await c.collect('runtime', AbortSignal.timeout(10_000));
        return (data['lock_waits'] as LockWaitRow[]).length > 0 ? true : undefined;
      });
      for (const category of CATEGORIES) {
        const result = await c.collect(category, AbortSignal.timeout(30_000));
        expect(result.errors).toEqual([]);
        expect(JSON.stringify(result), category).not.toContain(canary);
      }
    } finally {
      await holder.query('ROLLBACK');
      await waiting;
    }
  });
});
