import { randomBytes } from 'node:crypto';
import mysql from 'mysql2/promise';
import type { Connection, RowDataPacket } from 'mysql2/promise';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { diffSince, type CounterSnapshot } from '../../state/diff';
import { testTarget } from '../../../test/target-spec';
import { MysqlConnections, type MysqlConn } from './connection';
import { schemaScope } from './schema-filter';
import { DIGEST_COUNTERS, DIGEST_KEY, DigestReader, collectDigests, digestScope, digestsSql, type DigestRow } from './digests';

/**
 * The digest reader against the shared MariaDB: after its first full read it reads only the rows whose LAST_SEEN moved
 * (no DIGEST_TEXT), fetches the text of digests it has not seen, and goes back to a full read when rows were removed
 * (TRUNCATE). What the runner diffs must be what a full read gives. Each statement here runs in a schema of its own,
 * so other suites' statements on the server do not change the rows looked at.
 */
const url = new URL(process.env.LOGSTAG_TEST_MYSQL_URL ?? 'mysql://logstag_admin:logstag-test@127.0.0.1:53306/');
const schema = `lt_dg_${randomBytes(4).toString('hex')}`;
const target = testTarget({
  name: `mariadb-digests-${schema}`,
  engine: 'mysql',
  host: url.hostname,
  port: Number(url.port),
  user: decodeURIComponent(url.username),
  password: decodeURIComponent(url.password),
});
/** The target's `databases`: none listed, so every schema. */
const everySchema = schemaScope(target.databases);
const spec = { statement_digests: { key: DIGEST_KEY, counters: DIGEST_COUNTERS, omitIdleBy: 'calls' } };

let app: Connection;
const connections = new MysqlConnections(target);
/** Every statement the reader sent, per read. */
let sent: string[] = [];

const recorded = (conn: MysqlConn): MysqlConn => ({
  ...conn,
  query: (sql, params) => {
    sent.push(sql);
    return conn.query(sql, params);
  },
});

async function read(reader: DigestReader): Promise<DigestRow[]> {
  sent = [];
  return connections.withConnection((conn) => reader.read(recorded(conn)));
}

const mine = (rows: DigestRow[]) => rows.filter((r) => r.schemaName === schema);
/** The digest of `SELECT id FROM <table> WHERE id = ?` (a hash of its text: the same after a TRUNCATE). */
const digests = new Map<string, string>();
const byTable = (rows: unknown, table: string) => mine(rows as DigestRow[]).find((r) => r.digest === digests.get(table));
const run = async (table: string, times: number) => {
  for (let i = 0; i < times; i++) await app.query(`SELECT id FROM ${table} WHERE id = ${i}`);
  if (!digests.has(table)) {
    const [rows] = await app.query<RowDataPacket[]>(
      'SELECT DIGEST AS digest FROM performance_schema.events_statements_summary_by_digest WHERE SCHEMA_NAME = ? AND DIGEST_TEXT LIKE ?',
      [schema, `SELECT ID FROM \`${table}\` WHERE ID = ?%`],
    );
    digests.set(table, String(rows[0]?.['digest']));
  }
};
const fullRead = () => sent.some((sql) => sql === digestsSql);
const textlessFullRead = () => sent.some((sql) => sql.includes('ORDER BY SUM_TIMER_WAIT') && !sql.includes('DIGEST_TEXT') && !sql.includes('LAST_SEEN) >='));
const movedRead = () => sent.some((sql) => sql.includes('UNIX_TIMESTAMP(LAST_SEEN) >=') && !sql.includes('DIGEST_TEXT'));

beforeAll(async () => {
  app = await mysql.createConnection({ host: url.hostname, port: Number(url.port), user: target.user, password: target.password });
  await app.query(`CREATE DATABASE ${schema}`);
  await app.query(`USE ${schema}`);
  for (const t of ['ta', 'tb', 'tc']) await app.query(`CREATE TABLE ${t} (id INT PRIMARY KEY)`);
});

afterAll(async () => {
  await app?.query(`DROP DATABASE IF EXISTS ${schema}`).catch(() => undefined);
  await app?.end().catch(() => undefined);
  await connections.close();
});

