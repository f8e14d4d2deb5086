// Issue 14, "Database page" and "Charts": every target page charts what its engine's agent collects, in that engine's
// words, each chart readable at every range (round ticks in one unit, time labels apart, nothing outside its card),
// with values checked against the databases' own counters. Real Chromium, the real stack, the real agent watching
// the local PostgreSQL, MariaDB and Redis.
import { randomUUID } from 'node:crypto';
import Redis from 'ioredis';
import mysql from 'mysql2/promise';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Browser, Page } from 'playwright-core';
import type { RunningAgent } from '@logstag/agent';
import { setupMysql, type MonitoredService } from '@logstag/agent/testing';
import { ensurePartitions, MetricBatch, rollupRange, utcDay, type MetricKind } from '@logstag/store';
import { waitFor } from '../../api/test/context';
import { chartMetrics } from '../src/routes/(app)/databases/[...target]/charts';
import { startTestAgent } from './support/agent';
import { hydrated, launchBrowser, screenshot, signIn } from './support/browser';
import { chartGeometry, expectReadableChart } from './support/chart-geometry';
import { apiCall, apiSignIn, type ApiSession } from './support/session';
import { startWebStack, type WebStack } from './support/stack';

const ADMIN_URL = process.env.LOGSTAG_TEST_PG_URL ?? 'postgres://postgres:logstag-test@127.0.0.1:55432/postgres';
const RUN = randomUUID().slice(0, 8);
const DATABASE = `logstag_dbpage_${RUN}`;
const PG_URL = Object.assign(new URL(ADMIN_URL), { pathname: `/${DATABASE}` }).toString();
const REDIS_URL = process.env.LOGSTAG_TEST_REDIS_URL ?? 'redis://127.0.0.1:56379';
const MYSQL_ADMIN_URL = new URL(process.env.LOGSTAG_TEST_MYSQL_URL ?? 'mysql://logstag_admin:logstag-test@127.0.0.1:53306/');
const HOUR = 3_600_000;

let stack: WebStack;
let browser: Browser;
let agent: RunningAgent;
let api: ApiSession;
let page: Page;
let maria: MonitoredService & { schemas: string[] };
const admin = new pg.Client(ADMIN_URL);
const db = new pg.Client(PG_URL);
const redis = new Redis(REDIS_URL, { lazyConnect: true });
let agentStart = 0;

function mysqlAdmin() {
  return mysql.createConnection({ host: MYSQL_ADMIN_URL.hostname, port: Number(MYSQL_ADMIN_URL.port), user: decodeURIComponent(MYSQL_ADMIN_URL.username), password: decodeURIComponent(MYSQL_ADMIN_URL.password) });
}

async function get<T>(path: string): Promise<T> {
  return (await apiCall<T>(stack.url, api, 'GET', path)).body;
}

/** Buckets with a value of one metric, over its label sets. */
async function buckets(target: string, metric: string): Promise<number> {
  const r = await get<{ series?: Array<{ points: Array<{ ts: string }> }> }>(`/api/explorer/databases/${target}/series?metric=${encodeURIComponent(metric)}`);
  return new Set((r.series ?? []).flatMap((s) => s.points.map((p) => p.ts))).size;
}

/** Work the charts can show: writes (WAL, tuples), a sort spilling to a temporary file, reads. */
async function pgWork(): Promise<void> {
  await db.query(`insert into t (note) select md5(g::text) from generate_series(1, 500) g`);
  await db.query(`update t set note = note || 'x' where id % 7 = 0`);
  await db.query(`set work_mem = '64kB'`);
  await db.query(`select count(*) from (select g from generate_series(1, 100000) g order by g desc) s`);
}

/**
 * History for the long ranges: a week cannot be waited for, so each series the page reads is repeated back over 8 days
 * from its first value the agent sent (varied ±25 % so lines are not flat), before the agent's data, then rolled up as
 * the retention schedule does. Only the test's own database and unlabelled series: the shared server holds many more.
 */
