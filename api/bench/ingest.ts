// npm run bench:ingest -- [--store pglite|postgres] [--pg durable|services] [--split] [--workers 1] [--backlog]
//                          [--accept-only] [--seconds 20] [--concurrency 64] [--rate 0] [--targets 200]
//                          [--worker-concurrency N] [--max-batch N] [--max-in-flight N] [--drain-timeout 600] [--pregenerate]
//                          [--pg-statements]
//
// Starts the whole server (API + worker in one process, the real Temporal dev server from .tools/bin) on a fresh
// store, then many concurrent simulated agents (a process of their own) post recorded real agent payloads, gzip'd,
// over loopback HTTP. Prints accepted payloads/s, HTTP latency percentiles, end-to-end accepted→stored latency, the
// backlog over time, Temporal actions per payload, the CPU each process used and the load average. With --rate N the
// agents send at a fixed total rate (sustained mode) instead of flat out.
//
// The two figures the ingest goals are stated in (docs/benchmarks.md):
// - capacity: accepted AND stored per second while the agents send, and whether the backlog stayed flat;
// - drain: after the load, how fast the backlog that built up is stored. --backlog holds the worker back until the
//   agents are done, so the whole load becomes a backlog and the drain is timed alone (needs --split).
// Deadlocks and rollbacks come from pg_stat_database, read before and after. The figures are printed even when the
// backlog does not drain within --drain-timeout seconds, and on SIGINT/SIGTERM (the run stops, prints what it has and
// stops every process it started; a second signal stops at once).
//
// --pg durable (the default for --store postgres) runs a PostgreSQL cluster of the bench's own with fsync and
// synchronous_commit on, as in production; --pg services uses the test-services cluster, which turns them off.
// --pg-statements loads pg_stat_statements into the durable cluster too (counted from when the agents start).
//
// Cost per payload, the figure that does not depend on how busy the machine is: `cpuMsPerStoredPayload` divides each
// process's CPU from the first payload sent to the end of the drain by the payloads stored meanwhile, and
// `postgresCpuCores` splits PostgreSQL's CPU by backend (the API's and the worker's connections by application_name,
// autovacuum, WAL writer, checkpointer…).
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { fork, spawn, type ChildProcess } from 'node:child_process';
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
import { backlogOf, databaseCounters, storedBetween, topStatements, type DatabaseCounters } from './pg-counters';
import { capacityFigures, drainFigures, type BacklogSample } from './throughput';
import { pgCpuByGroup, pgCpuSnapshot, type PgCpuSnapshot } from './pg-process-cpu';
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
    // Worker processes with --split.
    workers: { type: 'string', default: '1' },
    // Activities per worker (LOGSTAG_WORKER_CONCURRENCY); unset: the server's default for the store.
    'worker-concurrency': { type: 'string' },
    // Most payloads per ingest workflow (LOGSTAG_INGEST_MAX_BATCH); unset: the dispatcher's default.
    'max-batch': { type: 'string' },
    // Most payloads claimed and not yet stored (LOGSTAG_INGEST_MAX_IN_FLIGHT); unset: the dispatcher's default.
    'max-in-flight': { type: 'string' },
    // With --split: start the worker(s) only when the agents are done, and time the drain of the whole load.
    backlog: { type: 'boolean', default: false },
    // Seconds to wait for the backlog to drain after the load before printing the figures as they are.
    'drain-timeout': { type: 'string', default: '600' },
    // No worker at all: the API's accepting capacity alone (payloads stay pending; nothing is drained).
    'accept-only': { type: 'boolean', default: false },
    // Gzip every body before the run (needs --rate; rate × seconds bodies in memory) instead of just before sending.
    pregenerate: { type: 'boolean', default: false },
    // Durable cluster: load pg_stat_statements (reset when the agents start) and report the top statements.
    'pg-statements': { type: 'boolean', default: false },
  },
});
const seconds = Number(args.seconds);
const concurrency = Number(args.concurrency);
const rate = Number(args.rate);
const workerCount = Number(args.workers);
const drainTimeoutMs = Number(args['drain-timeout']) * 1000;
const workerConcurrency = args['worker-concurrency'];

Runtime.install({ logger: new DefaultLogger('ERROR') });

function pct(sorted: number[], p: number): number {
  if (sorted.length === 0) return NaN;
  return sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))]!;
}

