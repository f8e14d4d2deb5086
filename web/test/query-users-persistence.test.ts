// Issue 14: the Query Explorer filters by user (pg_stat_statements counts each statement per role) and by application
// (seen running in sampled activity: pg_stat_statements has none), says on MariaDB that its digests have no user, and
// the Redis page shows the outcome of the last background save. Real PostgreSQL 15 watched by the real agent as the
// documented least-privilege monitoring user, two roles (one named with markup) running one statement, a real MariaDB,
// and a Redis 7 started for this file whose BGSAVE is made to fail. Every count is read beside the database's own.
import { randomUUID } from 'node:crypto';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Browser, Page } from 'playwright-core';
import type { RunningAgent } from '@logstag/agent';
import { setupMysql, setupPostgres, startOwnRedis, type MonitoredService, type OwnRedis } from '@logstag/agent/testing';
import { waitFor } from '../../api/test/context';
import { formatNumber } from '../src/lib/format/number';
import { startTestAgent } from './support/agent';
import { hydrated, launchBrowser, openChecked, screenshot, signIn } from './support/browser';
import { apiCall, apiSignIn, type ApiSession } from './support/session';
import { startWebStack, type WebStack } from './support/stack';

const ADMIN_URL = process.env.LOGSTAG_TEST_PG_URL ?? 'postgres://postgres:logstag-test@127.0.0.1:55432/postgres';
const RUN = randomUUID().slice(0, 8);
const APP_ROLE = `lt_qu_app_${RUN}`;
// Role and application names are the monitored database's text: rendered as text, never as markup.
const HOSTILE_ROLE = `<img src=x onerror="window.__xss=1">${RUN}`;
const BILLING = `billing-${RUN}`;
const HOSTILE_APP = `<script>window.__xss=2</script>${RUN}`;
const STATEMENT = 'select count(*) from orders where total > $1 and customer <> $2';
const PASSWORD = `pw-${RUN}`;

let stack: WebStack;
let browser: Browser;
let agent: RunningAgent;
let api: ApiSession;
let page: Page;
let pgSvc: MonitoredService & { databases: string[] };
let maria: MonitoredService & { schemas: string[] };
let redis: OwnRedis;
let database = '';
const admin = new pg.Client(ADMIN_URL);
const sessions: pg.Client[] = [];

async function get<T>(path: string): Promise<T> {
  return (await apiCall<T>(stack.url, api, 'GET', path)).body;
}

async function poll<T>(what: () => Promise<T | undefined | null | false>, timeoutMs: number, label: string): Promise<T> {
  return waitFor(async () => (await what()) || (await new Promise<undefined>((r) => setTimeout(() => r(undefined), 500))), timeoutMs, label);
}

interface TopItem {
  fingerprint: string;
  text: string | null;
  calls: number;
  totalTimeMs: number;
  rows: number;
}
interface Top {
  /** Absent while the target is unknown (a 404 body). */
  items?: TopItem[];
  users?: Array<{ name: string; statements: number }>;
}
const top = (extra = '') => get<Top>(`/api/explorer/queries/pg-qu/top?orderBy=totalTime&limit=200${extra}`);
const ours = (t: Top) => t.items?.find((q) => q.text?.includes('customer <>'));

/** A session as `user` under `application`, left open (idle: pg_stat_activity keeps its last statement's query_id). */
async function sessionOf(user: string, application: string): Promise<pg.Client> {
  const u = new URL(ADMIN_URL);
  const c = new pg.Client({ host: u.hostname, port: Number(u.port), user, password: PASSWORD, database, application_name: application });
  await c.connect();
  sessions.push(c);
  return c;
}

/** pg_stat_statements' own calls of the statement per role (the agent's first collection saw none of them). */
async function callsByRole(): Promise<Map<string, number>> {
  const db = new pg.Client({ connectionString: Object.assign(new URL(ADMIN_URL), { pathname: `/${database}` }).toString() });
  await db.connect();
  try {
    const { rows } = await db.query<{ role: string; calls: string }>(
      `select r.rolname as role, sum(s.calls)::text as calls from pg_stat_statements s join pg_roles r on r.oid = s.userid
        join pg_database d on d.oid = s.dbid where d.datname = $1 and s.query like '%customer <>%' group by r.rolname`,
      [database],
    );
    return new Map(rows.map((r) => [r.role, Number(r.calls)]));
  } finally {
    await db.end();
  }
}

const open = (path: string, shot: string): Promise<string> => openChecked(page, stack.url, path, shot);

const noMarkupRan = async () => {
  expect(await page.evaluate('window.__xss')).toBeUndefined();
  expect(await page.locator('main img[src="x"], main script').count()).toBe(0);
};

