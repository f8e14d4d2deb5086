/**
 * `npm run bench:agent [-- --minutes N | --quick]`: the agent's own cost, measured from outside its process.
 *
 * 20 targets at the default cadence (runtime 10 s, workload 1 min, operational 10 min, schema 240 min): 10 PostgreSQL
 * databases, 5 MariaDB schemas, 5 Redis databases, each with a monitoring user made from agent/setup/, on servers the
 * bench starts for the run (own-services.ts), so each run reads the same: the MariaDB statement digest table (read
 * server-wide each minute, the moved rows after the first read) emptied and then holding `--digests` application
 * statement shapes in each of the five schemas (default 500; `--digests 2000` fills it, as on a busy production
 * server), of which `--digests-running` (default 200) run again every minute: each MariaDB target sends its own
 * schema's. `--shared-services` runs on the shared test services instead, whose digest table and session lists
 * hold whatever other suites left there. The real CLI (`logstag-agent run`) runs in its own process and sends to a
 * loopback HTTP sink that answers 202 like the server, so the figures are the agent's alone (the sink and this script live in another process).
 *
 * - CPU: utime + stime of the agent process (and any child it spawned) from /proc/<pid>/stat, over the wall time from
 *   "agent started" to the end: start-up (tsx loading the TypeScript) is reported separately, not averaged in.
 * - Peak RSS: VmHWM from /proc/<pid>/status at the end, and the largest VmRSS of the 1-second samples; processes the
 *   agent started are sampled too and reported apart.
 * - Database time per runtime collection, as the agent logs it (debug) per collection: `queryMs`, the sum of the
 *   round trips of its statements/commands, timed around each call in the engine's connection wrapper (the server's
 *   work, the network, the driver parsing the rows); sessions opened on the way are `connectMs`, apart. The wall time
 *   of the whole collection (`durationMs`: statements, round trips and building the payload) is reported beside it.
 *
 * Goals (issue 4): ≤ 1 % of one core, ≤ 80 MB RSS, ≤ 20 ms per runtime collection (p50/p99 reported).
 */
