import { randomUUID } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { isMonitoringStatement, QueryBatch, queryDatabases, stddevMs, topQueries, type QueryStat, type Store } from '../src/index';
import { backends, ensureDayPartitions } from './backends';

// Issue 14's Query Explorer: the monitoring statements hidden by default, search and database filters, a sparkline per
// statement and the standard deviation of its execution time, on statements written as normalization writes them.

/** Every statement text of a recorded payload file (api/test/fixtures: real agents on real servers). */
function recordedTexts(file: string): string[] {
  const texts = new Set<string>();
  const walk = (o: unknown): void => {
    if (Array.isArray(o)) o.forEach(walk);
    else if (o && typeof o === 'object') {
      for (const [k, v] of Object.entries(o)) {
        if ((k === 'query' || k === 'digestText') && typeof v === 'string') texts.add(v);
        else walk(v);
      }
    }
  };
  for (const line of readFileSync(new URL(`../../api/test/fixtures/${file}`, import.meta.url), 'utf8').split('\n')) if (line.trim()) walk(JSON.parse(line));
  return [...texts];
}

describe('monitoring statements', () => {
  it('PostgreSQL: the agent’s catalog reads are monitoring, the application’s statements (and its FK checks) are not', () => {
    const texts = recordedTexts('postgresql.jsonl').filter((t) => /^\s*(select|with)\b/i.test(t));
    const app = texts.filter((t) => /\b(orders|customers)\b/.test(t));
    expect(app.length).toBeGreaterThan(2);
    for (const t of app) expect(isMonitoringStatement('postgresql', t), t).toBe(false);
    const agent = texts.filter((t) => !app.includes(t) && /\bpg_(stat|settings|class|namespace|database|attribute|locks|roles)/.test(t));
    expect(agent.length).toBeGreaterThan(10);
    for (const t of agent) expect(isMonitoringStatement('postgresql', t), t).toBe(true);
    // PostgreSQL's own check of a foreign key names pg_catalog.= but reads the application's table.
    expect(isMonitoringStatement('postgresql', 'SELECT $2 FROM ONLY "public"."customers" x WHERE "id" OPERATOR(pg_catalog.=) $1 FOR KEY SHARE OF x')).toBe(false);
    for (const t of ['select 1', 'select pg_advisory_lock($1)', 'select pg_sleep($1)', 'begin', 'update orders set total = $1', "select * from t where note = 'pg_stat_activity'"]) {
      expect(isMonitoringStatement('postgresql', t), t).toBe(false);
    }
  });

  it('MySQL/MariaDB: information_schema, performance_schema, mysql, SHOW and SET SESSION are monitoring; the test schemas are not', () => {
    const texts = recordedTexts('mysql.jsonl');
    const app = texts.filter((t) => /^(SELECT|UPDATE|INSERT)\b/.test(t) && /`(lt_my_\w+|exp_app)`/.test(t));
    expect(app.length).toBeGreaterThan(5);
    for (const t of app) expect(isMonitoringStatement('mysql', t), t).toBe(false);
    const agent = texts.filter((t) => /^SELECT\b/.test(t) && /`(information_schema|performance_schema|mysql)` \./.test(t) && !app.includes(t));
    expect(agent.length).toBeGreaterThan(10);
    for (const t of agent) expect(isMonitoringStatement('mysql', t), t).toBe(true);
    for (const t of ['SHOW GLOBAL STATUS', 'SET SESSION `lock_wait_timeout` = ?', 'SELECT @@MAX_STATEMENT_TIME', 'SELECT CURRENT_USER ( ) AS `u`', 'SELECT `VERSION` ( ) AS `version`']) {
      expect(isMonitoringStatement('mysql', t), t).toBe(true);
    }
    for (const t of ['SELECT `SLEEP` (?)', 'START TRANSACTION', 'ROLLBACK']) expect(isMonitoringStatement('mysql', t), t).toBe(false);
  });

  it('Redis: administrative commands are monitoring, data commands are not', () => {
    for (const c of ['info', 'client|list', 'config|get', 'slowlog|get', 'acl|list', 'latency|latest', 'memory|usage', 'ping']) expect(isMonitoringStatement('redis', c), c).toBe(true);
    for (const c of ['get', 'set', 'hgetall', 'scan', 'type', 'select']) expect(isMonitoringStatement('redis', c), c).toBe(false);
  });
});

it('the standard deviation follows from the sum of squares, the calls and the time', () => {
  // Executions of 10, 30 and 20 ms: mean 20, population standard deviation √(200/3).
  expect(stddevMs(100 + 900 + 400, 3, 60)).toBeCloseTo(Math.sqrt(200 / 3), 9);
  expect(stddevMs(null, 3, 60)).toBeNull();
  expect(stddevMs(10, 0, 0)).toBeNull();
  // Rounding never makes the variance negative.
  expect(stddevMs(300, 3, 30)).toBe(0);
});

