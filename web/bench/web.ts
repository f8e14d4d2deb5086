// `npm run bench:web` (BENCH_RUNS=5, BENCH_ONLY=<page name texts, comma-separated>): every page of the dashboard on loopback, against the real stack fed by the real agent (local
// PostgreSQL at LOGSTAG_TEST_PG_URL). For each page: first contentful paint, time until its data is on screen (a
// page-specific element), and the gzip size of the JavaScript it loads. Median of RUNS cold loads (fresh browser
// context, empty cache, signed in). Goals: < 1 s and < 250 KB.
import { randomUUID } from 'node:crypto';
import { gzipSync } from 'node:zlib';
import pg from 'pg';
import type { BrowserContext } from 'playwright-core';
import { launchBrowser, signIn } from '../test/support/browser';
import { apiCall, apiSignIn } from '../test/support/session';
import { startTestAgent } from '../test/support/agent';
import { startWebStack } from '../test/support/stack';
import { waitFor } from '../../api/test/context';

const RUNS = Number(process.env.BENCH_RUNS ?? 5);
/** Only the pages whose name contains one of these comma-separated texts (case-insensitive), to re-measure a page in a minute. */
const ONLY = (process.env.BENCH_ONLY ?? '').toLowerCase().split(',').filter((t) => t !== '');
const ADMIN_URL = process.env.LOGSTAG_TEST_PG_URL ?? 'postgres://postgres:logstag-test@127.0.0.1:55432/postgres';
// A database of the bench's own with pg_stat_statements and a little workload, dropped at the end.
const DATABASE = `logstag_web_bench_${randomUUID().slice(0, 8)}`;
const PG_URL = Object.assign(new URL(ADMIN_URL), { pathname: `/${DATABASE}` }).toString();
const admin = new pg.Client(ADMIN_URL);
await admin.connect();
await admin.query(`create database ${DATABASE}`);
const work = new pg.Client(PG_URL);
await work.connect();
await work.query('create extension if not exists pg_stat_statements');
await work.query('create table orders (id serial primary key, customer int, total numeric)');
await work.query('insert into orders (customer, total) select g % 100, g from generate_series(1, 5000) g');
// A large schema of the bench's own, the same at every run: BENCH_SCHEMA_TABLES tables (default 400) of 8 columns
// and 2 indexes each, 3,200 columns in all. The agent collects this database only: the shared cluster holds whatever
// databases other suites left, and the Schema page was measured on all of them (issue 14: 692 ms, then 2,964 ms).
const SCHEMA_TABLES = Number(process.env.BENCH_SCHEMA_TABLES ?? 400);
await work.query(`do $$ begin for i in 1..${SCHEMA_TABLES} loop
  execute format('create table app_%s (id bigserial primary key, account_id int not null, status text, amount numeric, note text, created_at timestamptz default now(), updated_at timestamptz, payload jsonb)', i);
  execute format('create index app_%s_account on app_%s (account_id, created_at)', i, i);
end loop; end $$`);

interface PageSpec {
  name: string;
  path: string;
  /** The element that means "the data is shown". */
  data: string;
}

const stack = await startWebStack();
// Short runtime and workload intervals so the explorers fill within a minute; operational and schema collections at
// their production cadence (10 minutes, 4 hours; each runs once at start): 400 tables' statistics every 5 s, stored in
// the same process's PGlite, were the bench's main load and put the pages' reads behind them.
const agent = await startTestAgent(stack.url, stack.org.agentKey, [{ name: 'pg-local', url: PG_URL, engine: 'postgresql', databases: [DATABASE], intervals: { operational: 600, schema: 14_400 } }], 'bench-agent');
const session = await apiSignIn(stack.url, stack.org.ownerEmail, stack.org.ownerPassword);
const get = async <T>(path: string) => (await apiCall<T>(stack.url, session, 'GET', path)).body;
process.stderr.write('waiting for the agent to fill the explorers…\n');
await waitFor(async () => (await get<{ items?: unknown[] }>('/api/explorer/schema/pg-local/objects?type=table&limit=1')).items?.length, 120_000, 'a schema snapshot');
await waitFor(async () => (await get<{ items?: unknown[] }>('/api/explorer/assets/agents')).items?.length, 60_000, 'a heartbeat');
const top = await waitFor(
  async () => {
    await work.query('select customer, sum(total) from orders where customer = $1 group by customer', [Math.floor(Math.random() * 100)]);
    const t = await get<{ items?: Array<{ fingerprint: string }> }>('/api/explorer/queries/pg-local/top');
    return t.items?.length ? t : null;
  },
  90_000,
  'statements in the Query Explorer',
);
const fingerprint = top.items?.[0]?.fingerprint;

