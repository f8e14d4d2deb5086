import { randomUUID } from 'node:crypto';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Browser, Page } from 'playwright-core';
import type { RunningAgent } from '@logstag/agent';
import { postPayload, waitFor } from '../../api/test/context';
import { startTestAgent } from './support/agent';
import { launchBrowser, screenshot, seriousA11yViolations, signIn } from './support/browser';
import { apiCall, apiSignIn, type ApiSession } from './support/session';
import { startWebStack, type WebStack } from './support/stack';
import { IMG_NAME, SCRIPT_QUERY, XSS_TARGET, xssPayloads } from './support/xss-payloads';

const ADMIN_URL = process.env.LOGSTAG_TEST_PG_URL ?? 'postgres://postgres:logstag-test@127.0.0.1:55432/postgres';
const RUN = randomUUID().slice(0, 8);
const TABLE = `web_test_${RUN}`;
// A database of its own, with pg_stat_statements created in it, so other suites' expectations about the shared
// server's `postgres` database (e.g. the extension missing there) stay true.
const DATABASE = `logstag_web_${RUN}`;
const PG_URL = Object.assign(new URL(ADMIN_URL), { pathname: `/${DATABASE}` }).toString();
const REDIS_URL = process.env.LOGSTAG_TEST_REDIS_URL ?? 'redis://127.0.0.1:56379';

let stack: WebStack;
let browser: Browser;
let agent: RunningAgent;
let api: ApiSession;
let page: Page;
const admin = new pg.Client(ADMIN_URL);
const db = new pg.Client(PG_URL);
const holder = new pg.Client(PG_URL);
const waiter = new pg.Client(PG_URL);
let blockedPid = 0;
let blockedUpdate: Promise<unknown> = Promise.resolve();

async function get<T>(path: string): Promise<T> {
  const r = await apiCall<T>(stack.url, api, 'GET', path);
  return r.body;
}

beforeAll(async () => {
  await admin.connect();
  await admin.query(`create database ${DATABASE}`);
  [stack, browser] = await Promise.all([startWebStack(), launchBrowser(), db.connect(), holder.connect(), waiter.connect()]);
  await db.query('create extension if not exists pg_stat_statements');
  // A table without a primary key and with a duplicate index, for the Schema Explorer.
  await db.query(`create table ${TABLE} (id int, note text)`);
  await db.query(`insert into ${TABLE} values (1, 'a')`);
  await db.query(`create index ${TABLE}_a on ${TABLE} (id)`);
  await db.query(`create index ${TABLE}_b on ${TABLE} (id)`);
  // A session blocked by another, for the blocking tree.
  await holder.query('begin');
  await holder.query(`update ${TABLE} set note = 'held' where id = 1`);
  blockedPid = (await waiter.query<{ pid: number }>('select pg_backend_pid() as pid')).rows[0]?.pid ?? 0;
  blockedUpdate = waiter.query(`update ${TABLE} set note = 'waiting' where id = 1`).catch(() => undefined);

  agent = await startTestAgent(stack.url, stack.org.agentKey, [
    { name: 'pg-local', url: PG_URL, engine: 'postgresql' },
    { name: 'redis-local', url: REDIS_URL, engine: 'redis' },
  ]);
  for (const p of xssPayloads()) expect((await postPayload(stack.url, p, { key: stack.org.agentKey })).status).toBe(202);
  api = await apiSignIn(stack.url, stack.org.ownerEmail, stack.org.ownerPassword);
  const hasTable = async () =>
    (await get<{ items: Array<{ name: string }> }>(`/api/explorer/schema/pg-local/objects?type=table&limit=200`)).items?.some((t) => t.name.endsWith(`.${TABLE}`));
  await waitFor(async () => (await hasTable()) || (await get<{ items?: unknown[]; nextCursor?: string }>(`/api/explorer/schema/pg-local/objects?type=table&limit=200`)).nextCursor, 90_000, 'the test table in the schema snapshot');
  await waitFor(async () => (await get<{ tree: unknown[] }>('/api/explorer/activity/pg-local/blocking')).tree?.length > 0, 60_000, 'the blocked session in a runtime snapshot');
  await waitFor(async () => (await get<{ items?: unknown[] }>(`/api/explorer/queries/${XSS_TARGET}/top`)).items?.length, 60_000, 'the hostile statement');
  // Statements for the Query Explorer: counted between two workload collections, so run them after the agent started.
  await waitFor(
    async () => {
      await db.query(`select count(*) from ${TABLE} where note <> $1`, ['x']);
      const top = await get<{ items?: Array<{ text: string | null }> }>('/api/explorer/queries/pg-local/top?orderBy=calls');
      return top.items?.some((q) => q.text?.includes(TABLE));
    },
    90_000,
    'a statement of the test in the Query Explorer',
  );
  await waitFor(async () => (await get<{ items?: unknown[] }>('/api/explorer/assets/agents')).items?.length, 60_000, 'an agent heartbeat');
  await waitFor(
    async () => (await apiCall(stack.url, api, 'GET', '/api/explorer/databases/redis-local/series?metric=memory.used_bytes')).status === 200,
    60_000,
    'Redis memory in the store',
  );
  page = await browser.newPage({ viewport: { width: 1280, height: 900 } });
  await signIn(page, stack.url, stack.org.ownerEmail, stack.org.ownerPassword);
}, 240_000);