describe.each(backends)('Query Explorer reads on %s', (_name, open) => {
  let store: Store;
  let cleanup: () => Promise<void>;
  const org = randomUUID();
  const target = 'pg-q';
  const t0 = new Date('2026-12-05T10:00:00Z');
  const at = (s: number) => new Date(t0.getTime() + s * 1000);
  const range = { organizationId: org, targetId: target, from: at(0), to: at(1200) };
  const stat = (fingerprint: string, database: string, text: string, calls: number, totalTimeMs: number, execTimeSq: number | null): QueryStat => ({
    fingerprint,
    database,
    text,
    calls,
    totalTimeMs,
    rows: calls,
    blocksHit: 90,
    blocksRead: 10,
    io: { tempBlksRead: 0, tempBlksWritten: 5, blkReadTimeMs: 1.5, blkWriteTimeMs: 0, execTimeSq },
  });

  beforeAll(async () => {
    ({ store, cleanup } = await open());
    await ensureDayPartitions(store, '2026-12-05');
    const batch = new QueryBatch();
    const where = (s: number) => ({ organizationId: org, targetId: target, engine: 'postgresql', ts: at(s) });
    // Two collections 600 s apart (buckets 0 and 6 of twelve over 1200 s).
    batch.add(where(30), [
      stat('app/1', 'app', 'select * from orders where id = $1', 2, 40, 100 + 900),
      stat('app/2', 'app', 'select 100% of_it from "Orders_100"', 1, 5, 25),
      stat('app/3', 'postgres', 'SELECT * FROM pg_stat_activity', 1, 500, 250_000),
    ]);
    batch.add(where(630), [stat('app/1', 'app', 'select * from orders where id = $1', 1, 20, 400), stat('ops/1', 'ops', 'select count(*) from jobs', 1, 1, null)]);
    await store.db.transaction().execute(async (trx) => {
      await batch.writeQueries(trx);
      await batch.writeStats(trx);
    });
  });
  afterAll(async () => {
    await store?.close();
    await cleanup?.();
  });

  it('hides monitoring statements by default, but counts their time in every share', async () => {
    const rows = await topQueries(store.db, range, 'totalTime', 10, 0);
    expect(rows.map((r) => r.fingerprint)).toEqual(['app/1', 'app/2', 'ops/1']);
    expect(rows[0]?.all_time_ms).toBe(566);
    const all = await topQueries(store.db, range, 'totalTime', 10, 0, { includeMonitoring: true });
    expect(all.map((r) => [r.fingerprint, r.monitoring])).toEqual([['app/3', true], ['app/1', false], ['app/2', false], ['ops/1', false]]);
  });

  it('filters by database and by text, taking % and _ in the search literally', async () => {
    expect((await topQueries(store.db, range, 'totalTime', 10, 0, { database: 'ops' })).map((r) => r.fingerprint)).toEqual(['ops/1']);
    expect((await topQueries(store.db, range, 'totalTime', 10, 0, { search: 'ORDERS' })).map((r) => r.fingerprint)).toEqual(['app/1', 'app/2']);
    expect((await topQueries(store.db, range, 'totalTime', 10, 0, { search: '100%' })).map((r) => r.fingerprint)).toEqual(['app/2']);
    expect((await topQueries(store.db, range, 'totalTime', 10, 0, { search: 'orders_1' })).map((r) => r.fingerprint)).toEqual(['app/2']);
    expect(await topQueries(store.db, range, 'totalTime', 10, 0, { search: 'o_ders%where' })).toEqual([]);
  });

  it('gives each statement its time per sparkline bucket, its I/O and the inputs of its standard deviation', async () => {
    const [q] = await topQueries(store.db, range, 'totalTime', 1, 0);
    expect(q?.spark).toEqual({ '0': 40, '6': 20 });
    expect([q?.calls, q?.total_time_ms, q?.temp_blks_written, q?.blk_read_time_ms]).toEqual([3, 60, 10, 3]);
    expect(stddevMs(q?.exec_time_sq, q?.sq_calls, q?.sq_time_ms)).toBeCloseTo(Math.sqrt(200 / 3), 9);
    // A statement without squared times (another engine, or stored before) has no standard deviation, not 0.
    const [ops] = await topQueries(store.db, range, 'totalTime', 1, 0, { database: 'ops' });
    expect(stddevMs(ops?.exec_time_sq, ops?.sq_calls, ops?.sq_time_ms)).toBeNull();
  });

  it('lists the databases of the range with their monitoring statements', async () => {
    expect(await queryDatabases(store.db, range)).toEqual([
      { database_name: 'app', statements: 2, monitoring: 0 },
      { database_name: 'ops', statements: 1, monitoring: 0 },
      { database_name: 'postgres', statements: 1, monitoring: 1 },
    ]);
  });
});
