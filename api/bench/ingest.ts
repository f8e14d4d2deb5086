// npm run bench:ingest -- [--store pglite|postgres] [--pg durable|services] [--split] [--accept-only] [--seconds 20]
//                          [--concurrency 64] [--rate 0] [--targets 200]
//
// Starts the whole server (API + worker in one process, the real Temporal dev server from .tools/bin) on a fresh
// store, then many concurrent simulated agents (a process of their own) post recorded real agent payloads, gzip'd,
// over loopback HTTP. Prints accepted payloads/s, HTTP latency percentiles, end-to-end accepted→stored latency, the
// backlog over time, Temporal actions per payload, the CPU each process used and the load average. With --rate N the
// agents send at a fixed total rate (sustained mode) instead of flat out.
//
// --pg durable (the default for --store postgres) runs a PostgreSQL cluster of the bench's own with fsync and
// synchronous_commit on, as in production; --pg services uses the test-services cluster, which turns them off.
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { spawn } from 'node:child_process';
import { fork } from 'node:child_process';
import pino from 'pino';
import { sql } from 'kysely';
import { DefaultLogger, Runtime } from '@temporalio/worker';
import { createTestDatabase } from '@logstag/store/testing';
import { DEFAULT_SQLITE_PRAGMAS, freePort, startDevServer } from '@logstag/temporal';
import { testTemporalCli } from '@logstag/temporal/testing';
import { serverConfigFromEnv } from '../src/config';
import { startLogstag } from '../src/server';
import type { LoadInput, LoadResult } from './load-agents';
import { startDurablePostgres } from './durable-postgres';
import { workflowPhases } from './workflow-phases';
import { recordedPayloads } from './recorded-payloads';
import { machineBusySeconds, sampleLoadAverage, treeCpuSeconds } from './process-cpu';
import { createAgentKeysService } from '../src/agent-keys/agent-keys.service';
import { createOrganizationWithOwner } from '../src/organizations/organizations.service';
import { useTestServicesEnv } from './services-env';

// The PostgreSQL run uses the test-services cluster (`node scripts/services.mjs start`).
useTestServicesEnv();

const { values: args } = parseArgs({
  options: {
    store: { type: 'string', default: 'pglite' },
    pg: { type: 'string', default: 'durable' },
    seconds: { type: 'string', default: '20' },
    concurrency: { type: 'string', default: '64' },
    rate: { type: 'string', default: '0' },
    targets: { type: 'string', default: '200' },
    'no-wal': { type: 'boolean', default: false },
    // API without a worker in this process, the worker in a process of its own (LOGSTAG_ROLE=worker): production's shape.
    split: { type: 'boolean', default: false },
    // No worker at all: the API's accepting capacity alone (payloads stay pending; nothing is drained).
    'accept-only': { type: 'boolean', default: false },
    // Gzip every body before the run (needs --rate; rate × seconds bodies in memory) instead of just before sending.
    pregenerate: { type: 'boolean', default: false },
  },
});
const seconds = Number(args.seconds);
const concurrency = Number(args.concurrency);
const rate = Number(args.rate);

Runtime.install({ logger: new DefaultLogger('ERROR') });

function pct(sorted: number[], p: number): number {
  if (sorted.length === 0) return NaN;
  return sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))]!;
}