async function backfillHistory(targetId: string, until: number): Promise<void> {
  const store = stack.ctx.app.store.db;
  const metrics = chartMetrics('postgresql');
  const firsts = await store
    .selectFrom('metric_points')
    .select(['metric', 'labels_key', 'value', 'seconds', 'ts'])
    .where('organization_id', '=', stack.org.organizationId)
    .where('target_id', '=', targetId)
    .where('metric', 'in', metrics)
    .orderBy('ts', 'asc')
    .execute();
  const kinds = new Map(
    (await store.selectFrom('metric_series').select(['metric', 'labels_key', 'kind']).where('organization_id', '=', stack.org.organizationId).where('target_id', '=', targetId).execute()).map(
      (s) => [`${s.metric} ${s.labels_key}`, s.kind as MetricKind],
    ),
  );
  const seed = new Map<string, { metric: string; labels: Record<string, string>; value: number; seconds: number | null; kind: MetricKind }>();
  for (const p of firsts) {
    const labels = JSON.parse(p.labels_key) as Record<string, string>;
    const database = labels.database ?? labels.datname;
    if (database !== undefined && database !== DATABASE) continue;
    const key = `${p.metric} ${p.labels_key}`;
    if (!seed.has(key)) seed.set(key, { metric: p.metric, labels, value: p.value, seconds: p.seconds ?? null, kind: kinds.get(key) ?? 'gauge' });
  }
  const start = until - 8 * 24 * HOUR;
  const times: number[] = [];
  // Hourly for the week, every 10 minutes for the last 30 hours (what the 6 h and 24 h views read from minute rollups).
  for (let t = Math.ceil(start / HOUR) * HOUR; t < until - 30 * HOUR; t += HOUR) times.push(t);
  for (let t = Math.ceil((until - 30 * HOUR) / 600_000) * 600_000; t < until; t += 600_000) times.push(t);
  const batch = new MetricBatch();
  for (const t of times) {
    const wave = 1 + 0.25 * Math.sin((2 * Math.PI * t) / (36 * HOUR));
    batch.add(
      stack.org.organizationId,
      targetId,
      new Date(t),
      [...seed.values()].map((s) => ({
        metric: s.metric,
        labels: s.labels,
        kind: s.kind,
        // Limits stay put; counts of things stay whole.
        value: s.metric === 'connections.max' ? s.value : s.kind === 'gauge' && /used|backends|active|waiting/.test(s.metric) ? Math.round(s.value * wave) : s.value * wave,
        ...(s.seconds ? { seconds: s.seconds } : {}),
      })),
    );
  }
  await store.transaction().execute(async (trx) => {
    await ensurePartitions(trx, 'metric_points', new Set(times.map((t) => utcDay(new Date(t)))));
    await batch.writePoints(trx);
    await batch.writeSeries(trx);
  });
  await rollupRange(store, new Date(start), new Date(until), stack.org.organizationId);
}

const t0 = Date.now();
const phase = (what: string) => process.stderr.write(`[database-page] ${what} at ${((Date.now() - t0) / 1000).toFixed(1)} s\n`);

