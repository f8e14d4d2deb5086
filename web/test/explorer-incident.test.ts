// Issue 14, "what an operator needs first": the Query, Activity and Schema Explorers in an incident, on real
// PostgreSQL 15, MariaDB 10.11 and Redis 7 watched by the real agent, every number read beside the databases' own.
import { randomUUID } from 'node:crypto';
import { join } from 'node:path';
import mysql from 'mysql2/promise';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Browser, Page } from 'playwright-core';
import type { RunningAgent } from '@logstag/agent';
import { setupMysql, type MonitoredService } from '@logstag/agent/testing';
import { waitFor } from '../../api/test/context';
import { formatMs, formatNumber } from '../src/lib/format/number';
import { formatTimestamp } from '../src/lib/format/time';
import { startTestAgent } from './support/agent';
import { hydrated, launchBrowser, openChecked, screenshot, SCREENSHOT_DIR, signIn } from './support/browser';
import { apiCall, apiSignIn, type ApiSession } from './support/session';
import { startWebStack, type WebStack } from './support/stack';

const ADMIN_URL = process.env.LOGSTAG_TEST_PG_URL ?? 'postgres://postgres:logstag-test@127.0.0.1:55432/postgres';
const REDIS_URL = process.env.LOGSTAG_TEST_REDIS_URL ?? 'redis://127.0.0.1:56379';
const MYSQL_ADMIN_URL = new URL(process.env.LOGSTAG_TEST_MYSQL_URL ?? 'mysql://logstag_admin:logstag-test@127.0.0.1:53306/');
const RUN = randomUUID().slice(0, 8);
const DATABASE = `logstag_inc_${RUN}`;
const PG_URL = Object.assign(new URL(ADMIN_URL), { pathname: `/${DATABASE}` }).toString();
const ORDERS = `orders_${RUN}`;
const CUSTOMERS = `customers_${RUN}`;
const EVENTS = `events_${RUN}`;
const JOIN_SQL = `select c.email, sum(o.total) from ${ORDERS} o join ${CUSTOMERS} c on c.id = o.customer_id where c.id < $1 group by c.email`;
// No LIMIT: a full sort, which spills to temporary files under a small work_mem (a top-N sort would not).
const SORT_SQL = `select sum(t) from (select total as t from ${ORDERS} order by total desc, id offset $1) x`;

let stack: WebStack;
let browser: Browser;
let agent: RunningAgent;
let api: ApiSession;
let page: Page;
const admin = new pg.Client(ADMIN_URL);
const db = new pg.Client(PG_URL);
const holder = new pg.Client(PG_URL);
const waiter = new pg.Client(PG_URL);
let waiterPid = 0;
let blockedUpdate: Promise<unknown> = Promise.resolve();
let maria: MonitoredService & { schemas: string[] };
let mariaSchema = '';
let myHolder: mysql.Connection | undefined;
let myWaiter: mysql.Connection | undefined;
let myBlocked: Promise<unknown> = Promise.resolve();

const mysqlAdmin = (database?: string) =>
  mysql.createConnection({
    host: MYSQL_ADMIN_URL.hostname,
    port: Number(MYSQL_ADMIN_URL.port),
    user: decodeURIComponent(MYSQL_ADMIN_URL.username),
    password: decodeURIComponent(MYSQL_ADMIN_URL.password),
    ...(database ? { database } : {}),
  });

async function get<T>(path: string): Promise<T> {
  return (await apiCall<T>(stack.url, api, 'GET', path)).body;
}

/** Polls every half second (the agent collects every 2–5 s), so the loaded 2-core machine is not kept busy. */
async function poll<T>(what: () => Promise<T | undefined | null | false>, timeoutMs: number, label: string): Promise<T> {
  return waitFor(async () => (await what()) || (await new Promise<undefined>((r) => setTimeout(() => r(undefined), 500))), timeoutMs, label);
}

const open = (path: string, shot: string): Promise<string> => openChecked(page, stack.url, path, shot);

interface TopItem {
  fingerprint: string;
  text: string | null;
  database: string | null;
  calls: number;
  totalTimeMs: number;
  stddevTimeMs?: number | null;
  tempBlksWritten?: number | null;
  monitoring?: boolean;
  sparkline?: Array<number | null>;
}
const top = (target: string, extra = '') => get<{ items?: TopItem[] }>(`/api/explorer/queries/${target}/top?orderBy=totalTime&limit=200${extra}`);