afterAll(async () => {
  await agent?.stop();
  await holder.query('rollback').catch(() => undefined);
  await blockedUpdate;
  await Promise.all([db.end(), holder.end(), waiter.end()].map((p) => p.catch(() => undefined)));
  await admin.query(`drop database if exists ${DATABASE} with (force)`).catch(() => undefined);
  await admin.end().catch(() => undefined);
  await browser?.close();
  await stack?.stop();
});

async function open(path: string, shot: string): Promise<string> {
  const res = await page.goto(`${stack.url}${path}`);
  expect(res?.status(), `${path} answers`).toBe(200);
  await screenshot(page, shot);
  const violations = await seriousA11yViolations(page);
  expect(violations.map((v) => `${v.id}: ${v.help} at ${v.nodes.map((n) => n.target.join(' ')).join(', ')}`), `axe on ${path}`).toEqual([]);
  return (await page.locator('main').textContent()) ?? '';
}

describe('explorers on the real stack, fed by the real agent', () => {
  it('Database Explorer lists the monitored PostgreSQL and Redis and filters by search and engine', async () => {
    const text = await open('/databases', 'databases');
    expect(text).toContain('pg-local');
    expect(text).toContain('redis-local');
    await page.getByLabel('Engine').selectOption('redis');
    expect(await page.locator('tbody').textContent()).not.toContain('pg-local');
    await page.getByLabel('Engine').selectOption('');
    expect(text).toMatch(/healthy/);
    await page.getByLabel('Search').fill('no-such-target');
    expect(await page.locator('tbody').textContent()).toContain('No target matches');
    await page.getByLabel('Search').fill('pg-loc');
    expect(await page.locator('tbody').textContent()).toContain('pg-local');
  });

  it('target page charts real connection counts over each range', async () => {
    const text = await open('/databases/pg-local', 'database-target');
    expect(text).toMatch(/Connections/);
    expect(text).toMatch(/used: \d+/);
    // Longer ranges read the minute rollups, which the retention workflow builds later: the chart is there either way.
    const sixHours = await open('/databases/pg-local?range=6h', 'database-target-6h');
    expect(sixHours).toContain('Connections');
    expect(await page.getByRole('navigation', { name: 'Time range' }).locator('[aria-current="true"]').textContent()).toBe('6 h');
    await page.goto(`${stack.url}/databases/pg-local`);
    // Hovering one chart moves the crosshair of every chart on the page.
    const charts = page.locator('figure.chart');
    expect(await charts.count()).toBeGreaterThan(1);
    const box = await charts.first().locator('.plot').boundingBox();
    if (box) await page.mouse.move(box.x + box.width * 0.98, box.y + box.height / 2);
    expect(await page.locator('figure.chart').nth(1).textContent()).not.toMatch(/latest/);
  });

  it('a Redis target charts its memory and operations', async () => {
    const text = await open('/databases/redis-local', 'database-target-redis');
    expect(text).toMatch(/Memory.*used: \d[\d.,]* (B|KiB|MiB|GiB)/s);
    expect(text).toContain('Throughput');
  });

  it('Activity Explorer shows the blocked session in the blocking tree and keeps the selection across refreshes', async () => {
    const text = await open('/activity?target=pg-local', 'activity');
    expect(text).toContain('Connections vs limit');
    const tree = (await page.locator('.tree').first().textContent()) ?? '';
    expect(tree).toContain(String(blockedPid));
    const first = page.locator('tbody tr button').first();
    const id = (await first.textContent())?.trim() ?? '';
    await first.click();
    await page.getByRole('region', { name: 'Sessions' }).evaluate((el) => (el.scrollTop = 40));
    const asOf = (await page.getByText(/Sessions as of/).textContent()) ?? '';
    await page.waitForFunction((before) => !(globalThis as unknown as { document: { body: { textContent: string | null } } }).document.body.textContent?.includes(before), asOf, {
      timeout: 25_000,
    });
    expect(await page.getByRole('heading', { name: `Session ${id}` }).count()).toBe(1);
    expect(await page.locator(`tbody tr button[aria-pressed="true"]`).textContent()).toBe(id);
    expect(await page.getByRole('region', { name: 'Sessions' }).evaluate((el) => el.scrollTop)).toBe(40);
  });

  it('Schema Explorer shows the table created by the test with its no-PK and duplicate-index badges', async () => {
    const name = `${DATABASE}.public.${TABLE}`;
    const text = await open(`/schema?target=pg-local&object=${encodeURIComponent(name)}`, 'schema');
    expect(text).toContain(name);
    expect(text).toContain('no primary key');
    expect(text).toContain(`${TABLE}_a`);
    expect(text).toMatch(/duplicate/);
    expect(text).toContain('Permissions');
  });

  it('Query Explorer lists the statements the test ran and opens one with its series', async () => {
    const text = await open('/queries?target=pg-local&sort=calls', 'queries');
    expect(text).toContain('Calls ▼');
    const row = page.locator('tbody tr', { hasText: `from ${TABLE}` }).first();
    expect(Number((await row.locator('td.num').nth(1).textContent())?.replace(/,/g, ''))).toBeGreaterThan(0);
    await Promise.all([page.waitForURL((u) => u.pathname === '/queries/detail'), row.locator('td.stmt a').click()]);
    const detail = await open(page.url().slice(stack.url.length), 'query-detail');
    expect(detail).toContain(TABLE);
    expect(detail).toMatch(/Calls\s*[1-9]/);
    expect(await page.locator('pre.sql span.keyword').first().textContent()).toBe('select');
  });

  it('Assets shows the agent, its host facts and the target it monitors', async () => {
    const text = await open('/assets', 'assets');
    expect(text).toContain('web-test-agent');
    expect(text).toMatch(/Version\s*\d+\.\d+/);
    expect(text).toContain('pg-local');
    expect(text).toMatch(/CPUs/);
  });

  it('text from the monitored database renders as text, never as markup or script', async () => {
    const pages = [
      `/queries?target=${XSS_TARGET}`,
      `/activity?target=${XSS_TARGET}`,
      `/schema?target=${XSS_TARGET}&object=${encodeURIComponent(`postgres.public.${IMG_NAME}`)}`,
    ];
    for (const [i, path] of pages.entries()) {
      const text = await open(path, `xss-${i}`);
      expect(text).toContain(path.startsWith('/schema') || path.startsWith('/activity') ? IMG_NAME : '<script>window.__xss=1</script>');
      expect(await page.evaluate(() => (globalThis as unknown as { __xss?: number }).__xss)).toBeUndefined();
      expect(await page.locator('main img').count()).toBe(0);
      expect(await page.locator('main script').count()).toBe(0);
    }
    await page.goto(`${stack.url}/queries?target=${XSS_TARGET}`);
    await page.locator('td.stmt a').first().click();
    await page.waitForURL((u) => u.pathname === '/queries/detail');
    expect(await page.locator('pre.sql').textContent()).toBe(SCRIPT_QUERY);
    expect(await page.locator('pre.sql span.keyword').first().textContent()).toBe('select');
    expect(await page.evaluate(() => (globalThis as unknown as { __xss?: number }).__xss)).toBeUndefined();
  });
});