import { spawn, spawnSync } from 'node:child_process';
import { mkdtempSync, openSync, readFileSync, readdirSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { startIngestServer } from '../test/ingest-test-server';
import { setupMysql, setupPostgres, setupRedis } from '../test/testing';
import { startOwnServices, type OwnServices } from './own-services';

/** Application statement shapes in the bench's MariaDB digest table by default (see `--digests`). */
const DEFAULT_DIGESTS = 500;
/** Of them, run again every minute by default (see `--digests-running`). */
const DEFAULT_DIGESTS_RUNNING = 200;

const { values: args } = parseArgs({
  options: {
    minutes: { type: 'string', default: '5' },
    quick: { type: 'boolean', default: false },
    /** Keeps the agent's log next to its config (the path is printed). */
    'keep-logs': { type: 'boolean', default: false },
    /** Writes a V8 CPU profile of the agent (node --cpu-prof) next to its config, to find where a missed goal goes. */
    profile: { type: 'boolean', default: false },
    /** Extra node flags for the agent's process only, to compare runtime settings (e.g. "--max-semi-space-size=2"). */
    'agent-flags': { type: 'string', default: '' },
    /**
     * The shared test services (scripts/services.mjs) instead of servers of the bench's own. Their statement digest
     * table and session lists hold every other suite's work, which changes from run to run (own-services.ts).
     */
    'shared-services': { type: 'boolean', default: false },
    /**
     * Application statement shapes put in the own MariaDB's digest table before the agent starts, in each of the five
     * schemas (besides the agent's own statements). Each MariaDB target reads the table server-wide every minute (at
     * most its 2,000 slowest rows; after the first read the rows that moved) and sends its schema's: `--digests 2000`
     * fills it, as a busy production server's is (performance_schema_digests_size, below).
     */
    digests: { type: 'string', default: String(DEFAULT_DIGESTS) },
    /**
     * Of those shapes, how many the application runs again every minute while the agent runs: their digests change, so
     * the agent sends them each minute (digests that did not run since its last collection are not sent).
     */
    'digests-running': { type: 'string', default: String(DEFAULT_DIGESTS_RUNNING) },
    /** The own MariaDB's performance_schema_digests_size: the rows its digest table holds at most. */
    'digests-size': { type: 'string', default: '10000' },
    /** Another checkout's launcher (its agent/bin/logstag-agent), to compare code before and after on the same workload. */
    'agent-bin': { type: 'string' },
  },
});
const minutes = args.quick ? 1 : Number(args.minutes);
if (!Number.isFinite(minutes) || minutes <= 0) throw new Error('--minutes expects a positive number');

/** The command users run: the shell launcher, which sets glibc's malloc tunables and execs node on the .mjs. */
const bin = args['agent-bin'] ?? fileURLToPath(new URL('../bin/logstag-agent', import.meta.url));
const REDIS_DBS = [1, 2, 3, 4, 5];
const CLK_TCK = 100; // USER_HZ on Linux; /proc/<pid>/stat counts CPU time in these ticks.

const log = (msg: string) => process.stderr.write(`bench:agent ${new Date().toISOString().slice(11, 19)} ${msg}\n`);

/** utime and stime (all threads: JS, libuv pool with gzip, GC helpers) of a process and its descendants, in seconds. */
function cpuTimes(pid: number): { user: number; system: number; total: number } {
  let user = 0;
  let system = 0;
  for (const p of [pid, ...descendants(pid)]) {
    // A process that ended between listing and reading counts nothing.
    const stat = parseStat(safeRead(`/proc/${p}/stat`));
    if (!stat) continue;
    user += stat.user;
    system += stat.system;
  }
  return { user, system, total: user + system };
}

/** The command name and CPU seconds of a /proc/<pid>[/task/<tid>]/stat line. */
function parseStat(line: string): { comm: string; user: number; system: number } | undefined {
  // Fields after the command name (which may contain spaces and parentheses) start at the last ') '.
  const open = line.indexOf('(');
  const close = line.lastIndexOf(') ');
  if (open < 0 || close < 0) return undefined;
  const fields = line.slice(close + 2).split(' ');
  return { comm: line.slice(open + 1, close), user: Number(fields[11]) / CLK_TCK, system: Number(fields[12]) / CLK_TCK };
}
const cpuSeconds = (pid: number) => cpuTimes(pid).total;

function descendants(pid: number): number[] {
  const out: number[] = [];
  for (const task of safeReaddir(`/proc/${pid}/task`)) {
    const children = safeRead(`/proc/${pid}/task/${task}/children`).trim();
    for (const child of children ? children.split(' ').map(Number) : []) out.push(child, ...descendants(child));
  }
  return out;
}

/**
 * CPU seconds of the agent's JS thread (`main`, the thread whose id is the process id: JavaScript, scavenges, the
 * parts of major GCs that run on it) and of its other threads (`helpers`: V8's concurrent marking, sweeping and
 * compilers; libuv's pool with gzip), which node 20 leaves all named `node`; any other thread name is kept as is.
 */
function threadCpu(pid: number): Map<string, number> {
  const byName = new Map<string, number>();
  for (const task of safeReaddir(`/proc/${pid}/task`)) {
    const stat = parseStat(safeRead(`/proc/${pid}/task/${task}/stat`));
    if (!stat) continue;
    const name = task === String(pid) ? 'main' : stat.comm === 'node' ? 'helpers' : stat.comm;
    byName.set(name, (byName.get(name) ?? 0) + stat.user + stat.system);
  }
  return byName;
}

/** The process's resident memory by kind (kB): anonymous (heaps), file-backed (the node binary's pages), shared memory. */
function rssParts(pid: number): Record<string, number> {
  const status = safeRead(`/proc/${pid}/status`);
  const mb = (field: string) => Number((statusFieldKb(status, field) / 1024).toFixed(1));
  return { anonMb: mb('RssAnon'), fileMb: mb('RssFile'), shmemMb: mb('RssShmem') };
}

function statusKb(pid: number, field: 'VmRSS' | 'VmHWM'): number {
  return statusFieldKb(safeRead(`/proc/${pid}/status`), field);
}

/** A `Name:  123 kB` line of /proc/<pid>/status, in kB (0 when absent). */
function statusFieldKb(status: string, field: string): number {
  return Number(new RegExp(`^${field}:\\s+(\\d+) kB`, 'm').exec(status)?.[1] ?? 0);
}

const safeRead = (path: string) => {
  try {
    return readFileSync(path, 'utf8');
  } catch {
    return '';
  }
};
const safeReaddir = (path: string) => {
  try {
    return readdirSync(path);
  } catch {
    return [];
  }
};

function percentile(sorted: number[], p: number): number {
  if (sorted.length === 0) return Number.NaN;
  return sorted[Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1)]!;
}