beforeAll(async () => {
  [stack, browser, pgSvc, maria, redis] = await Promise.all([startWebStack(), launchBrowser(), setupPostgres(1, 'lt_qu'), setupMysql(1, 'lt_qu'), startOwnRedis()]);
  database = pgSvc.databases[0]!;
  await admin.connect();
  for (const role of [APP_ROLE, HOSTILE_ROLE]) await admin.query(`create role ${admin.escapeIdentifier(role)} login password '${PASSWORD}'`);
  const db = new pg.Client({ connectionString: Object.assign(new URL(ADMIN_URL), { pathname: `/${database}` }).toString() });
  await db.connect();
  await db.query(`grant select on orders to ${admin.escapeIdentifier(APP_ROLE)}, ${admin.escapeIdentifier(HOSTILE_ROLE)}`);
  await db.end();

  agent = await startTestAgent(
    stack.url,
    stack.org.agentKey,
    [
      { name: 'pg-qu', url: `postgres://${pgSvc.user}:${encodeURIComponent(pgSvc.password)}@${pgSvc.host}:${pgSvc.port}/${database}`, engine: 'postgresql', databases: [database] },
      { name: 'maria-qu', url: `mysql://${maria.user}:${encodeURIComponent(maria.password)}@${maria.host}:${maria.port}/`, engine: 'mysql', databases: maria.schemas },
      { name: 'redis-qu', url: `redis://127.0.0.1:${redis.port}`, engine: 'redis' },
    ],
    'query-users-agent',
  );
  api = await apiSignIn(stack.url, stack.org.ownerEmail, stack.org.ownerPassword);
  // The roles' statements run after the agent's first workload collection: every call is in its deltas.
  await poll(async () => ((await top('&monitoring=true')).items?.length ?? 0) > 0, 60_000, 'a first PostgreSQL workload collection');
  const billing = await sessionOf(APP_ROLE, BILLING);
  const hostile = await sessionOf(HOSTILE_ROLE, HOSTILE_APP);
  for (let i = 0; i < 7; i++) await billing.query(STATEMENT, [i, 'c1']);
  for (let i = 0; i < 4; i++) await hostile.query(STATEMENT, [i * 10, 'c2']);
  page = await browser.newPage({ viewport: { width: 1440, height: 900 } });
  await signIn(page, stack.url, stack.org.ownerEmail, stack.org.ownerPassword);
}, 120_000);

afterAll(async () => {
  await agent?.stop();
  await Promise.all(sessions.map((c) => c.end().catch(() => undefined)));
  // The database goes first: with it the roles' privileges on its table, so the roles can be dropped.
  await pgSvc?.cleanup().catch(() => undefined);
  for (const role of [APP_ROLE, HOSTILE_ROLE]) await admin.query(`drop role if exists ${admin.escapeIdentifier(role)}`).catch(() => undefined);
  await admin.end().catch(() => undefined);
  await maria?.cleanup().catch(() => undefined);
  await redis?.stop();
  await browser?.close();
  await stack?.stop();
});