/** SIGINT/SIGTERM: the first stops the load and the drain (the figures are still printed); a second exits at once. */
const interrupted = new AbortController();
const cleanups: Array<() => unknown> = [];
async function cleanUp(): Promise<void> {
  for (const c of cleanups.splice(0).reverse()) await Promise.resolve(c()).catch(() => undefined);
}
for (const signal of ['SIGINT', 'SIGTERM'] as const) {
  process.on(signal, () => {
    if (!interrupted.signal.aborted) {
      console.error(`bench: ${signal}: stopping the load and the drain, then printing the figures`);
      interrupted.abort();
      return;
    }
    console.error(`bench: second ${signal}: stopping the processes and exiting`);
    void cleanUp().finally(() => process.exit(130));
  });
}

/** A wait that ends early when the run is interrupted. */
function pause(ms: number): Promise<void> {
  return new Promise((resolve) => {
    const done = () => {
      clearTimeout(timer);
      interrupted.signal.removeEventListener('abort', done);
      resolve();
    };
    const timer = setTimeout(done, ms);
    interrupted.signal.addEventListener('abort', done, { once: true });
  });
}

/** A worker-only process (LOGSTAG_ROLE=worker); resolves once it polls. */
function startWorkerProcess(env: NodeJS.ProcessEnv, index: number): { proc: ChildProcess; ready: Promise<void> } {
  const prof = process.env.BENCH_WORKER_PROF ? ['--cpu-prof', `--cpu-prof-dir=${process.env.BENCH_WORKER_PROF}`] : [];
  const proc = spawn(process.execPath, [...prof, '--import', 'tsx', 'api/src/main.ts'], { env, stdio: ['ignore', 'pipe', 'inherit'] });
  const ready = new Promise<void>((resolve, reject) => {
    proc.stdout!.on('data', (d: Buffer) => d.toString().includes('worker is running') && resolve());
    proc.once('exit', (code) => reject(new Error(`worker process ${index} exited with ${code}`)));
  });
  return { proc, ready };
}

/** Stops a child with SIGTERM and waits for it (SIGKILL after 15 s). */
async function stopChild(proc: ChildProcess): Promise<void> {
  if (proc.exitCode !== null || proc.signalCode !== null) return;
  const exited = new Promise<void>((resolve) => proc.once('exit', () => resolve()));
  proc.kill('SIGTERM');
  const timer = setTimeout(() => proc.kill('SIGKILL'), 15_000);
  await exited;
  clearTimeout(timer);
}