beforeAll(async () => {
  await admin.connect();
  await admin.query(`create database ${DATABASE}`);
  [stack, browser, maria] = await Promise.all([startWebStack(), launchBrowser(), setupMysql(1, 'lt_dbp'), db.connect(), redis.connect()]);
  phase('stack up');
  await db.query('create table t (id serial primary key, note text)');
  agentStart = Date.now();
  agent = await startTestAgent(stack.url, stack.org.agentKey, [
    // Only the test's own databases: the shared servers hold every suite's, too many to collect every few seconds.
    { name: 'pg-local', url: PG_URL, engine: 'postgresql', databases: [DATABASE] },
    { name: 'redis-local', url: REDIS_URL, engine: 'redis' },
    { name: 'maria-local', url: `mysql://${maria.user}:${encodeURIComponent(maria.password)}@${maria.host}:${maria.port}/`, engine: 'mysql', databases: maria.schemas },
  ]);
  api = await apiSignIn(stack.url, stack.org.ownerEmail, stack.org.ownerPassword);
  const key = `dbpage:${RUN}`;
  await redis.set(key, 'v');
  const my = await mysqlAdmin();
  // Until every engine's counters have two buckets: work between the agent's collections (workload every 3 s).
  const needed: Array<[string, string]> = [
    ['pg-local', 'database_stats.temp_bytes'],
    ['pg-local', 'databases.size_bytes'],
    ['pg-local', 'wal.wal_bytes'],
    ['maria-local', 'globalStatus.Handler_read_key'],
    ['maria-local', 'statusGauges.Innodb_buffer_pool_pages_total'],
    ['redis-local', 'stats.keyspace_hits'],
    ['redis-local', 'persistence.rdb_changes_since_last_save'],
  ];
  let missing: string[] = [];
  await waitFor(
    async () => {
      await pgWork();
      for (let i = 0; i < 20; i++) await redis.get(i % 2 ? key : `${key}:missing`);
      await my.query(`SELECT COUNT(*) FROM ${maria.schemas[0]}.orders WHERE total > 0`);
      const counts = await Promise.all(needed.map(([t, m]) => buckets(t, m)));
      missing = needed.flatMap(([t, m], i) => (counts[i]! < 2 ? [`${t} ${m} (${counts[i]})`] : []));
      return missing.length === 0;
    },
    120_000,
    'two buckets of every engine’s counters',
  ).catch((err: Error) => {
    throw new Error(`${err.message}; still missing: ${missing.join(', ')}`);
  });
  await my.end();
  phase('agent data in');
  await backfillHistory('pg-local', agentStart - 60_000);
  phase('history backfilled');
  page = await browser.newPage({ viewport: { width: 1440, height: 900 } });
  await signIn(page, stack.url, stack.org.ownerEmail, stack.org.ownerPassword);
}, 300_000);

afterAll(async () => {
  await agent?.stop();
  await db.end().catch(() => undefined);
  await admin.query(`drop database if exists ${DATABASE} with (force)`).catch(() => undefined);
  await admin.end().catch(() => undefined);
  await redis.del(`dbpage:${RUN}`).catch(() => undefined);
  redis.disconnect();
  await maria?.cleanup().catch(() => undefined);
  await browser?.close();
  await stack?.stop();
});

async function open(path: string, shot: string): Promise<string> {
  const res = await page.goto(`${stack.url}${path}`);
  expect(res?.status(), path).toBe(200);
  await hydrated(page);
  await screenshot(page, shot);
  return (await page.locator('main').textContent()) ?? '';
}

const titles = () => page.locator('figure.chart figcaption .title').allTextContents();
const legendOf = (title: string) => page.locator('figure.chart', { has: page.locator('figcaption .title', { hasText: new RegExp(`^${title.replace(/[()%]/g, '\\$&')}$`) }) }).locator('.legend');
const captionOf = (title: string) => page.locator('figure.chart', { has: page.locator('figcaption .title', { hasText: new RegExp(`^${title.replace(/[()%]/g, '\\$&')}$`) }) }).locator('figcaption .muted');

