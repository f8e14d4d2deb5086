/**
 * `npm run bench:agent [-- --minutes N | --quick]`: the agent's own cost, measured from outside its process.
 *
 * 20 targets at the default cadence (runtime 10 s, workload 1 min, operational 10 min, schema 240 min) on the local
 * test services: 10 PostgreSQL databases, 5 MariaDB schemas, 5 Redis databases, each with a monitoring user made from
 * agent/setup/. The real CLI (`logstag-agent run`) runs in its own process and sends to a loopback HTTP sink that
 * answers 202 like the server, so the figures are the agent's alone (the sink and this script live in another process).
 *
 * - CPU: utime + stime of the agent process (and any child it spawned) from /proc/<pid>/stat, over the wall time from
 *   "agent started" to the end: start-up (tsx loading the TypeScript) is reported separately, not averaged in.
 * - Peak RSS: VmHWM from /proc/<pid>/status at the end, and the largest VmRSS of the 1-second samples.
 * - Database time per runtime collection: the `durationMs` the agent logs (debug) per collection, i.e. the wall time
 *   of collect(): its queries, their round trips and building the payload.
 *
 * Goals (issue 4): ≤ 1 % of one core, ≤ 80 MB RSS, ≤ 20 ms per runtime collection (p50/p99 reported).
 */