async function main(): Promise<void> {
  let own: OwnServices | undefined;
  if (!args['shared-services']) {
    own = await startOwnServices({ digestsSize: Number(args['digests-size']), log });
    Object.assign(process.env, own.env);
  }
  log(`setting up 10 PostgreSQL databases, 5 MariaDB schemas, 5 Redis databases${own ? ' on servers of the bench\'s own' : ' on the shared test services'}`);
  const [pg, my, redis] = await Promise.all([setupPostgres(10, 'lt_bench'), setupMysql(5, 'lt_bench'), setupRedis(REDIS_DBS, 'ltbench')]);
  // The digest table as the agent will find it: emptied of the set-up's statements, then the application's shapes.
  const digestRowsAtStart = own ? await own.fillDigests(Number(args.digests), my.schemas) : undefined;
  if (own) log(`MariaDB statement digest table emptied, then ${args.digests} application statement shapes run in each of the ${my.schemas.length} schemas: ${digestRowsAtStart} rows (at most ${own.digestsSize}); ${args['digests-running']} of them run again every minute in each`);
  // The sink: the tests' ingest server, which answers 202 like POST /v1/ingest (to a batch, a result per line) and
  // keeps what it got. Parsing stays out of the agent's process.
  const sink = await startIngestServer();
  const sinkUrl = sink.url;

  const dir = mkdtempSync(join(os.tmpdir(), 'logstag-bench-agent-'));
  const target = (name: string, engine: string, host: string, port: number, user: string, pwEnv: string, extra: string) =>
    `  - { name: ${name}, engine: ${engine}, host: ${host}, port: ${port}, user: ${user}, password: "env:${pwEnv}", ${extra} }\n`;
  let targets = '';
  for (const [i, db] of pg.databases.entries()) targets += target(`pg-${i}`, 'postgresql', pg.host, pg.port, pg.user, 'BENCH_PG_PW', `database: ${db}, databases: { include: [${db}] }`);
  for (const [i, schema] of my.schemas.entries()) targets += target(`mariadb-${i}`, 'mysql', my.host, my.port, my.user, 'BENCH_MY_PW', `databases: { include: [${schema}] }`);
  for (const [i, db] of REDIS_DBS.entries()) targets += target(`redis-${i}`, 'redis', redis.host, redis.port, redis.user, 'BENCH_REDIS_PW', `database: ${db}, databases: { include: [db${db}] }`);
  const configPath = join(dir, 'logstag-agent.yaml');
  // Default intervals; debug level only for the per-collection `collected` lines with their durationMs.
  writeFileSync(configPath, `server: { url: "${sinkUrl}", api_key: bench-key }\nagent_id: bench\nspool: { dir: ${join(dir, 'spool')} }\nlog_level: debug\ntargets:\n${targets}`);

  const loadSamples: number[] = [];
  const rssSamples: number[] = [];
  const rssSteadySamples: number[] = [];
  /** Processes the agent started (none expected; the launcher once left esbuild's service running, ~30 MB). */
  const childRssSamples: number[] = [];
  let afterFirstMinute: { at: number; cpu: number; threads: Map<string, number> } | undefined;
  // The launcher bundles the sources once after they change, in a child process; a deployed agent does that once
  // after an upgrade. Done here first, so the figures are the agent's own and not esbuild's or a cold bundle's.
  const prebuilt = spawnSync(bin, ['--version'], { encoding: 'utf8' });
  if (prebuilt.status !== 0) throw new Error(`the launcher could not start: ${prebuilt.stderr}`);
  const started = Date.now();
  const nodeFlags = [...(args.profile ? ['--cpu-prof', `--cpu-prof-dir=${dir}`] : []), ...args['agent-flags'].split(' ').filter(Boolean)];
  // The launcher execs node in the same process: the pid measured is the agent's.
  const child = spawn(bin, ['run', '--config', configPath], {
    env: {
      ...process.env,
      LOGSTAG_AGENT_NODE_FLAGS: nodeFlags.join(' '),
      BENCH_PG_PW: pg.password,
      BENCH_MY_PW: my.password,
      BENCH_REDIS_PW: redis.password,
    },
    // `run` prints nothing on stdout; V8's tracing flags (--agent-flags="--trace-gc") do, kept with --keep-logs.
    stdio: ['ignore', args['keep-logs'] ? openSync(join(dir, 'agent.stdout'), 'w') : 'ignore', 'pipe'],
  });
  const pid = child.pid!;
  const lines: string[] = [];
  let partial = '';
  let agentStartedAt = 0;
  let cpuAtStart = 0;
  child.stderr!.on('data', (chunk: Buffer) => {
    const parts = (partial + chunk.toString()).split('\n');
    partial = parts.pop() ?? '';
    for (const line of parts) {
      lines.push(line);
      if (agentStartedAt === 0 && line.includes('"agent started"')) {
        agentStartedAt = Date.now();
        cpuAtStart = cpuSeconds(pid);
      }
    }
  });
  const exited = new Promise<number | null>((resolve) => child.on('exit', (code) => resolve(code)));

  const sampler = setInterval(() => {
    const rss = statusKb(pid, 'VmRSS');
    rssSamples.push(rss);
    childRssSamples.push(descendants(pid).reduce((sum, p) => sum + statusKb(p, 'VmRSS'), 0));
    if (afterFirstMinute) rssSteadySamples.push(rss);
    loadSamples.push(os.loadavg()[0]!);
  }, 1000);
  while (agentStartedAt === 0) {
    if (child.exitCode !== null) throw new Error(`the agent exited during start-up:\n${lines.join('\n')}`);
    await new Promise((r) => setTimeout(r, 100));
  }
  // The application at work: every minute the same shapes run again (in a mariadb client process of their own).
  const running = Math.min(Number(args['digests-running']), Number(args.digests));
  const application = own && running > 0 ? setInterval(() => void own.runDigests(running, my.schemas).catch((err: Error) => log(`application statements: ${err.message}`)), 60_000) : undefined;
  log(`agent pid ${pid} started in ${((agentStartedAt - started) / 1000).toFixed(1)} s; measuring for ${minutes} min (load average ${os.loadavg().map((l) => l.toFixed(2)).join(' ')})`);
  const endAt = agentStartedAt + minutes * 60_000;
  // The first minute holds every target's first operational and schema collection (then every 10 min / 4 h) and the
  // first connections: the CPU and RSS after it are reported too, as the steady state.
  const firstMinuteTimer = setTimeout(() => (afterFirstMinute = { at: Date.now(), cpu: cpuSeconds(pid), threads: threadCpu(pid) }), 60_000);
  const cpuStart = cpuTimes(pid);
  while (Date.now() < endAt) {
    await new Promise((r) => setTimeout(r, Math.min(30_000, endAt - Date.now())));
    if (Date.now() < endAt) log(`${Math.round((endAt - Date.now()) / 1000)} s left; ${sink.payloads.length} payloads so far`);
  }
  clearTimeout(firstMinuteTimer);
  const cpuEnd = cpuTimes(pid);
  const cpuAtEnd = cpuEnd.total;
  const wall = (Date.now() - agentStartedAt) / 1000;
  const steadyPct =
    afterFirstMinute && Date.now() - afterFirstMinute.at > 30_000
      ? Number((((cpuAtEnd - afterFirstMinute.cpu) / ((Date.now() - afterFirstMinute.at) / 1000)) * 100).toFixed(3))
      : null;
  const hwmKb = statusKb(pid, 'VmHWM');
  const threadsAtEnd = threadCpu(pid);
  const rssAtEndParts = rssParts(pid);
  /** Where the CPU after the first minute went, per thread name, in % of one core. */
  const steadyThreads: Record<string, number> = {};
  if (afterFirstMinute && steadyPct !== null) {
    const seconds = (Date.now() - afterFirstMinute.at) / 1000;
    for (const [name, total] of threadsAtEnd) {
      const pct = ((total - (afterFirstMinute.threads.get(name) ?? 0)) / seconds) * 100;
      if (pct > 0) steadyThreads[name] = Number(pct.toFixed(3));
    }
  }
  clearInterval(sampler);
  clearInterval(application);
  child.kill('SIGTERM');
  const code = await exited;
  const digestRowsAtEnd = own ? await own.digestRows() : undefined;

  // Per-collection figures from the agent's debug log.
  interface Collection {
    target: string;
    category: string;
    ok: boolean;
    durationMs: number;
    queryMs?: number;
    queries?: number;
    connectMs?: number;
    first: boolean;
  }
  const collections: Collection[] = [];
  const seen = new Set<string>();
  for (const line of lines) {
    if (!line.startsWith('{')) continue;
    const entry = JSON.parse(line) as { msg?: string; target?: string; category?: string; durationMs?: number; queryMs?: number; queries?: number; connectMs?: number };
    if ((entry.msg === 'collected' || entry.msg === 'collection failed') && entry.durationMs !== undefined) {
      const key = `${entry.target}/${entry.category}`;
      collections.push({
        target: entry.target ?? '?',
        category: entry.category ?? '?',
        ok: entry.msg === 'collected',
        durationMs: entry.durationMs,
        ...(entry.queryMs !== undefined ? { queryMs: entry.queryMs, queries: entry.queries, connectMs: entry.connectMs } : {}),
        first: !seen.has(key),
      });
      seen.add(key);
    }
  }
  const runtime = collections.filter((c) => c.category === 'runtime' && c.ok);
  const summary = (values: number[]) => {
    const sorted = [...values].sort((a, b) => a - b);
    return { n: sorted.length, p50: percentile(sorted, 50), p90: percentile(sorted, 90), p99: percentile(sorted, 99), max: sorted.at(-1) ?? Number.NaN };
  };
  const engines = { postgresql: 'pg-', mysql: 'mariadb-', redis: 'redis-' } as const;
  const figure = (of: (c: Collection) => number) => ({
    ...summary(runtime.map(of)),
    // Each target's first runtime collection also opens its sessions (TLS-less here, SCRAM for PostgreSQL).
    withoutFirstPerTarget: summary(runtime.filter((c) => !c.first).map(of)),
    ...Object.fromEntries(
      Object.entries(engines).map(([engine, prefix]) => {
        const values = summary(runtime.filter((c) => c.target.startsWith(prefix)).map(of));
        return [engine, { p50: values.p50, p99: values.p99 }];
      }),
    ),
  });
  const failed = collections.filter((c) => !c.ok);
  const counts: Record<string, number> = {};
  for (const c of collections) counts[c.category] = (counts[c.category] ?? 0) + 1;

  const cpuPct = ((cpuAtEnd - cpuAtStart) / wall) * 100;
  const peakRssMb = Math.max(hwmKb, ...rssSamples) / 1024;
  const meanLoad = loadSamples.reduce((a, b) => a + b, 0) / Math.max(1, loadSamples.length);
  const db = figure((c) => c.queryMs ?? Number.NaN);
  const result = {
    command: `npm run bench:agent -- --minutes ${minutes}${args['shared-services'] ? ' --shared-services' : ` --digests ${args.digests} --digests-running ${running}`}${args['agent-flags'] ? ` --agent-flags="${args['agent-flags']}"` : ''}${args['agent-bin'] ? ` --agent-bin=${args['agent-bin']}` : ''}`,
    targets: { postgresql: pg.databases.length, mysql: my.schemas.length, redis: REDIS_DBS.length },
    /** What the agent read: servers of the bench's own (the same each run) or the shared ones (whatever they held). */
    services: own
      ? { own: true, mariadbDigestsSize: own.digestsSize, applicationDigests: Number(args.digests), runningEveryMinute: running, digestRowsAtStart, digestRowsAtEnd }
      : { own: false },
    wallSeconds: Math.round(wall),
    startupSeconds: (agentStartedAt - started) / 1000,
    startupCpuSeconds: cpuAtStart,
    cpuPercentOfOneCore: Number(cpuPct.toFixed(3)),
    cpuPercentAfterFirstMinute: steadyPct,
    cpuPercentAfterFirstMinuteByThread: steadyThreads,
    cpuSeconds: { user: Number((cpuEnd.user - cpuStart.user).toFixed(2)), system: Number((cpuEnd.system - cpuStart.system).toFixed(2)) },
    peakRssMb: Number(peakRssMb.toFixed(1)),
    peakRssAfterFirstMinuteMb: rssSteadySamples.length > 0 ? Number((Math.max(...rssSteadySamples) / 1024).toFixed(1)) : null,
    rssAtEndMb: Number(((rssSamples.at(-1) ?? 0) / 1024).toFixed(1)),
    rssAtEndParts: rssAtEndParts,
    /** The shape over the run: the largest 1-second RSS sample of each 30 seconds, from the agent's start. */
    rssMaxPer30sMb: Array.from({ length: Math.ceil(rssSamples.length / 30) }, (_, i) => Number((Math.max(...rssSamples.slice(i * 30, i * 30 + 30)) / 1024).toFixed(1))),
    childProcessesPeakRssMb: Number((Math.max(0, ...childRssSamples) / 1024).toFixed(1)),
    /** The issue's figure: time on the database per runtime collection (sum of its statements' round trips). */
    runtimeDatabaseMs: {
      ...db,
      queriesPerCollection: Object.fromEntries(Object.entries(engines).map(([engine, prefix]) => [engine, runtime.find((c) => c.target.startsWith(prefix) && !c.first)?.queries ?? null])),
      connectMsOfFirst: summary(runtime.filter((c) => c.first).map((c) => c.connectMs ?? Number.NaN)),
    },
    /** Wall time of the whole runtime collection: statements, round trips and building the payload. */
    runtimeCollectionMs: figure((c) => c.durationMs),
    collections: counts,
    failedCollections: failed.length,
    payloadsReceived: sink.payloads.length,
    requestsReceived: sink.requests.length,
    kbReceived: Math.round(sink.requests.reduce((sum, r) => sum + r.bytes, 0) / 1024),
    loadAverage: { mean1m: Number(meanLoad.toFixed(2)), max1m: Number(Math.max(...loadSamples).toFixed(2)), cpus: os.availableParallelism() },
    agentExitCode: code,
  };
  const goals = [
    `CPU ${result.cpuPercentOfOneCore} % of one core over the whole run, ${result.cpuPercentAfterFirstMinute ?? '-'} % after the first minute (goal ≤ 1 %): ${result.cpuPercentOfOneCore <= 1 ? 'met' : 'MISSED'}`,
    `peak RSS ${result.peakRssMb} MB (goal ≤ 80 MB): ${result.peakRssMb <= 80 ? 'met' : 'MISSED'}`,
    `database time per runtime collection p50 ${db.p50} ms / p99 ${db.p99} ms (goal ≤ 20 ms): ${db.p99 <= 20 ? 'met' : db.p50 <= 20 ? 'p50 met, p99 MISSED' : 'MISSED'}`,
    `(wall time per runtime collection, payload included: p50 ${result.runtimeCollectionMs.p50} ms / p99 ${result.runtimeCollectionMs.p99} ms)`,
  ];
  for (const g of goals) log(g);
  if (failed.length > 0) log(`${failed.length} collections failed, e.g. ${JSON.stringify(failed.slice(0, 3))}`);
  if (args['keep-logs'] || args.profile) {
    writeFileSync(join(dir, 'agent.log'), lines.join('\n'));
    log(`agent log${args.profile ? ' and CPU profile' : ''} in ${dir}`);
  }
  process.stdout.write(`${JSON.stringify(result, null, 2)}\n`);

  await sink.close();
  if (own) await own.stop();
  else await Promise.allSettled([pg.cleanup(), my.cleanup(), redis.cleanup()]);
}

await main();