describe('the Database page', () => {
  it('PostgreSQL: charts tuples, temporary files, block time, checkpoints, buffers, WAL, XID age and sizes, in PostgreSQL’s words', async () => {
    // The size cell is the size as last collected (operational collection every 5 s), while beforeAll's writes grew the
    // database until the charts had data: the page is read once a collection has seen the database as it is now.
    await waitFor(
      async () => {
        const now = Number((await admin.query<{ n: string }>('select pg_database_size($1)::text as n', [DATABASE])).rows[0]!.n);
        const series = await get<{ items: Array<{ labels: Record<string, string>; lastValue: number }> }>('/api/explorer/databases/pg-local/metrics?prefix=databases.size_bytes');
        const collected = series.items.find((s) => s.labels.datname === DATABASE)?.lastValue;
        return collected !== undefined && Math.abs(collected - now) / now < 0.02;
      },
      30_000,
      'a collection of the database size after the writes',
    );
    await open('/databases/pg-local', 'database-page-postgresql');
    const shown = await titles();
    expect(shown).toEqual(
      expect.arrayContaining([
        'Connections (% of limit)',
        'Transactions',
        'Shared buffers hit ratio',
        'Active sessions and lock waits',
        'Tuples read and written',
        'Temporary files',
        'Temporary file bytes',
        'Block I/O time',
        'Checkpoints',
        'Buffers written',
        'WAL written',
        'Transaction ID age (% of wraparound)',
        'Database sizes',
        'Commits per database',
      ]),
    );
    // Issue 14: no MariaDB or Redis words on a PostgreSQL page.
    expect(shown.join(' | ')).not.toMatch(/thread|evict/i);
    // Connections: the share of max_connections, the counts in words, checked against the server's own setting.
    const max = (await admin.query<{ max_connections: string }>('show max_connections')).rows[0]!.max_connections;
    const caption = (await captionOf('Connections (% of limit)').textContent()) ?? '';
    expect(caption).toMatch(new RegExp(`^\\d+ of ${max} now$`));
    const used = Number(/^(\d+)/.exec(caption)![1]);
    const percent = Number(/used: ([\d.]+) %/.exec((await legendOf('Connections (% of limit)').textContent()) ?? '')?.[1]);
    expect(Math.abs(percent - (used / Number(max)) * 100)).toBeLessThan(2);
    // The per-database table: the test database's size as PostgreSQL counts it, its temporary file and commits.
    const row = page.locator(`tr[data-database="${DATABASE}"]`);
    const cells = (await row.locator('td').allTextContents()).map((c) => c.trim());
    const size = Number((await admin.query<{ n: string }>('select pg_database_size($1)::text as n', [DATABASE])).rows[0]!.n);
    const shownSize = /^([\d.]+) (KiB|MiB)$/.exec(cells[1] ?? '');
    expect(shownSize, `size cell ${cells[1]}`).not.toBeNull();
    const bytes = Number(shownSize![1]) * (shownSize![2] === 'MiB' ? 1024 * 1024 : 1024);
    expect(Math.abs(bytes - size) / size).toBeLessThan(0.2);
    expect(cells[3]).toMatch(/^[\d.,]+\/s$/);
    expect(cells[6], 'temporary bytes of the spilled sort').toMatch(/^[\d.]+ (KiB|MiB)$/);
    for (const g of await chartGeometry(page)) expectReadableChart(g, 'PostgreSQL 1 h');
  });

  // Issue 14: overlapping time labels at long ranges, 95.37 MiB ticks, lines above the top tick.
  it.each(['6h', '24h', '7d'])('PostgreSQL at %s: every chart readable, its axis spanning the range', async (range) => {
    await open(`/databases/pg-local?range=${range}`, `database-page-postgresql-${range}`);
    const geometry = await chartGeometry(page);
    expect(geometry.length).toBeGreaterThanOrEqual(10);
    for (const g of geometry) expectReadableChart(g, `PostgreSQL ${range}`);
    // The backfilled week reaches the range's start: the axis is the whole range, not the last minutes.
    const sizes = geometry.find((g) => g.title === 'Database sizes')!;
    expect(sizes.points).toBeGreaterThanOrEqual(range === '6h' ? 20 : 100);
    if (range === '7d') expect(sizes.xLabels.map((l) => l.text).every((t) => /^[A-Z][a-z]{2} \d{1,2}$/.test(t)), sizes.xLabels.map((l) => l.text).join(', ')).toBe(true);
  });

  it('MariaDB: charts the InnoDB buffer pool (its size as the server configures it), row operations and history list length', async () => {
    await open('/databases/maria-local', 'database-page-mariadb');
    const shown = await titles();
    expect(shown).toEqual(expect.arrayContaining(['Connections (% of limit)', 'Statements and transactions', 'InnoDB buffer pool hit ratio', 'Threads and lock waits', 'InnoDB buffer pool', 'Row operations', 'InnoDB history list length']));
    expect(shown.join(' | ')).not.toMatch(/evict/i);
    const my = await mysqlAdmin();
    const [[pool]] = (await my.query('SELECT @@innodb_buffer_pool_size AS size')) as unknown as [[{ size: string }]];
    await my.end();
    const legend = (await legendOf('InnoDB buffer pool').textContent()) ?? '';
    const m = /pool size: ([\d.]+) (MiB|GiB)/.exec(legend);
    expect(m, legend).not.toBeNull();
    const bytes = Number(m![1]) * (m![2] === 'GiB' ? 1024 ** 3 : 1024 ** 2);
    expect(Math.abs(bytes - Number(pool.size)) / Number(pool.size)).toBeLessThan(0.02);
    expect(await legendOf('Row operations').textContent()).toMatch(/read: [\d.,]+\/s/);
    expect(await legendOf('InnoDB history list length').textContent()).toMatch(/undo log entries not purged: \d+/);
    for (const g of await chartGeometry(page)) expectReadableChart(g, 'MariaDB 1 h');
  });

  it('Redis: charts keyspace hits and misses, fragmentation (as INFO reads it) and persistence', async () => {
    await open('/databases/redis-local', 'database-page-redis');
    const shown = await titles();
    expect(shown).toEqual(expect.arrayContaining(['Clients (% of maxclients)', 'Commands', 'Keyspace hit ratio', 'Keyspace hits and misses', 'Memory', 'Memory fragmentation', 'Changes since the last RDB save']));
    expect(shown.join(' | ')).not.toMatch(/thread/i);
    expect(await legendOf('Keyspace hits and misses').textContent()).toMatch(/hits: [\d.,]+\/s.*misses: [\d.,]+\/s/s);
    const info = await redis.info('memory');
    const ratio = Number(/mem_fragmentation_ratio:([\d.]+)/.exec(info)![1]);
    const shownRatio = Number(/RSS \/ used: ([\d.]+)/.exec((await legendOf('Memory fragmentation').textContent()) ?? '')?.[1]);
    expect(Math.abs(shownRatio - ratio) / ratio).toBeLessThan(0.25);
    const aof = ((await redis.config('GET', 'appendonly')) as string[])[1];
    expect(await captionOf('Changes since the last RDB save').textContent()).toContain(aof === 'yes' ? 'AOF on' : 'AOF off');
    for (const g of await chartGeometry(page)) expectReadableChart(g, 'Redis 1 h');
  });
});