/** pg_stat_statements' own counters of the test's statement (it runs only after the agent started: all counted). */
async function pgStatement(like: string) {
  const { rows } = await db.query<{ calls: string; total: number; stddev: number; temp_written: string }>(
    `select s.calls::text, s.total_exec_time + s.total_plan_time as total, s.stddev_exec_time as stddev, s.temp_blks_written::text as temp_written
       from pg_stat_statements s join pg_database d on d.oid = s.dbid where d.datname = $1 and s.query like $2`,
    [DATABASE, like],
  );
  expect(rows, `one pg_stat_statements entry like ${like}`).toHaveLength(1);
  const r = rows[0]!;
  return { calls: Number(r.calls), total: r.total, stddev: r.stddev, tempWritten: Number(r.temp_written) };
}

async function setUpPostgres(): Promise<void> {
  await admin.connect();
  await admin.query(`create database ${DATABASE}`);
  await Promise.all([db.connect(), holder.connect(), waiter.connect()]);
  await db.query('create extension if not exists pg_stat_statements');
  await db.query(`create table ${CUSTOMERS} (id int primary key, email text)`);
  await db.query(`insert into ${CUSTOMERS} select g, 'c' || g || '@example.com' from generate_series(1, 500) g`);
  await db.query(`create table ${ORDERS} (id serial primary key, customer_id int, total int)`);
  await db.query(`insert into ${ORDERS} (customer_id, total) select g % 500 + 1, g % 977 from generate_series(1, 30000) g`);
  // A long index definition (it must wrap, not be cut) and a table without a primary key (a finding to follow).
  await db.query(`create index ${ORDERS}_customer_total_partial on ${ORDERS} (customer_id, total, id) where total > 100 and customer_id is not null and id > 0`);
  await db.query(`create table ${EVENTS} (at timestamptz, kind text)`);
  // Maintenance the Schema Explorer must report: a manual VACUUM ANALYZE, then autovacuum turned off for the table.
  await db.query(`vacuum analyze ${ORDERS}`);
  await db.query(`alter table ${ORDERS} set (autovacuum_enabled = false, autovacuum_vacuum_scale_factor = 0.02)`);
  // A session idle in transaction holding a row lock, and an UPDATE blocked by it.
  await holder.query('begin');
  await holder.query(`update ${ORDERS} set total = total where id = 1`);
  waiterPid = (await waiter.query<{ pid: number }>('select pg_backend_pid() as pid')).rows[0]?.pid ?? 0;
  blockedUpdate = waiter.query(`update ${ORDERS} set total = total + 1 where id = 1`).catch(() => undefined);
}

async function setUpMariaDb(): Promise<void> {
  maria = await setupMysql(1, 'lt_inc');
  mariaSchema = maria.schemas[0] ?? '';
  // A MariaDB transaction holding a row lock and an UPDATE waiting for it (for minutes, not the default 50 s).
  myHolder = await mysqlAdmin(mariaSchema);
  myWaiter = await mysqlAdmin(mariaSchema);
  await myHolder.query('START TRANSACTION');
  await myHolder.query('UPDATE orders SET total = total + 1 WHERE id = 1');
  await myWaiter.query('SET SESSION innodb_lock_wait_timeout = 300');
  myBlocked = myWaiter.query('UPDATE orders SET total = total + 2 WHERE id = 1').catch(() => undefined);
}

beforeAll(async () => {
  [stack, browser] = await Promise.all([startWebStack(), launchBrowser(), setUpPostgres(), setUpMariaDb()]);

  agent = await startTestAgent(
    stack.url,
    stack.org.agentKey,
    [
      // The test's database and postgres (for the database filter to choose between); the test's MariaDB schema.
      { name: 'pg-inc', url: PG_URL, engine: 'postgresql', databases: [DATABASE, 'postgres'] },
      { name: 'maria-inc', url: `mysql://${maria.user}:${encodeURIComponent(maria.password)}@${maria.host}:${maria.port}/`, engine: 'mysql', databases: [mariaSchema] },
      { name: 'redis-inc', url: REDIS_URL, engine: 'redis' },
    ],
    'incident-agent',
  );
  api = await apiSignIn(stack.url, stack.org.ownerEmail, stack.org.ownerPassword);
  // The test's statements run after the agent's first workload collection saw the view: every call is in its deltas.
  await poll(
    async () => ((await top('pg-inc', '&monitoring=true')).items?.length ?? 0) > 0 && ((await top('maria-inc', '&monitoring=true')).items?.length ?? 0) > 0,
    60_000,
    'a first PostgreSQL and MariaDB workload collection',
  );
  for (let i = 1; i <= 30; i++) await db.query(JOIN_SQL, [i * 15]);
  await db.query("set work_mem = '64kB'");
  for (let i = 0; i < 3; i++) await db.query(SORT_SQL, [i]);
  await db.query('reset work_mem');
  const my = await mysqlAdmin(mariaSchema);
  try {
    for (let i = 0; i < 20; i++) await my.query('SELECT COUNT(*) FROM orders WHERE total > ?', [i]);
  } finally {
    await my.end();
  }
  page = await browser.newPage({ viewport: { width: 1440, height: 900 } });
  await signIn(page, stack.url, stack.org.ownerEmail, stack.org.ownerPassword);
}, 120_000);