import { spawn } from 'node:child_process';
import { mkdtempSync, readFileSync, readdirSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import os from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { setupMysql, setupPostgres, setupRedis } from '../test/testing';

const { values: args } = parseArgs({
  options: {
    minutes: { type: 'string', default: '5' },
    quick: { type: 'boolean', default: false },
    /** Keeps the agent's log next to its config (the path is printed). */
    'keep-logs': { type: 'boolean', default: false },
    /** Writes a V8 CPU profile of the agent (node --cpu-prof) next to its config, to find where a missed goal goes. */
    profile: { type: 'boolean', default: false },
  },
});
const minutes = args.quick ? 1 : Number(args.minutes);
if (!Number.isFinite(minutes) || minutes <= 0) throw new Error('--minutes expects a positive number');

const bin = fileURLToPath(new URL('../bin/logstag-agent.mjs', import.meta.url));
const REDIS_DBS = [1, 2, 3, 4, 5];
const CLK_TCK = 100; // USER_HZ on Linux; /proc/<pid>/stat counts CPU time in these ticks.

const log = (msg: string) => process.stderr.write(`bench:agent ${new Date().toISOString().slice(11, 19)} ${msg}\n`);

/** utime and stime (all threads: JS, libuv pool with gzip, GC helpers) of a process and its descendants, in seconds. */
function cpuTimes(pid: number): { user: number; system: number; total: number } {
  let user = 0;
  let system = 0;
  for (const p of [pid, ...descendants(pid)]) {
    try {
      // Fields after the command name (which may contain spaces) start at the last ')'.
      const fields = readFileSync(`/proc/${p}/stat`, 'utf8').split(') ')[1]!.split(' ');
      user += Number(fields[11]) / CLK_TCK;
      system += Number(fields[12]) / CLK_TCK;
    } catch {
      // the process ended between listing and reading
    }
  }
  return { user, system, total: user + system };
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

function statusKb(pid: number, field: 'VmRSS' | 'VmHWM'): number {
  const match = new RegExp(`^${field}:\\s+(\\d+) kB`, 'm').exec(safeRead(`/proc/${pid}/status`));
  return match ? Number(match[1]) : 0;
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
  log(`setting up 10 PostgreSQL databases, 5 MariaDB schemas, 5 Redis databases`);
  const [pg, my, redis] = await Promise.all([setupPostgres(10, 'lt_bench'), setupMysql(5, 'lt_bench'), setupRedis(REDIS_DBS, 'ltbench')]);
  const received = { payloads: 0, bytes: 0, byCategory: {} as Record<string, number> };
  // The sink: answers 202 like POST /v1/ingest, counts what it got. Parsing stays out of the agent's process.
  const sink = createServer((req, res) => {
    let bytes = 0;
    req.on('data', (c: Buffer) => (bytes += c.length));
    req.on('end', () => {
      received.payloads++;
      received.bytes += bytes;
      res.writeHead(202, { 'content-type': 'application/json' }).end('{}');
    });
  });
  await new Promise<void>((resolve) => sink.listen(0, '127.0.0.1', resolve));
  const sinkUrl = `http://127.0.0.1:${(sink.address() as AddressInfo).port}`;

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
  const started = Date.now();
  const nodeFlags = args.profile ? ['--cpu-prof', `--cpu-prof-dir=${dir}`] : [];
  const child = spawn(process.execPath, [...nodeFlags, bin, 'run', '--config', configPath], {
    env: { ...process.env, BENCH_PG_PW: pg.password, BENCH_MY_PW: my.password, BENCH_REDIS_PW: redis.password },
    stdio: ['ignore', 'ignore', 'pipe'],
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
    rssSamples.push(statusKb(pid, 'VmRSS'));
    loadSamples.push(os.loadavg()[0]!);
  }, 1000);
  while (agentStartedAt === 0) {
    if (child.exitCode !== null) throw new Error(`the agent exited during start-up:\n${lines.join('\n')}`);
    await new Promise((r) => setTimeout(r, 100));
  }
  log(`agent pid ${pid} started in ${((agentStartedAt - started) / 1000).toFixed(1)} s; measuring for ${minutes} min (load average ${os.loadavg().map((l) => l.toFixed(2)).join(' ')})`);
  const endAt = agentStartedAt + minutes * 60_000;
  // The first minute holds every target's first operational and schema collection (then every 10 min / 4 h) and the
  // first connections: the CPU after it is reported too, as the steady state.
  let afterFirstMinute: { at: number; cpu: number } | undefined;
  const firstMinuteTimer = setTimeout(() => (afterFirstMinute = { at: Date.now(), cpu: cpuSeconds(pid) }), 60_000);
  const cpuStart = cpuTimes(pid);
  while (Date.now() < endAt) {
    await new Promise((r) => setTimeout(r, Math.min(30_000, endAt - Date.now())));
    if (Date.now() < endAt) log(`${Math.round((endAt - Date.now()) / 1000)} s left; ${received.payloads} payloads so far`);
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
  clearInterval(sampler);
  child.kill('SIGTERM');
  const code = await exited;

  // Per-collection durations from the agent's debug log.
  const collections: Array<{ target: string; category: string; durationMs: number; ok: boolean }> = [];
  for (const line of lines) {
    if (!line.startsWith('{')) continue;
    const entry = JSON.parse(line) as { msg?: string; target?: string; category?: string; durationMs?: number };
    if ((entry.msg === 'collected' || entry.msg === 'collection failed') && entry.durationMs !== undefined) {
      collections.push({ target: entry.target ?? '?', category: entry.category ?? '?', durationMs: entry.durationMs, ok: entry.msg === 'collected' });
    }
  }
  const runtime = collections.filter((c) => c.category === 'runtime' && c.ok).map((c) => c.durationMs).sort((a, b) => a - b);
  // Each target's first runtime collection also opens its connections (TLS-less here, SCRAM for PostgreSQL).
  const seenTargets = new Set<string>();
  const runtimeWarm = collections
    .filter((c) => c.category === 'runtime' && c.ok && (seenTargets.has(c.target) || !seenTargets.add(c.target)))
    .map((c) => c.durationMs)
    .sort((a, b) => a - b);
  const byEngine = (prefix: string) => collections.filter((c) => c.category === 'runtime' && c.ok && c.target.startsWith(prefix)).map((c) => c.durationMs).sort((a, b) => a - b);
  const failed = collections.filter((c) => !c.ok);
  const counts: Record<string, number> = {};
  for (const c of collections) counts[c.category] = (counts[c.category] ?? 0) + 1;

  const cpuPct = ((cpuAtEnd - cpuAtStart) / wall) * 100;
  const peakRssMb = Math.max(hwmKb, ...rssSamples) / 1024;
  const meanLoad = loadSamples.reduce((a, b) => a + b, 0) / Math.max(1, loadSamples.length);
  const result = {
    command: `npm run bench:agent -- --minutes ${minutes}`,
    targets: { postgresql: pg.databases.length, mysql: my.schemas.length, redis: REDIS_DBS.length },
    wallSeconds: Math.round(wall),
    startupSeconds: (agentStartedAt - started) / 1000,
    startupCpuSeconds: cpuAtStart,
    cpuPercentOfOneCore: Number(cpuPct.toFixed(3)),
    cpuPercentAfterFirstMinute: steadyPct,
    cpuSeconds: { user: Number((cpuEnd.user - cpuStart.user).toFixed(2)), system: Number((cpuEnd.system - cpuStart.system).toFixed(2)) },
    peakRssMb: Number(peakRssMb.toFixed(1)),
    runtimeCollectionMs: {
      n: runtime.length,
      p50: percentile(runtime, 50),
      p99: percentile(runtime, 99),
      max: runtime.at(-1),
      p90: percentile(runtime, 90),
      withoutFirstPerTarget: { n: runtimeWarm.length, p50: percentile(runtimeWarm, 50), p90: percentile(runtimeWarm, 90), p99: percentile(runtimeWarm, 99) },
      postgresql: { p50: percentile(byEngine('pg-'), 50), p99: percentile(byEngine('pg-'), 99) },
      mysql: { p50: percentile(byEngine('mariadb-'), 50), p99: percentile(byEngine('mariadb-'), 99) },
      redis: { p50: percentile(byEngine('redis-'), 50), p99: percentile(byEngine('redis-'), 99) },
    },
    collections: counts,
    failedCollections: failed.length,
    payloadsReceived: received.payloads,
    kbReceived: Math.round(received.bytes / 1024),
    loadAverage: { mean1m: Number(meanLoad.toFixed(2)), max1m: Number(Math.max(...loadSamples).toFixed(2)), cpus: os.availableParallelism() },
    agentExitCode: code,
  };
  const goals = [
    `CPU ${result.cpuPercentOfOneCore} % of one core over the whole run, ${result.cpuPercentAfterFirstMinute ?? '-'} % after the first minute (goal ≤ 1 %): ${result.cpuPercentOfOneCore <= 1 ? 'met' : 'MISSED'}`,
    `peak RSS ${result.peakRssMb} MB (goal ≤ 80 MB): ${result.peakRssMb <= 80 ? 'met' : 'MISSED'}`,
    `runtime collection p50 ${result.runtimeCollectionMs.p50} ms / p99 ${result.runtimeCollectionMs.p99} ms (goal ≤ 20 ms): ${result.runtimeCollectionMs.p99 <= 20 ? 'met' : result.runtimeCollectionMs.p50 <= 20 ? 'p50 met, p99 MISSED' : 'MISSED'}`,
  ];
  for (const g of goals) log(g);
  if (failed.length > 0) log(`${failed.length} collections failed, e.g. ${JSON.stringify(failed.slice(0, 3))}`);
  if (args['keep-logs'] || args.profile) {
    writeFileSync(join(dir, 'agent.log'), lines.join('\n'));
    log(`agent log${args.profile ? ' and CPU profile' : ''} in ${dir}`);
  }
  process.stdout.write(`${JSON.stringify(result, null, 2)}\n`);

  await new Promise<void>((resolve) => sink.close(() => resolve()));
  await Promise.allSettled([pg.cleanup(), my.cleanup(), redis.cleanup()]);
}

await main();