async function main() {
  const dir = mkdtempSync(join(tmpdir(), 'logstag-bench-'));
  const temporalPort = await freePort();
  const dev = await startDevServer({
    binary: testTemporalCli(),
    port: temporalPort,
    uiPort: null,
    dbFile: join(dir, 'temporal.db'),
    namespace: 'logstag',
    logFile: join(dir, 'temporal.log'),
    sqlitePragmas: args['no-wal'] ? [] : DEFAULT_SQLITE_PRAGMAS,
  });
  const durable = args.store === 'postgres' && args.pg === 'durable' ? await startDurablePostgres() : null;
  const tdb = durable ? { url: durable.url, drop: async () => durable.stop() } : args.store === 'postgres' ? await createTestDatabase('logstag_bench') : null;
  const config = serverConfigFromEnv({ PORT: String(await freePort()), LOGSTAG_DATA_DIR: dir, ...(tdb ? { DATABASE_URL: tdb.url } : {}) });
  if (args.split && !tdb) throw new Error('--split needs --store postgres: PGlite cannot be shared between processes');
  const app = await startLogstag({
    config,
    temporal: { mode: 'external', address: dev.address, namespace: 'logstag' },
    logger: pino({ level: 'error' }),
    runWorker: !args.split && !args['accept-only'],
  });
  const workerProcess = args.split && !args['accept-only']
    ? spawn(process.execPath, [...(process.env.BENCH_WORKER_PROF ? ['--cpu-prof', `--cpu-prof-dir=${process.env.BENCH_WORKER_PROF}`] : []), '--import', 'tsx', 'api/src/main.ts'], {
        env: { ...process.env, LOGSTAG_ROLE: 'worker', TEMPORAL_ADDRESS: dev.address, DATABASE_URL: tdb!.url, LOG_LEVEL: 'error' },
        stdio: ['ignore', 'pipe', 'inherit'],
      })
    : null;
  // Load starts once the worker polls: its start-up (loading, bundling workflows) is not part of steady state.
  if (workerProcess) {
    await new Promise<void>((ready, fail) => {
      workerProcess.stdout!.on('data', (d: Buffer) => d.toString().includes('worker is running') && ready());
      workerProcess.once('exit', (code) => fail(new Error(`the worker process exited with ${code}`)));
    });
  }
  // 200 agents, one API key each as in production: the per-key ingest rate limit (600/min) applies to each.
  const { organization, owner } = await createOrganizationWithOwner(app.store.db, {
    organizationName: 'bench',
    email: 'bench@example.com',
    name: 'Bench',
    password: 'bench-password-not-secret',
  });
  const keysService = createAgentKeysService(app.store.db);
  const keys: string[] = [];
  for (let i = 0; i < 200; i++) {
    const created = await keysService.create(organization.id, { name: `agent-${i}` }, owner.id, {
      organizationId: organization.id,
      actor: { userId: owner.id, label: owner.email },
    });
    keys.push(created.key);
  }
  const bodies = recordedPayloads(Number(args.targets));
  const cpuAt = () => ({
    server: (process.cpuUsage().user + process.cpuUsage().system) / 1e6,
    worker: workerProcess?.pid ? treeCpuSeconds(workerProcess.pid) : 0,
    temporal: treeCpuSeconds(dev.pid),
    postgres: durable ? treeCpuSeconds(durable.pid) : NaN,
    machine: machineBusySeconds(),
  });
  const input: LoadInput = { url: app.url, keys, bodies, concurrency, seconds, rate, pregenerate: args.pregenerate };
  if (args.pregenerate && !(rate > 0)) throw new Error('--pregenerate needs --rate: the number of bodies is rate × seconds');
  let started = 0;
  let cpuStart: ReturnType<typeof cpuAt> | undefined;
  let stopLoadSampling = () => ({ mean: NaN, max: NaN });
  let backlogTimer: NodeJS.Timeout | undefined;
  let lockTimer: NodeJS.Timeout | undefined;
  const backlog: Array<[number, number]> = [];
  const lockWaits = new Map<string, number>();
  const lockWaitsPer5s: number[] = [];
  let lockSamples = 0;
  // The clocks start when the agents start sending (after they made their bodies, with --pregenerate).
  const startClocks = () => {
    started = Date.now();
    cpuStart = cpuAt();
    stopLoadSampling = sampleLoadAverage();
    backlogTimer = setInterval(async () => {
      const r = await sql<{ n: number }>`select count(*)::int as n from payloads where status <> 'stored'`.execute(app.store.db);
      backlog.push([Math.round((Date.now() - started) / 1000), r.rows[0]?.n ?? -1]);
    }, 5_000);
    // Sessions waiting on a lock, sampled 4 times a second: which statements of the ingest path wait, on what, and when.
    lockTimer = setInterval(async () => {
      lockSamples++;
      const r = await sql<{ q: string; n: number }>`
        select wait_event || ': ' || left(regexp_replace(query, '[[:space:]]+', ' ', 'g'), 60) as q, count(*)::int as n from pg_stat_activity
         where wait_event_type = 'Lock' and datname = current_database() group by 1`.execute(app.store.db).catch(() => ({ rows: [] }));
      const bucket = Math.floor((Date.now() - started) / 5_000);
      for (const { q, n } of r.rows) {
        lockWaits.set(q, (lockWaits.get(q) ?? 0) + n);
        lockWaitsPer5s[bucket] = (lockWaitsPer5s[bucket] ?? 0) + n;
      }
    }, 250);
  };
  const load = await new Promise<LoadResult>((resolve, reject) => {
    const agents = fork(new URL('./load-agents.ts', import.meta.url).pathname, { execArgv: ['--import', 'tsx'] });
    agents.on('message', (m) => ((m as { ready?: boolean }).ready ? startClocks() : resolve(m as LoadResult)));
    agents.once('error', reject);
    agents.once('exit', (code) => code !== 0 && reject(new Error(`the load generator exited with ${code}`)));
    agents.send(input);
  });
  const cpuEnd = cpuAt();
  const cpu0 = cpuStart ?? cpuEnd;
  clearInterval(lockTimer);
  const loadAverage = stopLoadSampling();
  const { latencies, accepted, failed, statusCounts } = load;
  const sendSeconds = load.seconds;

  // Drain: wait until every accepted payload is stored (or give up after 10 minutes).
  const drainStart = Date.now();
  while (!args['accept-only']) {
    const r = await sql<{ n: number }>`select count(*)::int as n from payloads where status <> 'stored'`.execute(app.store.db);
    if ((r.rows[0]?.n ?? 0) === 0 || Date.now() - drainStart > 600_000) break;
    await new Promise((res) => setTimeout(res, 500));
  }
  clearInterval(backlogTimer);
  const e2e = await sql<{ ms: number }>`select extract(epoch from (stored_at - received_at)) * 1000 as ms from payloads where stored_at is not null order by 1`.execute(app.store.db);
  const e2eMs = e2e.rows.map((r) => Number(r.ms));
  // Where the end-to-end time goes: accepted → claimed by the dispatcher (workflow_started_at is set at the claim of the
  // payload's last dispatch), then claimed → stored (Temporal start, workflow task, activity, normalization).
  const phases = await sql<{ claim_ms: number; store_ms: number }>`
    select extract(epoch from (workflow_started_at - received_at)) * 1000 as claim_ms,
           extract(epoch from (stored_at - workflow_started_at)) * 1000 as store_ms
      from payloads where stored_at is not null and workflow_started_at is not null`.execute(app.store.db);
  const claimMs = phases.rows.map((r) => Number(r.claim_ms)).sort((a, b) => a - b);
  const storeMs = phases.rows.map((r) => Number(r.store_ms)).sort((a, b) => a - b);
  // The slowest minute and the p99 of each minute: is the tail spread evenly or one disturbance?
  const minutes = await sql<{ minute: number; p99: number; n: number }>`
    with t as (select received_at, extract(epoch from (stored_at - received_at)) * 1000 as ms,
                      min(received_at) over () as t0 from payloads where stored_at is not null)
    select floor(extract(epoch from (received_at - t0)) / 60)::int as minute,
           percentile_disc(0.99) within group (order by ms) as p99, count(*)::int as n
      from t group by 1 order by 1`.execute(app.store.db);
  latencies.sort((a, b) => a - b);
  let workflowCount = 0;
  let historyEvents = 0;
  const workflowIdsSeen: string[] = [];
  for await (const wf of app.client.workflow.list({ query: `WorkflowType = 'ingestWorkflow'` })) {
    workflowIdsSeen.push(wf.workflowId);
    if (workflowCount++ === 0) historyEvents = (await app.client.workflow.getHandle(wf.workflowId).fetchHistory()).events?.length ?? 0;
  }

  const wfPhases = args['accept-only'] ? null : await workflowPhases(app.client, workflowIdsSeen);
  const p50p99 = (a: number[]) => ({ p50: pct(a, 50).toFixed(0), p99: pct(a, 99).toFixed(0) });

  const result = {
    store: app.store.kind,
    processes: args['accept-only'] ? 'api only, no worker (accepting capacity)' : args.split ? 'api + separate worker process' : 'api and worker in one process',
    sqlite: args['no-wal'] ? 'default pragmas' : DEFAULT_SQLITE_PRAGMAS.join(','),
    mode: rate > 0 ? `sustained ${rate}/s` : 'flat out',
    concurrency,
    seconds: sendSeconds.toFixed(1),
    accepted,
    failed,
    failedByStatus: statusCounts,
    acceptedPerSecond: (accepted / sendSeconds).toFixed(0),
    httpMs: { p50: pct(latencies, 50).toFixed(1), p95: pct(latencies, 95).toFixed(1), p99: pct(latencies, 99).toFixed(1) },
    endToEndMs: { p50: pct(e2eMs, 50).toFixed(0), p95: pct(e2eMs, 95).toFixed(0), p99: pct(e2eMs, 99).toFixed(0), stored: e2eMs.length },
    drainSeconds: ((Date.now() - drainStart) / 1000).toFixed(1),
    endToEndPhasesMs: {
      acceptedToClaimed: { p50: pct(claimMs, 50).toFixed(0), p99: pct(claimMs, 99).toFixed(0) },
      claimedToStored: { p50: pct(storeMs, 50).toFixed(0), p99: pct(storeMs, 99).toFixed(0) },
    },
    // From the histories of up to 200 workflows spread over the run.
    workflowPhasesMs: wfPhases && {
      sampled: wfPhases.sampled,
      startedToStoreScheduled: p50p99(wfPhases.startToStoreScheduledMs),
      storeScheduledToStarted: p50p99(wfPhases.storeQueueMs),
      storeRunning: p50p99(wfPhases.storeRunMs),
      activityRetries: wfPhases.retries,
    },
    endToEndP99PerMinuteMs: minutes.rows.map((r) => Math.round(Number(r.p99))).join(' '),
    // Sessions seen waiting on a lock per statement, summed over samples every 250 ms while sending.
    lockWaitSamples: {
      samples: lockSamples,
      waiting: Object.fromEntries([...lockWaits].sort((a, b) => b[1] - a[1]).slice(0, 6)),
      per5s: Array.from(lockWaitsPer5s, (n) => n ?? 0).join(' '),
    },
    backlogEvery5s: backlog.map(([t, n]) => `${t}s:${n}`).join(' '),
    // Billable actions: 1 workflow start + 2 activities per workflow, shared by its batch.
    workflows: workflowCount,
    meanBatch: (e2eMs.length / Math.max(1, workflowCount)).toFixed(1),
    temporalActionsPerPayload: (3 * workflowCount / Math.max(1, e2eMs.length)).toFixed(3),
    temporalHistoryEventsPerWorkflow: historyEvents,
    // CPU seconds per second of sending (1.0 = one core busy), by process, and the machine's load average meanwhile.
    cpuCoresWhileSending: Object.fromEntries(
      [
        ['server (api + dispatcher' + (args.split || args['accept-only'] ? ')' : ' + worker)'), cpuEnd.server - cpu0.server],
        ['load generator', load.cpuSeconds],
        ['worker process', cpuEnd.worker - cpu0.worker],
        ['temporal dev server', cpuEnd.temporal - cpu0.temporal],
        ['postgresql (own cluster)', cpuEnd.postgres - cpu0.postgres],
        ['whole machine', cpuEnd.machine - cpu0.machine],
      ].map(([k, v]) => [k, Number.isFinite(v as number) ? ((v as number) / sendSeconds).toFixed(2) : 'n/a']),
    ),
    loadAverage1m: { mean: loadAverage.mean.toFixed(2), max: loadAverage.max.toFixed(2) },
  };
  console.log(JSON.stringify(result, null, 2));
  workerProcess?.kill('SIGTERM');
  await app.stop();
  await dev.stop();
  await tdb?.drop();
  process.exit(0);
}

main().catch((err) => {
  console.error(err);
  process.exit(1);
});
