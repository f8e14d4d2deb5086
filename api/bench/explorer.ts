// npm run bench:explorer [-- --store postgres|pglite|both --targets 100 --days 7 --metrics 30 --raw-hours 3 --requests 100]
//                          [--keep] [--reuse <database>] [--only <text>]
//
// Generates DAYS days × TARGETS targets of explorer data straight into a fresh store (explorer-data.ts), starts the whole
// server (real Temporal dev server, worker, API) on it, signs in, and times each explorer endpoint over loopback HTTP:
// REQUESTS sequential requests per endpoint after 5 warm-up ones, each for a random target. Prints p50/p95/max per endpoint.
// PostgreSQL only: --keep leaves the generated database in place (its name is printed) and --reuse <database> measures
// on it again without generating (ranges end at the data's generation time, not now), so a change can be re-measured
// in a minute instead of after minutes of generation. --only times only the endpoints whose name contains the text.
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import pg from 'pg';
import pino from 'pino';
import { sql } from 'kysely';
import { createTestDatabase, testPostgresAdminUrl, type TestDatabase } from '@logstag/store/testing';
import { freePort } from '@logstag/temporal';
import { startTestTemporal } from '@logstag/temporal/testing';
import { serverConfigFromEnv } from '../src/config';
import { FleetBucketCache, fleetOverview } from '../src/explorer/fleet.service';
import { createOrganizationWithOwner } from '../src/organizations/organizations.service';
import { startLogstag } from '../src/server';
import { generateExplorerData } from './explorer-data';
import { useTestServicesEnv } from './services-env';

// The PostgreSQL run uses the test-services cluster (`node scripts/services.mjs start`).
useTestServicesEnv();

const { values: args } = parseArgs({
  options: {
    store: { type: 'string', default: 'both' },
    targets: { type: 'string', default: '100' },
    days: { type: 'string', default: '7' },
    metrics: { type: 'string', default: '30' },
    'raw-hours': { type: 'string', default: '3' },
    queries: { type: 'string', default: '20' },
    requests: { type: 'string', default: '100' },
    keep: { type: 'boolean', default: false },
    reuse: { type: 'string' },
    only: { type: 'string' },
  },
});
const shape = { targets: Number(args.targets), days: Number(args.days), metrics: Number(args.metrics), rawHours: Number(args['raw-hours']), queriesPerTarget: Number(args.queries) };
const REQUESTS = Number(args.requests);
const HOUR = 3_600_000;

function endpoints(target: () => string, now: number): Array<[string, () => string, ((body: any) => boolean)?]> {
  const r = (hours: number) => `from=${new Date(now - hours * HOUR).toISOString()}&to=${new Date(now).toISOString()}`;
  return [
    ['inventory', () => '/api/explorer/databases?limit=50'],
    ['fleet overview 1 h', () => `/api/explorer/fleet?${r(1)}`],
    ['fleet overview 7 d', () => `/api/explorer/fleet?${r(24 * 7)}`],
    ['metric list', () => `/api/explorer/databases/${target()}/metrics?limit=50`],
    ['series 1 h (raw)', () => `/api/explorer/databases/${target()}/series?metric=bench.m09&${r(1)}`],
    ['series 24 h (1 m)', () => `/api/explorer/databases/${target()}/series?metric=bench.m09&${r(24)}`],
    ['series 7 d, step 30 min (served hourly)', () => `/api/explorer/databases/${target()}/series?metric=bench.m09&${r(24 * 7)}&step=1800`],
    ['series 7 d, step 1 h', () => `/api/explorer/databases/${target()}/series?metric=transactions.commits&${r(24 * 7)}&step=3600`],
    ['sessions at t', () => `/api/explorer/activity/${target()}/sessions?at=${new Date(now - HOUR).toISOString()}`],
    ['waits 6 h', () => `/api/explorer/activity/${target()}/waits?${r(6)}`],
    ['waits 6 h, 12 buckets (step 30 min)', () => `/api/explorer/activity/${target()}/waits?${r(6)}&step=1800`, (b) => b.buckets?.length === 12],
    ['blocking at t', () => `/api/explorer/activity/${target()}/blocking?at=${new Date(now).toISOString()}`],
    ['connections 24 h', () => `/api/explorer/activity/${target()}/connections?${r(24)}`],
    ['top queries 7 d', () => `/api/explorer/queries/${target()}/top?${r(24 * 7)}&orderBy=totalTime`],
    ['one query 7 d', () => `/api/explorer/queries/${target()}/query?fingerprint=app%2F3&${r(24 * 7)}`],
    ['schema indexes (unused)', () => `/api/explorer/schema/${target()}/objects?type=index&flag=unused`],
    ['change timeline 7 d', () => `/api/explorer/schema/${target()}/changes?${r(24 * 7)}`],
    ['assets targets', () => '/api/explorer/assets/targets?limit=100'],
  ];
}

const pct = (sorted: number[], p: number) => sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))] ?? NaN;