describe('Query Explorer by user and application, Redis save status (issue 14)', () => {
  it('PostgreSQL: each role’s calls as pg_stat_statements counts them, the applications seen in sampled activity, names shown as text', async () => {
    const expected = await callsByRole();
    expect(expected.get(APP_ROLE)).toBe(7);
    expect(expected.get(HOSTILE_ROLE)).toBe(4);
    const enc = encodeURIComponent;
    const all = await poll(async () => { const t = await top(); return ours(t)?.calls === 11 && t; }, 30_000, 'both roles’ calls collected');
    const statement = ours(all)!;
    expect(all.users?.map((u) => u.name)).toEqual(expect.arrayContaining([APP_ROLE, HOSTILE_ROLE]));
    // Per user: that role's calls alone, as the database counts them; rows and time are its share too.
    const forApp = ours(await top(`&user=${enc(APP_ROLE)}`));
    const forHostile = ours(await top(`&user=${enc(HOSTILE_ROLE)}`));
    expect(forApp?.calls).toBe(expected.get(APP_ROLE));
    expect(forHostile?.calls).toBe(expected.get(HOSTILE_ROLE));
    expect((forApp?.rows ?? 0) + (forHostile?.rows ?? 0)).toBe(statement.rows);
    expect((forApp?.totalTimeMs ?? 0) + (forHostile?.totalTimeMs ?? 0)).toBeCloseTo(statement.totalTimeMs, 3);
    // A user who never ran it: not listed. The monitoring role's statements are its own, not this one.
    expect(ours(await top(`&user=${enc(pgSvc.user)}&monitoring=true`))).toBeUndefined();

    // Applications: both idle sessions show the statement as their last one (query_id) in the agent's samples.
    const apps = await poll(
      async () => {
        const a = await get<{ basis: string; items?: Array<{ application: string; statements: number }> }>('/api/explorer/queries/pg-qu/applications');
        return [BILLING, HOSTILE_APP].every((n) => a.items?.some((i) => i.application === n)) && a;
      },
      30_000,
      'both applications seen in sampled activity',
    );
    expect(apps.basis).toBe('sampled activity');
    expect(ours(await top(`&application=${enc(BILLING)}`))?.fingerprint).toBe(statement.fingerprint);
    expect((await top(`&application=${enc(`nobody-${RUN}`)}`)).items).toEqual([]);

    // The page: choose the role named with markup; its calls, its name as text; nothing it carries runs.
    await open('/queries?target=pg-qu', 'query-users');
    await Promise.all([page.waitForURL((u) => u.searchParams.get('user') === HOSTILE_ROLE), page.locator('select[name="user"]').selectOption(HOSTILE_ROLE)]);
    await hydrated(page);
    const row = page.locator(`tr[data-fingerprint="${statement.fingerprint}"]`);
    expect((await row.locator('td.num').nth(1).textContent())?.trim()).toBe(formatNumber(4));
    expect(await page.getByTestId('user-note').textContent()).toContain(HOSTILE_ROLE);
    await noMarkupRan();
    await screenshot(page, 'query-users-filtered');
    // By application: the statement, and the note saying what "seen" means.
    await page.goto(`${stack.url}/queries?${new URLSearchParams({ target: 'pg-qu', application: HOSTILE_APP })}`);
    await hydrated(page);
    expect(await page.locator(`tr[data-fingerprint="${statement.fingerprint}"]`).count()).toBe(1);
    expect(await page.getByTestId('application-note').textContent()).toMatch(/seen running in sampled activity/);
    expect(await page.locator('select[name="application"]').inputValue()).toBe(HOSTILE_APP);
    await noMarkupRan();

    // The detail: calls per user, the applications seen with it.
    await open(`/queries/detail?${new URLSearchParams({ target: 'pg-qu', fingerprint: statement.fingerprint, range: '1h' })}`, 'query-users-detail');
    const userRows = await page.getByTestId('statement-users').locator('tbody tr').all();
    const byUser = Object.fromEntries(await Promise.all(userRows.map(async (r) => (await r.locator('td').allTextContents()).slice(0, 2) as [string, string])));
    expect(byUser).toEqual({ [APP_ROLE]: formatNumber(7), [HOSTILE_ROLE]: formatNumber(4) });
    const seen = (await page.getByTestId('statement-applications').textContent()) ?? '';
    expect(seen).toContain(BILLING);
    expect(seen).toContain(HOSTILE_APP);
    await noMarkupRan();
  });

  it('MariaDB: says its digests have no user or application instead of offering a filter', async () => {
    await poll(async () => ((await get<{ items?: unknown[] }>('/api/explorer/queries/maria-qu/top?monitoring=true')).items?.length ?? 0) > 0, 30_000, 'a MariaDB workload collection');
    await open('/queries?target=maria-qu', 'query-users-mariadb');
    expect(await page.getByTestId('no-user-filter').textContent()).toMatch(/per schema and digest .*not per user or application/);
    expect(await page.locator('select[name="user"], select[name="application"]').count()).toBe(0);
  });

  it('Redis: the persistence card says the last RDB save failed, as INFO persistence does, and ok again after a good save', async () => {
    const caption = () =>
      page.locator('figure.chart', { has: page.locator('figcaption .title', { hasText: /^Changes since the last RDB save$/ }) }).locator('figcaption .muted').textContent();
    const shown = async (pattern: RegExp) =>
      poll(
        async () => {
          await page.goto(`${stack.url}/databases/redis-qu`);
          await hydrated(page);
          const text = (await caption().catch(() => null)) ?? '';
          return pattern.test(text) && text;
        },
        30_000,
        `the persistence caption matching ${pattern}`,
      );
    expect(await shown(/last RDB save ok/)).not.toMatch(/FAILED/);
    await redis.failBgsave();
    expect(await redis.admin.info('persistence')).toMatch(/rdb_last_bgsave_status:err/);
    // The newest chart bucket (12 s at 1 h) that holds both the last ok and the failure reads "failed during the latest
    // period"; the next ones FAILED. Either says it failed (and neither is shown while every save succeeds).
    await shown(/last RDB save (FAILED|failed during the latest period)/);
    await open('/databases/redis-qu', 'redis-save-failed');
    await redis.repairBgsave();
    await shown(/last RDB save ok/);
  });
});