describe('charts stay inside their cards', () => {
  // Issue 14: at 6 h, 24 h and 7 d the wait chart painted over the sidebar and swallowed clicks on the navigation.
  it.each(['6h', '24h', '7d'])('Activity at %s: every navigation link takes its click, every chart inside its card', async (range) => {
    await open(`/activity?target=pg-local&range=${range}`, `activity-${range}`);
    // (The wait chart is empty when no session waited in the range: nothing drawn to check.)
    for (const g of await chartGeometry(page)) if (g.points > 0) expectReadableChart(g, `Activity ${range}`);
    const links = page.getByRole('navigation', { name: 'Product areas' }).getByRole('link');
    for (let i = 0; i < (await links.count()); i++) {
      const link = links.nth(i);
      const box = (await link.boundingBox())!;
      const hit = await page.evaluate(`(() => { const e = document.elementFromPoint(${box.x + box.width / 2}, ${box.y + box.height / 2}); return e ? e.closest('a')?.getAttribute('href') ?? e.tagName : null; })()`);
      expect(hit, `what is under ${await link.textContent()}`).toBe(await link.getAttribute('href'));
    }
    await Promise.all([page.waitForURL((u) => u.pathname === '/queries'), page.getByRole('navigation', { name: 'Product areas' }).getByRole('link', { name: 'Queries' }).click()]);
  });
});
