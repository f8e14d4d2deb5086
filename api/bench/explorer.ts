// npm run bench:explorer [-- --store postgres|pglite|both --targets 100 --days 7 --metrics 30 --raw-hours 3 --requests 100]
//
// Generates DAYS days × TARGETS targets of explorer data straight into a fresh store (explorer-data.ts), starts the whole
// server (real Temporal dev server, worker, API) on it, signs in, and times each explorer endpoint over loopback HTTP:
// REQUESTS sequential requests per endpoint after 5 warm-up ones, each for a random target. Prints p50/p95/max per endpoint.
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import pino from 'pino';
import { createTestDatabase, type TestDatabase } from '@logstag/store/testing';
import { freePort } from '@logstag/temporal';
import { startTestTemporal } from '@logstag/temporal/testing';
import { serverConfigFromEnv } from '../src/config';
import { createOrganizationWithOwner } from '../src/organizations/organizations.service';
import { startLogstag } from '../src/server';
import { generateExplorerData } from './explorer-data';
/* eslint-disable import-x/no-relative-packages */
// @ts-expect-error plain ESM script without types (dependency-free: it runs before npm install)
import { servicesEnv } from '../../scripts/services.mjs';
/* eslint-enable import-x/no-relative-packages */

// The PostgreSQL run uses the test-services cluster (`node scripts/services.mjs start`).
for (const [k, v] of Object.entries(servicesEnv() as Record<string, string>)) process.env[k] ??= v;

const { values: args } = parseArgs({
  options: {
    store: { type: 'string', default: 'both' },
    targets: { type: 'string', default: '100' },
    days: { type: 'string', default: '7' },
    metrics: { type: 'string', default: '30' },
    'raw-hours': { type: 'string', default: '3' },
    queries: { type: 'string', default: '20' },
    requests: { type: 'string', default: '100' },
  },
});
const shape = { targets: Number(args.targets), days: Number(args.days), metrics: Number(args.metrics), rawHours: Number(args['raw-hours']), queriesPerTarget: Number(args.queries) };
const REQUESTS = Number(args.requests);
const HOUR = 3_600_000;

function endpoints(target: () => string): Array<[string, () => string]> {
  const now = Date.now();
  const r = (hours: number) => `from=${new Date(now - hours * HOUR).toISOString()}&to=${new Date(now).toISOString()}`;
  return [
    ['inventory', () => '/api/explorer/databases?limit=50'],
    ['metric list', () => `/api/explorer/databases/${target()}/metrics?limit=50`],
    ['series 1 h (raw)', () => `/api/explorer/databases/${target()}/series?metric=bench.m05&${r(1)}`],
    ['series 24 h (1 m)', () => `/api/explorer/databases/${target()}/series?metric=bench.m05&${r(24)}`],
    ['series 7 d (1 m)', () => `/api/explorer/databases/${target()}/series?metric=bench.m05&${r(24 * 7)}&step=1800`],
    ['series 7 d (1 h)', () => `/api/explorer/databases/${target()}/series?metric=transactions.commits&${r(24 * 7)}&step=3600`],
    ['sessions at t', () => `/api/explorer/activity/${target()}/sessions?at=${new Date(now - HOUR).toISOString()}`],
    ['waits 6 h', () => `/api/explorer/activity/${target()}/waits?${r(6)}`],
    ['blocking at t', () => `/api/explorer/activity/${target()}/blocking`],
    ['connections 24 h', () => `/api/explorer/activity/${target()}/connections?${r(24)}`],
    ['top queries 7 d', () => `/api/explorer/queries/${target()}/top?${r(24 * 7)}&orderBy=totalTime`],
    ['one query 7 d', () => `/api/explorer/queries/${target()}/query?fingerprint=app%2F3&${r(24 * 7)}`],
    ['schema indexes', () => `/api/explorer/schema/${target()}/objects?type=index&flag=unused`],
    ['change timeline 7 d', () => `/api/explorer/schema/${target()}/changes?${r(24 * 7)}`],
    ['assets targets', () => '/api/explorer/assets/targets?limit=100'],
  ];
}

const pct = (sorted: number[], p: number) => sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))] ?? NaN;

async function run(kind: 'postgres' | 'pglite'): Promise<void> {
  const temporal = await startTestTemporal();
  let tdb: TestDatabase | null = null;
  if (kind === 'postgres') tdb = await createTestDatabase('logstag_bench');
  const config = serverConfigFromEnv({ PORT: String(await freePort()), LOGSTAG_DATA_DIR: mkdtempSync(join(tmpdir(), 'logstag-bench-')), ...(tdb ? { DATABASE_URL: tdb.url } : {}) });
  const app = await startLogstag({ config, temporal: { mode: 'external', address: temporal.address, namespace: temporal.namespace ?? 'logstag' }, logger: pino({ level: 'silent' }) });
  try {
    const email = 'bench@example.com';
    const password = 'bench-password-123';
    const { organization } = await createOrganizationWithOwner(app.store.db, { organizationName: 'Bench', email, name: 'Bench', password });
    const started = Date.now();
    const counts = await generateExplorerData(app.store.db, { organizationId: organization.id, ...shape });
    process.stdout.write(`\n## ${kind}: generated in ${((Date.now() - started) / 1000).toFixed(0)} s: ${JSON.stringify(counts)}\n`);
    const login = await fetch(`${app.url}/api/session`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ email, password }) });
    const cookie = (login.headers.getSetCookie()[0] ?? '').split(';')[0] ?? '';
    const target = () => `target-${String(Math.floor(Math.random() * shape.targets)).padStart(3, '0')}`;
    process.stdout.write('| endpoint | p50 ms | p95 ms | max ms |\n|---|---:|---:|---:|\n');
    for (const [name, path] of endpoints(target)) {
      const times: number[] = [];
      for (let i = 0; i < REQUESTS + 5; i += 1) {
        const t0 = performance.now();
        const res = await fetch(`${app.url}${path()}`, { headers: { cookie } });
        await res.arrayBuffer();
        if (res.status !== 200) throw new Error(`${name}: HTTP ${res.status}`);
        if (i >= 5) times.push(performance.now() - t0);
      }
      times.sort((x, y) => x - y);
      process.stdout.write(`| ${name} | ${pct(times, 50).toFixed(1)} | ${pct(times, 95).toFixed(1)} | ${(times.at(-1) ?? NaN).toFixed(1)} |\n`);
    }
  } finally {
    await app.stop();
    await temporal.teardown();
    await tdb?.drop();
  }
}

process.stdout.write(`explorer benchmark: ${JSON.stringify(shape)}, ${REQUESTS} requests per endpoint\n`);
for (const kind of args.store === 'both' ? (['postgres', 'pglite'] as const) : [args.store as 'postgres' | 'pglite']) await run(kind);
process.exit(0);