async function main() {
  if (args.backlog && !args.split) throw new Error('--backlog needs --split: the worker must be a process of its own to start it late');
  if (args.pregenerate && !(rate > 0)) throw new Error('--pregenerate needs --rate: the number of bodies is rate × seconds');
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
  cleanups.push(() => dev.stop());
  const durable =
    args.store === 'postgres' && args.pg === 'durable'
      ? await startDurablePostgres(args['pg-statements'] ? [`shared_preload_libraries = 'pg_stat_statements'`, `pg_stat_statements.track = top`] : [])
      : null;
  const tdb = durable ? { url: durable.url, drop: async () => durable.stop() } : args.store === 'postgres' ? await createTestDatabase('logstag_bench') : null;
  if (tdb) cleanups.push(() => tdb.drop());
  // Each process's connections name themselves, so PostgreSQL's CPU can be split between the API and the worker.
  const named = (url: string, name: string) => `${url}${url.includes('?') ? '&' : '?'}application_name=${name}`;
  const config = serverConfigFromEnv({
    PORT: String(await freePort()),
    LOGSTAG_DATA_DIR: dir,
    ...(tdb ? { DATABASE_URL: named(tdb.url, 'bench-api') } : {}),
    ...(workerConcurrency ? { LOGSTAG_WORKER_CONCURRENCY: workerConcurrency } : {}),
    ...(args['max-batch'] ? { LOGSTAG_INGEST_MAX_BATCH: args['max-batch'] } : {}),
    ...(args['max-in-flight'] ? { LOGSTAG_INGEST_MAX_IN_FLIGHT: args['max-in-flight'] } : {}),
  });
  if (args.split && !tdb) throw new Error('--split needs --store postgres: PGlite cannot be shared between processes');
  const app = await startLogstag({
    config,
    temporal: { mode: 'external', address: dev.address, namespace: 'logstag' },
    logger: pino({ level: 'error' }),
    runWorker: !args.split && !args['accept-only'],
  });
  cleanups.push(() => app.stop());
  const workerEnv: NodeJS.ProcessEnv = {
    ...process.env,
    LOGSTAG_ROLE: 'worker',
    TEMPORAL_ADDRESS: dev.address,
    DATABASE_URL: tdb ? named(tdb.url, 'bench-worker') : undefined,
    LOG_LEVEL: 'error',
    ...(workerConcurrency ? { LOGSTAG_WORKER_CONCURRENCY: workerConcurrency } : {}),
  };
  const workers: ChildProcess[] = [];
  const startWorkers = async () => {
    const started = Array.from({ length: workerCount }, (_, i) => startWorkerProcess(workerEnv, i));
    for (const w of started) {
      workers.push(w.proc);
      cleanups.push(() => stopChild(w.proc));
    }
    await Promise.all(started.map((w) => w.ready));
  };
  // Load starts once the worker polls: its start-up (loading, bundling workflows) is not part of steady state.
  if (args.split && !args['accept-only'] && !args.backlog) await startWorkers();
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
    worker: workers.reduce((sum, w) => sum + (w.pid ? treeCpuSeconds(w.pid) : 0), 0),
    temporal: treeCpuSeconds(dev.pid),
    postgres: durable ? treeCpuSeconds(durable.pid) : NaN,
    machine: machineBusySeconds(),
  });
  const countersBefore = tdb ? await databaseCounters(app.store.db) : null;
  const input: LoadInput = { url: app.url, keys, bodies, concurrency, seconds, rate, pregenerate: args.pregenerate };
  let started = 0;
  let cpuStart: ReturnType<typeof cpuAt> | undefined;
  let pgCpuStart: Promise<PgCpuSnapshot | null> = Promise.resolve(null);
  let stopLoadSampling = () => ({ mean: NaN, max: NaN });
  let lockTimer: NodeJS.Timeout | undefined;
  const backlog: BacklogSample[] = [];
  const lockWaits = new Map<string, number>();
  const lockWaitsPer5s: number[] = [];
  let lockSamples = 0;
  // Backlog every second, from the first payload to the end of the drain: the capacity and drain figures come from it.
  let sampling = true;
  const sampleBacklog = async () => {
    while (sampling) {
      const n = await backlogOf(app.store.db);
      if (n !== null) backlog.push([Date.now() - started, n]);
      await new Promise((r) => setTimeout(r, 1_000));
    }
  };
  let backlogSampler: Promise<void> = Promise.resolve();
  // The clocks start when the agents start sending (after they made their bodies, with --pregenerate).
  const startClocks = () => {
    started = Date.now();
    cpuStart = cpuAt();
    if (durable) pgCpuStart = pgCpuSnapshot(app.store.db, durable.pid);
    if (args['pg-statements']) void sql`select pg_stat_statements_reset()`.execute(app.store.db).catch(() => undefined);
    stopLoadSampling = sampleLoadAverage();
    backlogSampler = sampleBacklog();
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
    cleanups.push(() => agents.exitCode === null && agents.kill('SIGKILL'));
    const stop = () => agents.connected && agents.send({ stop: true });
    interrupted.signal.addEventListener('abort', stop, { once: true });
    agents.on('message', (m) => ((m as { ready?: boolean }).ready ? startClocks() : resolve(m as LoadResult)));
    agents.once('error', reject);
    agents.once('exit', (code) => code !== 0 && reject(new Error(`the load generator exited with ${code}`)));
    agents.send(input);
  });
  const loadEnd = Date.now();
  const cpuEnd = cpuAt();
  const pgCpuLoadEnd = durable ? await pgCpuSnapshot(app.store.db, durable.pid) : null;
  const cpu0 = cpuStart ?? cpuEnd;
  const loadAverage = stopLoadSampling();
  const { latencies, accepted, failed, statusCounts } = load;
  const sendSeconds = load.seconds;
  const storedWhileSending = await storedBetween(app.store.db, started, loadEnd);

  // Drain: wait until every accepted payload is stored, the timeout passes or the run is interrupted.
  let drainStart = Date.now();
  if (args.backlog && !interrupted.signal.aborted) {
    await startWorkers();
    drainStart = Date.now();
  }
  const backlogAtDrainStart = (await backlogOf(app.store.db)) ?? NaN;
  const cpuDrain0 = cpuAt();
  let left: number | null = backlogAtDrainStart;
  while (!args['accept-only'] && !interrupted.signal.aborted && left !== 0 && Date.now() - drainStart < drainTimeoutMs) {
    await pause(500);
    left = await backlogOf(app.store.db);
  }
  const drainEnd = Date.now();
  left = await backlogOf(app.store.db);
  const cpuDrain1 = cpuAt();
  const pgCpuDrainEnd = durable ? await pgCpuSnapshot(app.store.db, durable.pid) : null;
  clearInterval(lockTimer);
  sampling = false;
  await backlogSampler;
  const storedWhileDraining = await storedBetween(app.store.db, drainStart, drainEnd + 1);
  // Backends report their counters when idle or gone: stop the workers first so that every deadlock is counted.
  await Promise.all(workers.map(stopChild));
  await pause(1_500);
  const countersAfter = tdb ? await databaseCounters(app.store.db) : null;

  const report = await reportOf({
    app,
    args,
    latencies,
    accepted,
    failed,
    statusCounts,
    sendSeconds,
    loadCpuSeconds: load.cpuSeconds,
    loadMs: loadEnd - started,
    storedWhileSending,
    drain: drainFigures({ backlogAtStart: backlogAtDrainStart, ms: drainEnd - drainStart, stored: storedWhileDraining, left }),
    backlog,
    counters: { before: countersBefore, after: countersAfter },
    lockWaits: { samples: lockSamples, waiting: lockWaits, per5s: lockWaitsPer5s },
    cpu: { sending: [cpu0, cpuEnd, sendSeconds], draining: [cpuDrain0, cpuDrain1, (drainEnd - drainStart) / 1000] },
    wholeRun: { cpu: [cpu0, cpuDrain1], stored: await storedBetween(app.store.db, started, drainEnd + 1), loadCpuSeconds: load.cpuSeconds },
    pgCpu: {
      sending: pgCpuByGroup(await pgCpuStart, pgCpuLoadEnd, sendSeconds),
      draining: pgCpuByGroup(pgCpuLoadEnd, pgCpuDrainEnd, (drainEnd - drainStart) / 1000),
    },
    loadAverage,
  });
  console.log(JSON.stringify(report, null, 2));
  await cleanUp();
  process.exit(0);
}