describe('DigestReader', () => {
  it('reads only moved digests after the first read, with the right deltas, texts of new digests, and a full read after a TRUNCATE', async () => {
    const reader = new DigestReader(target, everySchema);
    await run('ta', 1);
    await run('tb', 1);
    const first = await read(reader);
    // The first read is a baseline (nothing of it is sent): counters only, no text.
    expect(textlessFullRead()).toBe(true);
    expect(fullRead()).toBe(false);
    expect(byTable(first, 'ta')).toMatchObject({ calls: 1, digestText: null });
    let state: CounterSnapshot = diffSince(undefined, { statement_digests: first }, spec).next;
    const step = (rows: DigestRow[]) => {
      const diff = diffSince(state, { statement_digests: rows }, spec);
      state = diff.next;
      return diff.data['statement_digests'] as DigestRow[];
    };

    // ta runs again, tc is a new shape, tb is idle.
    await run('ta', 3);
    await run('tc', 2);
    const second = await read(reader);
    expect(movedRead()).toBe(true);
    expect(fullRead()).toBe(false);
    // The texts were asked for apart, for the digests not seen before (tc's, and whatever else is new on the server).
    expect(sent.some((sql) => sql.includes('DIGEST IN (?'))).toBe(true);
    // What a full read gives at the same moment (nothing ran in this schema in between), row for row. A row that did
    // not run since the first read may still have no text (it is not sent while idle; rows last seen within a few
    // seconds of the previous read are read again and get theirs); the ones that ran have it.
    const full = await connections.withConnection((conn) => collectDigests(conn, target, everySchema));
    const sorted = (rows: DigestRow[]) => mine(rows).sort((a, b) => a.digest.localeCompare(b.digest));
    const textOf = new Map(sorted(second).map((r) => [r.digest, r.digestText]));
    expect(sorted(second)).toEqual(sorted(full).map((r) => (textOf.get(r.digest) === null ? { ...r, digestText: null } : r)));
    expect(textOf.get(digests.get('ta')!)).toBe('SELECT ID FROM `ta` WHERE ID = ?');
    const secondDelta = step(second);
    expect(byTable(secondDelta, 'ta')).toMatchObject({ calls: 3 });
    expect(byTable(secondDelta, 'tc')).toMatchObject({ calls: 2, newRow: true, digestText: 'SELECT ID FROM `tc` WHERE ID = ?' });
    expect(byTable(secondDelta, 'tb')).toBeUndefined();
    expect(byTable(second, 'tb')?.calls).toBe(1);

    // tb was skipped while idle: when it runs again, its delta counts from the value kept.
    await run('tb', 4);
    const third = await read(reader);
    expect(movedRead()).toBe(true);
    expect(fullRead()).toBe(false);
    const thirdDelta = step(third);
    expect(byTable(thirdDelta, 'tb')).toMatchObject({ calls: 4, digestText: 'SELECT ID FROM `tb` WHERE ID = ?' });
    expect(byTable(thirdDelta, 'tb')).not.toHaveProperty('newRow');
    expect(byTable(thirdDelta, 'ta')).toBeUndefined();

    // The table is emptied: the reader notices the removed rows and reads it whole again.
    await app.query('TRUNCATE TABLE performance_schema.events_statements_summary_by_digest');
    await run('ta', 2);
    const fourth = await read(reader);
    expect(fullRead()).toBe(true);
    const fourthDelta = step(fourth);
    expect(byTable(fourthDelta, 'ta')).toMatchObject({ calls: 2, counterReset: true });
    expect(byTable(fourth, 'tb')).toBeUndefined();
    expect(byTable(fourth, 'tc')).toBeUndefined();

    // tb comes back after the truncate with more calls than it had before it: a new row counted from zero, not the
    // difference from its removed row (which a cache that kept it would compute: 6 - 5 = 1).
    await run('tb', 6);
    const fifth = await read(reader);
    expect(movedRead()).toBe(true);
    const fifthDelta = step(fifth);
    expect(byTable(fifthDelta, 'tb')).toMatchObject({ calls: 6, newRow: true, digestText: 'SELECT ID FROM `tb` WHERE ID = ?' });
  });

  it('fetches the text of a digest from the first (textless) read once it runs again', async () => {
    await app.query('CREATE TABLE td (id INT PRIMARY KEY)');
    await run('td', 1);
    // Older than the margin within which rows last seen before the previous read are read again.
    await new Promise((r) => setTimeout(r, 6_500));
    const reader = new DigestReader(target, everySchema);
    const first = await read(reader);
    expect(byTable(first, 'td')).toMatchObject({ calls: 1, digestText: null });
    let state: CounterSnapshot = diffSince(undefined, { statement_digests: first }, spec).next;
    const idle = await read(reader);
    expect(movedRead()).toBe(true);
    expect(byTable(idle, 'td')).toMatchObject({ calls: 1, digestText: null });
    state = diffSince(state, { statement_digests: idle }, spec).next;
    await run('td', 2);
    const second = await read(reader);
    expect(movedRead()).toBe(true);
    expect(fullRead()).toBe(false);
    const delta = diffSince(state, { statement_digests: second }, spec).data['statement_digests'];
    expect(byTable(delta, 'td')).toMatchObject({ calls: 2, digestText: 'SELECT ID FROM `td` WHERE ID = ?' });
    expect(byTable(delta, 'td')).not.toHaveProperty('newRow');
  });

  it('sends only the digests of the target’s schemas, and those of statements run without a default schema', async () => {
    const other = `${schema}_other`;
    const loose = await mysql.createConnection({ host: url.hostname, port: Number(url.port), user: target.user, password: target.password });
    try {
      await app.query(`CREATE DATABASE ${other}`);
      await app.query(`CREATE TABLE ${other}.tx (id INT PRIMARY KEY)`);
      await app.query('CREATE TABLE te (id INT PRIMARY KEY)');
      const only = schemaScope({ include: [schema], exclude: [] });
      const reader = new DigestReader(target, only);
      const shapes = async () => {
        await app.query('SELECT id FROM te WHERE id = 1');
        await app.query(`SELECT id FROM ${other}.tx WHERE id = 1`);
        await app.query(`USE ${other}`);
        await app.query('SELECT id FROM tx WHERE id > 1');
        await app.query(`USE ${schema}`);
        // No default schema: SCHEMA_NAME is NULL, a statement of no schema in particular.
        await loose.query(`SELECT id FROM ${schema}.te WHERE id < 1`);
      };
      await shapes();
      const check = (rows: DigestRow[]) => {
        expect(rows.some((r) => r.schemaName === other), 'a digest of a schema the target does not include').toBe(false);
        expect(rows.some((r) => r.schemaName === schema)).toBe(true);
        expect(rows.some((r) => r.schemaName === null)).toBe(true);
      };
      check(await read(reader));
      // The full read with texts, and the moved-rows read after it, filter alike.
      check(await connections.withConnection((conn) => collectDigests(conn, target, only)));
      await shapes();
      const moved = await read(reader);
      expect(movedRead()).toBe(true);
      check(moved);
      // The server already leaves the other schema's rows out (globs as LIKE patterns, `_` and `%` taken literally).
      const serverRows = async (include: string[]) => {
        const scope = digestScope({ include, exclude: [] });
        const rows = await connections.withConnection((conn) =>
          conn.query(`SELECT SCHEMA_NAME AS s FROM performance_schema.events_statements_summary_by_digest WHERE DIGEST IS NOT NULL${scope.sql}`, scope.params),
        );
        return new Set(rows.map((r) => r['s']));
      };
      const exact = await serverRows([schema]);
      expect([exact.has(schema), exact.has(other), exact.has(null)]).toEqual([true, false, true]);
      const glob = await serverRows([`${schema}*`]);
      expect([glob.has(schema), glob.has(other)]).toEqual([true, true]);
      expect((await serverRows([schema.replaceAll('_', '?')])).has(schema)).toBe(true);
      expect(digestScope({ include: ['app_*', 'a%b\\c', 'x?\\%'], exclude: [] }).params).toEqual(['a%b\\c', 'app\\_%', 'x_\\\\\\%']);
      // Without the filter the other schema's statements are there: the check above is not vacuous.
      const all = await connections.withConnection((conn) => collectDigests(conn, target, everySchema));
      expect(all.some((r) => r.schemaName === other)).toBe(true);
    } finally {
      await app.query(`DROP DATABASE IF EXISTS ${other}`).catch(() => undefined);
      await loose.end().catch(() => undefined);
    }
  });
});