async function run(kind: 'postgres' | 'pglite'): Promise<void> {
  const temporal = await startTestTemporal();
  let tdb: TestDatabase | null = null;
  if (args.reuse) tdb = reusedDatabase(args.reuse);
  else if (kind === 'postgres') tdb = await createTestDatabase('logstag_bench');
  const config = serverConfigFromEnv({ PORT: String(await freePort()), LOGSTAG_DATA_DIR: mkdtempSync(join(tmpdir(), 'logstag-bench-')), ...(tdb ? { DATABASE_URL: tdb.url } : {}) });
  const app = await startLogstag({ config, temporal: { mode: 'external', address: temporal.address, namespace: temporal.namespace ?? 'logstag' }, logger: pino({ level: 'silent' }) });
  try {
    const email = 'bench@example.com';
    const password = 'bench-password-123';
    if (!args.reuse) {
      const { organization } = await createOrganizationWithOwner(app.store.db, { organizationName: 'Bench', email, name: 'Bench', password });
      const started = Date.now();
      process.stdout.write(`\n## ${kind}${tdb ? ` (database ${tdb.name})` : ''}: generating\n`);
      const counts = await generateExplorerData(app.store.db, { organizationId: organization.id, ...shape }, (line) => process.stdout.write(`${line}\n`));
      process.stdout.write(`generated in ${((Date.now() - started) / 1000).toFixed(0)} s: ${JSON.stringify(counts)}\n`);
    } else process.stdout.write(`\n## ${kind}: reusing database ${args.reuse}\n`);
    const dataNow = await sql<{ ts: Date }>`select max(last_seen) as ts from targets`.execute(app.store.db);
    const now = dataNow.rows[0]?.ts.getTime() ?? Date.now();
    const login = await fetch(`${app.url}/api/session`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ email, password }) });
    const cookie = (login.headers.getSetCookie()[0] ?? '').split(';')[0] ?? '';
    const target = () => `target-${String(Math.floor(Math.random() * shape.targets)).padStart(3, '0')}`;
    process.stdout.write('| endpoint | p50 ms | p95 ms | max ms |\n|---|---:|---:|---:|\n');
    const measure = async (name: string, once: (i: number) => Promise<void>) => {
      if (args.only && !name.includes(args.only)) return;
      const times: number[] = [];
      for (let i = 0; i < REQUESTS + 5; i += 1) {
        const t0 = performance.now();
        await once(i);
        if (i >= 5) times.push(performance.now() - t0);
      }
      times.sort((x, y) => x - y);
      process.stdout.write(`| ${name} | ${pct(times, 50).toFixed(1)} | ${pct(times, 95).toFixed(1)} | ${(times.at(-1) ?? NaN).toFixed(1)} |\n`);
    };
    for (const [name, path, answered] of endpoints(target, now)) {
      await measure(name, async (i) => {
        const res = await fetch(`${app.url}${path()}`, { headers: { cookie } });
        const body = await res.text();
        if (res.status !== 200) throw new Error(`${name}: HTTP ${res.status}`);
        // Checked on the first (untimed) request: the endpoint answers what is measured (e.g. `step` not ignored).
        if (answered && i === 0 && !answered(JSON.parse(body))) throw new Error(`${name}: unexpected answer ${body.slice(0, 200)}`);
      });
    }
    // The fleet overview's requests above all ask the same range, so after the warm-up each reads only the range's
    // partial first bucket from the store (and, on a reused database whose newest data is in the past, no newest
    // buckets): the bucket cache's best case. In process (no HTTP), the two cases an operator also meets: the first
    // open (no cached buckets) and reloads 10 s apart with the range ending at each reload's time (the newest buckets
    // read again, an entry expiring every 5 minutes).
    const orgOf = await sql<{ id: string }>`select organization_id as id from targets order by last_seen desc limit 1`.execute(app.store.db);
    const organizationId = orgOf.rows[0]?.id ?? '';
    for (const [label, hours] of [['1 h', 1], ['7 d', 24 * 7]] as const) {
      await measure(`fleet overview ${label}, first open (no bucket cache; in process)`, async () => {
        await fleetOverview(app.store.db, organizationId, { from: new Date(now - hours * HOUR), to: new Date(now) }, Date.now(), null);
      });
      const cache = new FleetBucketCache();
      await measure(`fleet overview ${label}, reloads 10 s apart (bucket cache; in process)`, async (i) => {
        const at = now - (REQUESTS + 5 - 1 - i) * 10_000;
        await fleetOverview(app.store.db, organizationId, { from: new Date(at - hours * HOUR), to: new Date(at) }, at, cache);
      });
    }
  } finally {
    await app.stop();
    await temporal.teardown();
    if (args.keep && tdb) process.stdout.write(`kept database ${tdb.name} (--reuse ${tdb.name})\n`);
    else await tdb?.drop();
  }
}

/** The test-services database a previous `--keep` run left (dropped afterwards only if not kept again). */
function reusedDatabase(name: string): TestDatabase {
  if (!/^logstag_bench_[0-9a-f]+$/.test(name)) throw new Error(`--reuse takes a database a --keep run printed (logstag_bench_…), not ${name}`);
  const url = new URL(testPostgresAdminUrl());
  url.pathname = `/${name}`;
  return {
    url: url.toString(),
    name,
    async drop() {
      const admin = new pg.Client({ connectionString: testPostgresAdminUrl() });
      await admin.connect();
      await admin.query(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`).finally(() => admin.end());
    },
  };
}

process.stdout.write(`explorer benchmark: ${JSON.stringify(shape)}, ${REQUESTS} requests per endpoint\n`);
if ((args.keep || args.reuse) && args.store !== 'postgres') throw new Error('--keep and --reuse need --store postgres');
for (const kind of args.store === 'both' ? (['postgres', 'pglite'] as const) : [args.store as 'postgres' | 'pglite']) await run(kind);
process.exit(0);