type Cpu = { server: number; worker: number; temporal: number; postgres: number; machine: number };

/** CPU seconds per second of a window (1.0 = one core busy), by process. */
function coresOf([a, b, windowSeconds]: [Cpu, Cpu, number], split: boolean): Record<string, string> {
  return Object.fromEntries(
    [
      [`server (api + dispatcher${split ? ')' : ' + worker)'}`, b.server - a.server],
      ['worker process(es)', b.worker - a.worker],
      ['temporal dev server', b.temporal - a.temporal],
      ['postgresql (own cluster)', b.postgres - a.postgres],
      ['whole machine', b.machine - a.machine],
    ].map(([k, v]) => [k, Number.isFinite(v as number) && windowSeconds > 0 ? ((v as number) / windowSeconds).toFixed(2) : 'n/a']),
  );
}

function msPerPayload({ cpu: [a, b], stored, loadCpuSeconds }: { cpu: [Cpu, Cpu]; stored: number | null; loadCpuSeconds: number }, split: boolean): Record<string, number> | null {
  if (!stored) return null;
  const ms = (seconds: number) => Number(((seconds * 1000) / stored).toFixed(3));
  const parts: Array<[string, number]> = [
    [`server (api + dispatcher${split ? ')' : ' + worker)'}`, b.server - a.server],
    ['worker process(es)', b.worker - a.worker],
    ['temporal dev server', b.temporal - a.temporal],
    ['postgresql (own cluster)', b.postgres - a.postgres],
    ['load generator', loadCpuSeconds],
  ];
  const known = parts.filter(([, v]) => Number.isFinite(v));
  return Object.fromEntries([...known.map(([k, v]) => [k, ms(v)] as const), ['total of these', ms(known.reduce((sum, [, v]) => sum + v, 0))], ['whole machine', ms(b.machine - a.machine)]]);
}

const fixed = (n: number | null | undefined, digits = 0) => (n === null || n === undefined || !Number.isFinite(n) ? null : Number(n.toFixed(digits)));