const PAGES: PageSpec[] = [
  { name: 'Sign-in', path: '/login', data: 'form button[type=submit]' },
  { name: 'Overview', path: '/', data: 'tbody tr td a' },
  { name: 'Database Explorer', path: '/databases', data: 'tbody tr td a' },
  { name: 'Database target (1 h)', path: '/databases/pg-local', data: 'figure.chart strong' },
  { name: 'Database target (7 d)', path: '/databases/pg-local?range=7d', data: 'figure.chart' },
  { name: 'Activity', path: '/activity?target=pg-local', data: 'tbody tr button' },
  { name: 'Queries', path: '/queries?target=pg-local', data: 'main table, main .card[role=status]' },
  ...(fingerprint ? [{ name: 'Query detail', path: `/queries/detail?target=pg-local&fingerprint=${encodeURIComponent(fingerprint)}`, data: 'pre.sql' }] : []),
  { name: 'Schema', path: '/schema?target=pg-local', data: '.tree summary' },
  { name: 'Schema (a table open)', path: `/schema?target=pg-local&object=${DATABASE}.public.app_1`, data: '#object-title' },
  { name: 'Assets', path: '/assets', data: 'section.agent h2' },
  { name: 'Admin: users', path: '/admin', data: 'tbody tr' },
  { name: 'Admin: agent keys', path: '/admin/agent-keys', data: 'tbody tr' },
  { name: 'Audit Logs', path: '/audit', data: 'tbody tr' },
];

const browser = await launchBrowser();
const login = await browser.newContext();
await signIn(await login.newPage(), stack.url, stack.org.ownerEmail, stack.org.ownerPassword);
const cookies = await login.cookies();

async function measure(spec: PageSpec): Promise<{ fcp: number; data: number; jsGzip: number; ttfb: number; html: number }> {
  const context: BrowserContext = await browser.newContext({ viewport: { width: 1280, height: 900 } });
  if (spec.path !== '/login') await context.addCookies(cookies);
  // Marks the moment the data element first exists, from the page's own clock (navigation start = 0).
  // A string, not a function: tsx's keepNames would put helpers into a serialized function that the page lacks.
  await context.addInitScript(`(() => {
    const selector = ${JSON.stringify(spec.data)};
    const check = () => {
      if (window.__dataShownAt === undefined && document.querySelector(selector)) window.__dataShownAt = performance.now();
    };
    new MutationObserver(check).observe(document, { childList: true, subtree: true });
    document.addEventListener('DOMContentLoaded', check);
  })();`);
  const page = await context.newPage();
  let jsGzip = 0;
  const pending: Array<Promise<void>> = [];
  page.on('response', (res) => {
    if (res.request().resourceType() === 'script') pending.push(res.body().then((b) => void (jsGzip += gzipSync(b).length), () => undefined));
  });
  await page.goto(`${stack.url}${spec.path}`, { waitUntil: 'load' });
  await page.waitForSelector(spec.data, { state: 'attached', timeout: 15_000 });
  await page.waitForLoadState('networkidle');
  await Promise.all(pending);
  const [fcp, data, ttfb, html] = await page.evaluate(() => {
    // The page's navigation entry (a DOM type; this file is type-checked against Node's).
    const nav = (performance.getEntriesByType as (type: string) => unknown[])('navigation')[0] as { responseStart: number; responseEnd: number } | undefined;
    return [
      performance.getEntriesByName('first-contentful-paint')[0]?.startTime ?? NaN,
      (globalThis as unknown as { __dataShownAt?: number }).__dataShownAt ?? NaN,
      nav?.responseStart ?? NaN,
      nav?.responseEnd ?? NaN,
    ];
  });
  await context.close();
  // Data in the DOM before the first paint is on screen at the first paint.
  return { fcp: fcp ?? NaN, data: Math.max(fcp ?? NaN, data ?? NaN), jsGzip, ttfb: ttfb ?? NaN, html: html ?? NaN };
}

const median = (xs: number[]) => xs.slice().sort((a, b) => a - b)[Math.floor(xs.length / 2)] ?? NaN;
const rows: string[] = [];
for (const spec of PAGES) {
  if (ONLY.length > 0 && !ONLY.some((t) => spec.name.toLowerCase().includes(t))) continue;
  const runs = [];
  for (let i = 0; i < RUNS; i++) runs.push(await measure(spec));
  const fcp = median(runs.map((r) => r.fcp));
  const data = median(runs.map((r) => r.data));
  const kb = median(runs.map((r) => r.jsGzip)) / 1024;
  const ok = fcp < 1000 && data < 1000 && kb < 250 ? 'yes' : 'NO';
  rows.push(`| ${spec.name} | \`${spec.path.split('?')[0]}\` | ${fcp.toFixed(0)} | ${data.toFixed(0)} | ${kb.toFixed(1)} | ${ok} |`);
  // Where a slow page's time goes: the server's first byte and the document's last (streamed data included).
  const ttfb = median(runs.map((r) => r.ttfb));
  const html = median(runs.map((r) => r.html));
  process.stderr.write(`${spec.name}: fcp ${fcp.toFixed(0)} ms, data ${data.toFixed(0)} ms, js ${kb.toFixed(1)} KB gzip (first byte ${ttfb.toFixed(0)} ms, document ${html.toFixed(0)} ms)\n`);
}

process.stdout.write(
  [
    `Median of ${RUNS} cold loads per page (new browser context, empty cache), Chromium ${browser.version()}, loopback, PGlite store, ${new Date().toISOString().slice(0, 10)}.`,
    '',
    '| Page | Path | First contentful paint (ms) | Data shown (ms) | JavaScript (KB gzip) | Within goals |',
    '|---|---|---:|---:|---:|---|',
    ...rows,
    '',
  ].join('\n'),
);
await browser.close();
await agent.stop();
await stack.stop();
await work.end();
await admin.query(`drop database if exists ${DATABASE} with (force)`);
await admin.end();