afterAll(async () => {
  await agent?.stop();
  await holder.query('rollback').catch(() => undefined);
  await blockedUpdate;
  await myHolder?.query('ROLLBACK').catch(() => undefined);
  await myBlocked;
  for (const c of [myHolder, myWaiter]) await c?.end().catch(() => undefined);
  await Promise.all([db.end(), holder.end(), waiter.end()].map((p) => p.catch(() => undefined)));
  await admin.query(`drop database if exists ${DATABASE} with (force)`).catch(() => undefined);
  await admin.end().catch(() => undefined);
  await maria?.cleanup().catch(() => undefined);
  await browser?.close();
  await stack?.stop();
});

describe('explorers an operator can work an incident with (issue 14)', () => {
  it('Query Explorer: the agent’s statements hidden, search and database filters, sparkline, stddev and temp blocks as pg_stat_statements counts them', async () => {
    const expected = await pgStatement(`%join ${CUSTOMERS}%`);
    const sorted = await pgStatement(`%from ${ORDERS} order by total desc%`);
    const joinItem = await poll(async () => (await top('pg-inc', `&search=${CUSTOMERS}`)).items?.find((q) => q.text?.includes(`join ${CUSTOMERS}`) && q.calls === expected.calls), 30_000, 'the join, all its calls collected');
    const sortItem = await poll(async () => (await top('pg-inc', `&search=${ORDERS}`)).items?.find((q) => q.text?.includes(`from ${ORDERS} order by`) && q.calls === 3), 30_000, 'the sort, all its calls collected');
    // The same numbers as the database's own: time, spread (from the sums of squares), temporary blocks.
    expect(joinItem.totalTimeMs).toBeCloseTo(expected.total, 6);
    expect(joinItem.stddevTimeMs).toBeGreaterThan(0);
    expect(Math.abs((joinItem.stddevTimeMs ?? 0) - expected.stddev)).toBeLessThanOrEqual(Math.max(0.001, expected.stddev * 0.001));
    expect(sorted.tempWritten).toBeGreaterThan(0);
    expect(sortItem.tempBlksWritten).toBe(sorted.tempWritten);
    expect(joinItem.sparkline?.filter((v) => v !== null).length).toBeGreaterThan(0);

    // The agent's own statements run in the target's database too, and are hidden by default.
    const inDatabase = `&database=${DATABASE}`;
    expect((await top('pg-inc', `&monitoring=true${inDatabase}`)).items?.some((q) => q.monitoring && q.text?.includes('pg_stat_activity'))).toBe(true);
    expect((await top('pg-inc', inDatabase)).items?.some((q) => q.monitoring)).toBe(false);

    const text = await open(`/queries?target=pg-inc&q=${RUN}`, 'incident-queries');
    expect(text).toContain(`join ${CUSTOMERS}`);
    const row = page.locator(`tr[data-fingerprint="${joinItem.fingerprint}"]`);
    expect((await row.locator('td[data-col="stddev"]').textContent())?.trim()).toBe(formatMs(joinItem.stddevTimeMs));
    // The sparkline has a bar for each twelfth of the range the statement ran in (all its calls ran within a minute).
    expect(await row.locator('td[data-col="spark"] rect').count()).toBe(joinItem.sparkline?.filter((v) => v !== null).length);
    expect((await row.locator('td[data-col="cache-hit"]').textContent())?.trim()).toMatch(/^\d[\d.]* %$/);
    expect((await page.locator(`tr[data-fingerprint="${sortItem.fingerprint}"] td[data-col="temp"]`).textContent())?.trim()).toBe(formatNumber(sorted.tempWritten));

    // Search narrows to the statements naming a table; the database filter to one database, the agent's statements
    // in it hidden until the toggle shows them (greyed).
    await page.getByLabel('Search text').fill(CUSTOMERS);
    await Promise.all([page.waitForURL((u) => u.searchParams.get('q') === CUSTOMERS), page.getByLabel('Search text').press('Enter')]);
    const texts = await page.locator('tbody td.stmt').allTextContents();
    expect(texts.length).toBeGreaterThan(0);
    expect(texts.every((t) => t.includes(CUSTOMERS))).toBe(true);
    await page.getByLabel('Search text').fill('');
    await Promise.all([page.waitForURL((u) => u.searchParams.get('database') === DATABASE), page.getByLabel('Database').selectOption(DATABASE)]);
    const dbs = await page.locator('tbody td[data-col="database"]').allTextContents();
    expect(dbs.length).toBeGreaterThan(1);
    expect(new Set(dbs)).toEqual(new Set([DATABASE]));
    const listed = (await page.locator('main').textContent()) ?? '';
    expect(listed).toContain(`join ${CUSTOMERS}`);
    expect(listed).not.toContain('pg_stat_activity');
    await Promise.all([page.waitForURL((u) => u.searchParams.get('monitoring') === 'true'), page.getByLabel(/Show monitoring statements/).check()]);
    expect(await page.locator('tbody tr.monitoring', { hasText: 'pg_stat_activity' }).count()).toBeGreaterThan(0);
    await screenshot(page, 'incident-queries-filtered');

    // The detail names the tables the statement touches and links each to the Schema Explorer.
    await page.goto(`${stack.url}/queries/detail?${new URLSearchParams({ target: 'pg-inc', fingerprint: joinItem.fingerprint, range: '1h' })}`);
    await hydrated(page);
    const links = page.getByTestId('touched-table');
    expect((await links.allTextContents()).sort()).toEqual([`${DATABASE}.public.${CUSTOMERS}`, `${DATABASE}.public.${ORDERS}`]);
    expect(await page.locator('[data-fact="stddev"]').textContent()).toBe(formatMs(joinItem.stddevTimeMs));
    await screenshot(page, 'incident-query-detail');
    await Promise.all([page.waitForURL((u) => u.pathname === '/schema'), links.filter({ hasText: ORDERS }).click()]);
    expect(await page.locator('#object-title').textContent()).toContain(`${DATABASE}.public.${ORDERS}`);
  });

  it('Query Explorer for MariaDB: the statement’s database and its calls as performance_schema counts them', async () => {
    const my = await mysqlAdmin();
    let calls = 0;
    try {
      const [rows] = await my.query<mysql.RowDataPacket[]>(
        "SELECT COUNT_STAR AS n FROM performance_schema.events_statements_summary_by_digest WHERE SCHEMA_NAME = ? AND DIGEST_TEXT LIKE '%FROM `orders` WHERE `total` >%'",
        [mariaSchema],
      );
      calls = Number(rows[0]?.n);
    } finally {
      await my.end();
    }
    expect(calls).toBeGreaterThanOrEqual(20);
    const item = await poll(async () => (await top('maria-inc', `&database=${mariaSchema}`)).items?.find((q) => q.database === mariaSchema && q.text?.includes('`orders` WHERE `total`') && q.calls === calls), 30_000, 'the MariaDB statement');
    // The agent's own digests (performance_schema, information_schema) are collected, and hidden by default.
    // (The agent reads statement digests from performance_schema and sessions from information_schema.PROCESSLIST.)
    const agentOwn = ['events_statements_summary_by_digest', 'PROCESSLIST'];
    const all = (await top('maria-inc', '&monitoring=true')).items ?? [];
    for (const own of agentOwn) expect(all.some((q) => q.monitoring && q.text?.includes(own)), own).toBe(true);
    await open('/queries?target=maria-inc', 'incident-queries-mariadb');
    for (const own of agentOwn) expect(await page.locator('tbody td.stmt', { hasText: own }).count(), own).toBe(0);
    await open(`/queries?target=maria-inc&database=${mariaSchema}`, 'incident-queries-mariadb-schema');
    const row = page.locator(`tr[data-fingerprint="${item.fingerprint}"]`);
    expect(await row.locator('td[data-col="database"]').textContent()).toBe(mariaSchema);
    expect(Number((await row.locator('td.num').nth(1).textContent())?.replace(/,/g, ''))).toBe(calls);
  });

  it('Activity Explorer: a blocked session says which lock on which table for how long; background processes hidden; detail beside the row', async () => {
    const lock = (
      await admin.query<{ mode: string; locktype: string; waited: number }>(
        'select mode, locktype, extract(epoch from now() - waitstart)::float8 as waited from pg_locks where pid = $1 and not granted',
        [waiterPid],
      )
    ).rows[0];
    expect(lock).toBeDefined();
    await poll(async () => (await get<{ lockWaits?: Array<{ id: string }> }>('/api/explorer/activity/pg-inc/blocking')).lockWaits?.some((l) => l.id === String(waiterPid)), 30_000, 'the lock wait');
    const started = Date.now();
    await open('/activity?target=pg-inc', 'incident-activity');
    const waitText = (await page.locator(`tr[data-session="${waiterPid}"] [data-testid="lock-wait"]`).textContent()) ?? '';
    expect(waitText).toContain(`waits for ${lock!.mode} on public.${ORDERS} (${lock!.locktype}) for `);
    const [, amount, unit] = /for ([\d.,]+) (ms|s|min)$/.exec(waitText.trim().replace(/ · blocked by .*$/, '')) ?? [];
    const seconds = Number(amount?.replace(/,/g, '')) * (unit === 'ms' ? 0.001 : unit === 'min' ? 60 : 1);
    // The snapshot is at most a few seconds old: it waited no longer than PostgreSQL says now, and not much less.
    expect(seconds).toBeLessThanOrEqual(lock!.waited + (Date.now() - started) / 1000 + 0.5);
    expect(seconds).toBeGreaterThan(lock!.waited - 20);
    expect(await page.locator(`li[data-blocking="${waiterPid}"] > .lock`).textContent()).toContain(`${lock!.mode} on public.${ORDERS}`);

    // Background processes: hidden, then shown on request (the checkpointer, by its pid in pg_stat_activity).
    const checkpointer = (await admin.query<{ pid: number }>("select pid from pg_stat_activity where backend_type = 'checkpointer'")).rows[0]?.pid;
    expect(await page.locator('tbody tr.background').count()).toBe(0);
    expect(await page.locator(`tr[data-session="${checkpointer}"]`).count()).toBe(0);
    await page.getByLabel(/Show \d+ background processes/).check();
    expect(await page.locator(`tr[data-session="${checkpointer}"]`).textContent()).toContain('(checkpointer)');
    await screenshot(page, 'incident-activity-background');
    await page.getByLabel(/Show \d+ background processes/).uncheck();

    // The detail opens beside the table, top-aligned with it, and repeats the lock.
    await page.locator(`tr[data-session="${waiterPid}"] button`).click();
    const table = await page.getByRole('region', { name: 'Sessions' }).boundingBox();
    const detail = await page.locator('#session-detail').boundingBox();
    expect(detail!.x).toBeGreaterThanOrEqual(table!.x + table!.width);
    expect(Math.abs(detail!.y - table!.y)).toBeLessThan(40);
    expect(await page.getByTestId('detail-lock').textContent()).toContain(`${lock!.mode} on public.${ORDERS}`);
    await screenshot(page, 'incident-activity-detail');
  });

  it('Activity Explorer for MariaDB: the waiting UPDATE shows as a row-lock wait, on the wait chart and with its lock', async () => {
    const threadId = String(myWaiter?.threadId);
    const my = await mysqlAdmin();
    let expected = '';
    try {
      const [rows] = await my.query<mysql.RowDataPacket[]>(
        `SELECT l.lock_mode AS mode, l.lock_type AS type, l.lock_table AS tbl FROM information_schema.INNODB_LOCK_WAITS w
           JOIN information_schema.INNODB_LOCKS l ON l.lock_id = w.requested_lock_id
           JOIN information_schema.INNODB_TRX r ON r.trx_id = w.requesting_trx_id WHERE r.trx_mysql_thread_id = ?`,
        [threadId],
      );
      expect(rows).toHaveLength(1);
      expected = `${rows[0]!.mode} on ${rows[0]!.tbl} (${rows[0]!.type})`;
    } finally {
      await my.end();
    }
    // Waits per bucket: the UPDATE counts as a row-lock wait (it read "no wait data" while it waited).
    const range = () => `from=${new Date(Date.now() - 5 * 60_000).toISOString()}&to=${new Date().toISOString()}&step=30`;
    const waits = await poll(
      async () => (await get<{ waits?: Array<{ waitType: string; wait: string; samples: number }> }>(`/api/explorer/activity/maria-inc/waits?${range()}`)).waits?.find((w) => w.waitType === 'Lock' && w.wait === 'row lock'),
      30_000,
      'a MariaDB row-lock wait sample',
    );
    expect(waits.samples).toBeGreaterThan(0);
    const text = await open('/activity?target=maria-inc', 'incident-activity-mariadb');
    expect(text).toContain('Lock: row lock');
    expect(await page.locator(`tr[data-session="${threadId}"] [data-testid="lock-wait"]`).textContent()).toContain(`waits for ${expected} for `);
  });

  it('Activity Explorer for Redis explains its clients instead of asking whether the agent runs', async () => {
    await poll(async () => (await get<{ snapshotTs?: string | null }>('/api/explorer/activity/redis-inc/sessions')).snapshotTs, 30_000, 'a Redis runtime snapshot');
    const text = await open('/activity?target=redis-inc', 'incident-activity-redis');
    expect(text).not.toContain('Is the agent running');
    expect(await page.getByTestId('redis-clients').textContent()).toMatch(/Redis reports its clients as counts, not one by one: [1-9][\d,]* connected at .* UTC, the monitor’s own connection included/);
  });

  it('Schema Explorer: findings link to their objects; maintenance, autovacuum settings, wrapped index definitions, unclipped privileges', async () => {
    const name = `${DATABASE}.public.${ORDERS}`;
    const stats = (await db.query<{ last_vacuum: Date | null; last_analyze: Date | null }>('select last_vacuum, last_analyze from pg_stat_user_tables where relname = $1', [ORDERS])).rows[0];
    expect(stats?.last_vacuum).toBeInstanceOf(Date);
    await poll(async () => {
      const t = (await get<{ items?: Array<{ name: string; stats?: { activity?: { lastVacuum?: string | null } } }> }>(`/api/explorer/schema/pg-inc/objects?type=table&names=${ORDERS}`)).items?.find((x) => x.name === name);
      return t?.stats?.activity?.lastVacuum;
    }, 30_000, 'the table’s maintenance times');
    await open(`/schema?target=pg-inc&object=${encodeURIComponent(name)}`, 'incident-schema');
    // The table's card alone, at its real size, to read it as an operator would.
    await page.getByRole('region', { name: 'Object details' }).screenshot({ path: join(SCREENSHOT_DIR, 'incident-schema-object.png') });
    const maintenance = (await page.getByTestId('table-maintenance').textContent()) ?? '';
    expect(maintenance).toContain(`Last vacuum${formatTimestamp(stats!.last_vacuum)}`);
    expect(maintenance).toContain(`Last analyze${formatTimestamp(stats!.last_analyze)}`);
    const autovacuum = (await page.getByTestId('table-autovacuum').textContent()) ?? '';
    expect(autovacuum).toContain('autovacuum_enabled=false, autovacuum_vacuum_scale_factor=0.02');
    expect(autovacuum).toContain('autovacuum disabled');

    // The long partial index's definition wraps inside its cell: nothing is cut.
    const cell = page.locator('tr', { hasText: `${ORDERS}_customer_total_partial` }).locator('td.definition');
    expect(await cell.textContent()).toContain('WHERE');
    const fits = await cell.evaluate((el) => el.scrollWidth <= el.clientWidth + 1 && (el.firstElementChild?.getBoundingClientRect().right ?? 0) <= el.getBoundingClientRect().right + 1);
    expect(fits).toBe(true);
    const detail = page.getByRole('region', { name: 'Object details' });
    expect(await detail.evaluate((el) => el.scrollWidth <= el.clientWidth + 1)).toBe(true);

    // Privileges per grantee: as wide as the page, its names not cut.
    const grantees = page.getByRole('region', { name: 'Privileges per grantee' });
    const main = await page.locator('main').boundingBox();
    expect((await grantees.boundingBox())!.width).toBeGreaterThan(main!.width * 0.8);
    expect(await grantees.evaluate((el) => [...el.querySelectorAll('td')].every((td) => td.scrollWidth <= td.clientWidth + 1))).toBe(true);

    // The "tables without primary key" finding lists the test's table; its link opens it.
    const chip = page.locator('[data-finding="noPk"]');
    await chip.locator('summary').click();
    await Promise.all([
      page.waitForURL((u) => u.searchParams.get('object') === `${DATABASE}.public.${EVENTS}`),
      chip.getByRole('link', { name: `${DATABASE}.public.${EVENTS}` }).click(),
    ]);
    expect(await page.locator('#object-title').textContent()).toContain(`${DATABASE}.public.${EVENTS}`);
    await screenshot(page, 'incident-schema-finding');
    // The big schema page of the shared test server (every test database's objects) takes a while under axe.
  }, 120_000);
});