async function reportOf(r: {
  app: Awaited<ReturnType<typeof startLogstag>>;
  args: typeof args;
  latencies: number[];
  accepted: number;
  failed: number;
  statusCounts: Record<number, number>;
  sendSeconds: number;
  loadCpuSeconds: number;
  loadMs: number;
  storedWhileSending: number | null;
  drain: ReturnType<typeof drainFigures>;
  backlog: BacklogSample[];
  counters: { before: DatabaseCounters | null; after: DatabaseCounters | null };
  lockWaits: { samples: number; waiting: Map<string, number>; per5s: number[] };
  cpu: { sending: [Cpu, Cpu, number]; draining: [Cpu, Cpu, number] };
  wholeRun: { cpu: [Cpu, Cpu]; stored: number | null; loadCpuSeconds: number };
  pgCpu: { sending: Record<string, number> | null; draining: Record<string, number> | null };
  loadAverage: { mean: number; max: number };
}) {
  const db = r.app.store.db;
  const capacity = capacityFigures({ accepted: r.accepted, stored: r.storedWhileSending, loadMs: r.loadMs, samples: r.args.backlog ? [] : r.backlog });
  // The tables below are read on a best-effort basis: after a signal a child may already be gone.
  const safe = async <T>(f: () => Promise<T>, fallback: T): Promise<T> => f().catch(() => fallback);
  const e2eMs = await safe(
    async () => (await sql<{ ms: number }>`select extract(epoch from (stored_at - received_at)) * 1000 as ms from payloads where stored_at is not null order by 1`.execute(db)).rows.map((x) => Number(x.ms)),
    [] as number[],
  );
  // Where the end-to-end time goes: accepted → claimed by the dispatcher (workflow_started_at is set at the claim of the
  // payload's last dispatch), then claimed → stored (Temporal start, workflow task, activity, normalization).
  const phases = await safe(
    async () =>
      (
        await sql<{ claim_ms: number; store_ms: number }>`
    select extract(epoch from (workflow_started_at - received_at)) * 1000 as claim_ms,
           extract(epoch from (stored_at - workflow_started_at)) * 1000 as store_ms
      from payloads where stored_at is not null and workflow_started_at is not null`.execute(db)
      ).rows,
    [] as Array<{ claim_ms: number; store_ms: number }>,
  );
  const claimMs = phases.map((x) => Number(x.claim_ms)).sort((a, b) => a - b);
  const storeMs = phases.map((x) => Number(x.store_ms)).sort((a, b) => a - b);
  // The slowest minute and the p99 of each minute: is the tail spread evenly or one disturbance?
  const minutes = await safe(
    async () =>
      (
        await sql<{ minute: number; p99: number; n: number }>`
    with t as (select received_at, extract(epoch from (stored_at - received_at)) * 1000 as ms,
                      min(received_at) over () as t0 from payloads where stored_at is not null)
    select floor(extract(epoch from (received_at - t0)) / 60)::int as minute,
           percentile_disc(0.99) within group (order by ms) as p99, count(*)::int as n
      from t group by 1 order by 1`.execute(db)
      ).rows,
    [] as Array<{ minute: number; p99: number }>,
  );
  r.latencies.sort((a, b) => a - b);
  let workflowCount = 0;
  let historyEvents = 0;
  const workflowIdsSeen: string[] = [];
  await safe(async () => {
    for await (const wf of r.app.client.workflow.list({ query: `WorkflowType = 'ingestWorkflow'` })) {
      workflowIdsSeen.push(wf.workflowId);
      if (workflowCount++ === 0) historyEvents = (await r.app.client.workflow.getHandle(wf.workflowId).fetchHistory()).events?.length ?? 0;
    }
  }, undefined);
  const wfPhases = r.args['accept-only'] ? null : await safe(() => workflowPhases(r.app.client, workflowIdsSeen), null);
  const p50p99 = (a: number[]) => ({ p50: pct(a, 50).toFixed(0), p99: pct(a, 99).toFixed(0) });
  const delta = (k: keyof DatabaseCounters) => (r.counters.before && r.counters.after ? r.counters.after[k] - r.counters.before[k] : null);
  const split = r.args.split || r.args['accept-only'];
  return {
    interrupted: interrupted.signal.aborted,
    store: r.app.store.kind,
    processes: r.args['accept-only']
      ? 'api only, no worker (accepting capacity)'
      : r.args.split
        ? `api + ${workerCount} separate worker process(es)${r.args.backlog ? ', started after the load (backlog drain)' : ''}`
        : 'api and worker in one process',
    workerConcurrency: workerConcurrency ?? 'server default for the store',
    maxBatch: r.args['max-batch'] ?? 'dispatcher default',
    maxInFlight: r.args['max-in-flight'] ?? 'dispatcher default',
    targets: Number(r.args.targets),
    sqlite: r.args['no-wal'] ? 'default pragmas' : DEFAULT_SQLITE_PRAGMAS.join(','),
    mode: rate > 0 ? `sustained ${rate}/s` : 'flat out',
    concurrency,
    seconds: r.sendSeconds.toFixed(1),
    accepted: r.accepted,
    failed: r.failed,
    failedByStatus: r.statusCounts,
    acceptedPerSecond: (r.accepted / r.sendSeconds).toFixed(0),
    // Accepted AND stored per second while the agents sent; null when the backlog grew (the pipeline fell behind).
    capacity: {
      storedWhileSending: r.storedWhileSending,
      storedPerSecond: fixed(capacity.storedPerSecond),
      backlogGrowthPerSecond: fixed(capacity.backlogGrowthPerSecond),
      backlogFlat: capacity.backlogFlat,
      endToEndPerSecond: fixed(capacity.endToEndPerSecond),
    },
    drain: {
      backlogAtStart: r.drain.backlogAtStart,
      seconds: fixed(r.drain.seconds, 1),
      stored: r.drain.stored,
      left: r.drain.left,
      drained: r.drain.drained,
      perSecond: fixed(r.drain.perSecond),
    },
    postgres: {
      deadlocks: delta('deadlocks'),
      rollbacks: delta('rollbacks'),
      commits: delta('commits'),
      before: r.counters.before,
      after: r.counters.after,
    },
    httpMs: { p50: pct(r.latencies, 50).toFixed(1), p95: pct(r.latencies, 95).toFixed(1), p99: pct(r.latencies, 99).toFixed(1) },
    endToEndMs: { p50: pct(e2eMs, 50).toFixed(0), p95: pct(e2eMs, 95).toFixed(0), p99: pct(e2eMs, 99).toFixed(0), stored: e2eMs.length },
    endToEndPhasesMs: { acceptedToClaimed: p50p99(claimMs), claimedToStored: p50p99(storeMs) },
    // From the histories of up to 200 workflows spread over the run.
    workflowPhasesMs: wfPhases && {
      sampled: wfPhases.sampled,
      startedToStoreScheduled: p50p99(wfPhases.startToStoreScheduledMs),
      storeScheduledToStarted: p50p99(wfPhases.storeQueueMs),
      storeRunning: p50p99(wfPhases.storeRunMs),
      activityRetries: wfPhases.retries,
    },
    endToEndP99PerMinuteMs: minutes.map((x) => Math.round(Number(x.p99))).join(' '),
    // Sessions seen waiting on a lock per statement, summed over samples every 250 ms (load and drain).
    lockWaitSamples: {
      samples: r.lockWaits.samples,
      waiting: Object.fromEntries([...r.lockWaits.waiting].sort((a, b) => b[1] - a[1]).slice(0, 6)),
      per5s: Array.from(r.lockWaits.per5s, (n) => n ?? 0).join(' '),
    },
    backlogEvery5s: r.backlog
      .filter(([t], i, all) => i === 0 || Math.floor(t / 5_000) !== Math.floor(all[i - 1]![0] / 5_000))
      .map(([t, n]) => `${Math.round(t / 1000)}s:${n}`)
      .join(' '),
    // Billable actions: 1 workflow start + 2 activities per workflow, shared by its batch.
    workflows: workflowCount,
    meanBatch: (e2eMs.length / Math.max(1, workflowCount)).toFixed(1),
    temporalActionsPerPayload: (3 * workflowCount / Math.max(1, e2eMs.length)).toFixed(3),
    temporalHistoryEventsPerWorkflow: historyEvents,
    // CPU seconds per second (1.0 = one core busy), by process, while sending and while draining; load average meanwhile.
    cpuCoresWhileSending: { ...coresOf(r.cpu.sending, split), 'load generator': (r.loadCpuSeconds / r.sendSeconds).toFixed(2) },
    cpuCoresWhileDraining: coresOf(r.cpu.draining, split),
    // CPU milliseconds per payload stored, from the first payload sent to the end of the drain (the load generator's
    // over the sending time alone): what each process costs a payload, whatever else the machine runs.
    cpuMsPerStoredPayload: msPerPayload(r.wholeRun, split),
    // PostgreSQL's CPU (cores) by backend: client connections by application_name, and the cluster's own processes.
    postgresCpuCores: r.pgCpu,
    loadAverage1m: { mean: r.loadAverage.mean.toFixed(2), max: r.loadAverage.max.toFixed(2) },
    // Where PostgreSQL's time went, by statement (only where pg_stat_statements is loaded: --pg services).
    topStatements: r.args.store === 'postgres' ? await topStatements(db, 16) : null,
  };
}

main().catch(async (err) => {
  console.error(err);
  await cleanUp();
  process.exit(1);
});
