/**
 * `npx tsx agent/bench/agent-cycles.ts [-- --minutes N] [--allocations] [--syscalls]`: the agent's work per minute of
 * bench:agent's cadence, counted inside one process instead of timed against the clock, so a loaded machine changes
 * the figures little (bench:agent's CPU % moves by tenths of a point with the load; these do not).
 *
 * The same 20 targets as bench:agent (10 PostgreSQL databases, 5 MariaDB schemas, 5 Redis databases with monitoring
 * users from agent/setup/) and the same code path per collection as the running agent (runner/agent.ts's job: collect,
 * diff, envelope and validation, the debug log line, the sender's batches, gzip and HTTP to a loopback sink answering
 * 202). A simulated minute is what bench:agent's cadence does in one minute after its first: per target 6 runtime
 * collections and 1 workload collection, and an operational one every 10th minute; a batch is flushed every 5
 * payloads (20 targets submit about 2.5 a second, the sender lingers 2 s). The collections run one after the other as
 * fast as they come back; every target's first collections of each category run first, unmeasured (warm-up).
 *
 * Reported per simulated minute, from the measured minutes:
 * - CPU seconds of the process (`process.cpuUsage`), and of its JS thread and its other threads (/proc/self/task);
 * - garbage collections (PerformanceObserver 'gc': scavenges, mark-compacts, their time), and the bytes scavenges
 *   found in the young generation, which with the agent's 1 MB semi-space (its launcher's growth factor 1, set here
 *   too) is about what the JS allocated;
 * - with --allocations: the bytes allocated, by V8's sampling heap profiler counting objects GC has collected too,
 *   and the functions that allocated the most (the profiler slows the run: its CPU figures are not comparable);
 * - with --syscalls: system calls of the process (strace -c -f attached for the measured minutes; slows it too).
 */
import { spawn } from 'node:child_process';
import { mkdtempSync, readFileSync, readdirSync, writeFileSync } from 'node:fs';
import { Session } from 'node:inspector/promises';
import os from 'node:os';
import { join } from 'node:path';
import { PerformanceObserver, constants as perfConstants } from 'node:perf_hooks';
import { parseArgs } from 'node:util';
import v8 from 'node:v8';
import pino from 'pino';
import type { Category } from '@logstag/schema/core';

// As the launcher (agent/bin/logstag-agent.mjs) does before the agent allocates: V8's young generation stays at 1 MB.
v8.setFlagsFromString('--semi-space-growth-factor=1');

const { collectorFactories } = await import('../src/collectors/index');
const { parseConfig } = await import('../src/config/load');
const { createLogger } = await import('../src/log/logger');
const { collectOnce } = await import('../src/runner/collect-once');
const { openSender } = await import('../src/runner/open-sender');
const { SchemaChangeTrigger } = await import('../src/runner/schema-trigger');
const { closeAll, createTargetCollectors } = await import('../src/runner/target-collectors');
const { CounterState } = await import('../src/state/counter-state');
const { setupMysql, setupPostgres, setupRedis } = await import('../test/testing');
const { startOwnServices } = await import('./own-services');

const { values: args } = parseArgs({
  options: {
    minutes: { type: 'string', default: '10' },
    /** Unmeasured simulated minutes after the first collections, so V8 has compiled the hot code. */
    warmup: { type: 'string', default: '3' },
    allocations: { type: 'boolean', default: false },
    /**
     * With --allocations: count only what outlived the young generation (promoted to the old one, where only a major
     * GC frees it), not what scavenges already collected.
     */
    promoted: { type: 'boolean', default: false },
    /** Sampling interval of the heap profiler in bytes (smaller: finer and slower). */
    'sampling-interval': { type: 'string', default: '2048' },
    syscalls: { type: 'boolean', default: false },
    /**
     * Idle time after each collection (the running agent's collections come about 420 ms apart): the same work with
     * the caches and the CPU's state cold between collections, as they are in the running agent.
     */
    'gap-ms': { type: 'string', default: '0' },
    /** With --gap-ms: the idle time comes after every Nth collection only, N times as long (collections in bursts). */
    burst: { type: 'string', default: '1' },
    /** Where the agent's log lines go (the bench's agent writes them to a pipe). */
    log: { type: 'string', default: '/dev/null' },
    /** With --allocations: also write the sampling heap profile here (opens in Chrome's DevTools, Memory tab). */
    'heap-profile': { type: 'string' },
    /** As bench:agent's: the shared test services instead of servers of its own (own-services.ts). */
    'shared-services': { type: 'boolean', default: false },
    /** As bench:agent's: application statement shapes in each schema of the own MariaDB (2000 fills its digest table). */
    digests: { type: 'string', default: '500' },
    /** As bench:agent's: of them, run again at the start of every simulated minute (their digests change). */
    'digests-running': { type: 'string', default: '200' },
  },
});
const minutes = Number(args.minutes);
const warmup = Number(args.warmup);
const gapMs = Number(args['gap-ms']);
const burst = Number(args.burst);
const log = (msg: string) => process.stderr.write(`agent-cycles ${new Date().toISOString().slice(11, 19)} ${msg}\n`);

const REDIS_DBS = [1, 2, 3, 4, 5];
const CLK_TCK = 100;

/** CPU seconds of this process's JS thread (the thread whose id is the pid) and of all its other threads. */
function threadSeconds(): { main: number; helpers: number } {
  let main = 0;
  let helpers = 0;
  for (const task of readdirSync('/proc/self/task')) {
    let line: string;
    try {
      line = readFileSync(`/proc/self/task/${task}/stat`, 'utf8');
    } catch {
      continue;
    }
    const fields = line.slice(line.lastIndexOf(') ') + 2).split(' ');
    const seconds = (Number(fields[11]) + Number(fields[12])) / CLK_TCK;
    if (task === String(process.pid)) main += seconds;
    else helpers += seconds;
  }
  return { main, helpers };
}

const gc = { scavenges: 0, markCompacts: 0, other: 0, ms: 0, measuring: false };
new PerformanceObserver((list) => {
  if (!gc.measuring) return;
  for (const entry of list.getEntries()) {
    const kind = (entry as unknown as { detail?: { kind?: number } }).detail?.kind;
    if (kind === perfConstants.NODE_PERFORMANCE_GC_MINOR) gc.scavenges++;
    else if (kind === perfConstants.NODE_PERFORMANCE_GC_MAJOR) gc.markCompacts++;
    else gc.other++;
    gc.ms += entry.duration;
  }
}).observe({ entryTypes: ['gc'] });

async function main(): Promise<void> {
  log('setting up 10 PostgreSQL databases, 5 MariaDB schemas, 5 Redis databases');
  const own = args['shared-services'] ? undefined : await startOwnServices({ digestsSize: 10_000, log });
  if (own) Object.assign(process.env, own.env);
  const [pg, my, redis] = await Promise.all([setupPostgres(10, 'lt_cycles'), setupMysql(5, 'lt_cycles'), setupRedis(REDIS_DBS, 'ltcycles')]);
  if (own) log(`MariaDB digest table emptied, then ${args.digests} application statement shapes: ${await own.fillDigests(Number(args.digests), my.schemas)} rows`);
  const sink = await startSink();
  const dir = mkdtempSync(join(os.tmpdir(), 'logstag-agent-cycles-'));
  process.env.CYCLES_PG_PW = pg.password;
  process.env.CYCLES_MY_PW = my.password;
  process.env.CYCLES_REDIS_PW = redis.password;
  const target = (name: string, engine: string, host: string, port: number, user: string, pwEnv: string, extra: string) =>
    `  - { name: ${name}, engine: ${engine}, host: ${host}, port: ${port}, user: ${user}, password: "env:${pwEnv}", ${extra} }\n`;
  let targets = '';
  for (const [i, db] of pg.databases.entries()) targets += target(`pg-${i}`, 'postgresql', pg.host, pg.port, pg.user, 'CYCLES_PG_PW', `database: ${db}, databases: { include: [${db}] }`);
  for (const [i, schema] of my.schemas.entries()) targets += target(`mariadb-${i}`, 'mysql', my.host, my.port, my.user, 'CYCLES_MY_PW', `databases: { include: [${schema}] }`);
  for (const [i, db] of REDIS_DBS.entries()) targets += target(`redis-${i}`, 'redis', redis.host, redis.port, redis.user, 'CYCLES_REDIS_PW', `database: ${db}, databases: { include: [db${db}] }`);
  const config = parseConfig(
    `server: { url: "${sink.url}", api_key: bench-key }\nagent_id: bench\nspool: { dir: ${join(dir, 'spool')} }\nlog_level: debug\ntargets:\n${targets}`,
    join(dir, 'logstag-agent.yaml'),
  );
  const logger = createLogger({ level: 'debug', secrets: config.secretValues, destination: pino.destination({ dest: args.log, sync: true }) });
  const { sender } = await openSender(config, logger, 'run');
  sender.start();
  const state = new CounterState();
  const schemaChanges = new SchemaChangeTrigger();
  const { running } = createTargetCollectors(config, collectorFactories, logger);

  let submitted = 0;
  let collections = 0;
  /** runner/agent.ts's job for one target and category, without the scheduler around it. */
  const collect = async (index: number, category: Category) => {
    const { target, collector, logger: targetLog } = running[index]!;
    const started = performance.now();
    const { payload, ok, timing } = await collectOnce({ agentId: config.agentId, target, collector, category, state, signal: new AbortController().signal, secrets: config.secretValues });
    const durationMs = Math.round((performance.now() - started) * 10) / 10;
    sender.submit(payload);
    collections++;
    if (gapMs > 0 && collections % burst === 0) await new Promise((r) => setTimeout(r, gapMs * burst));
    if (++submitted % 5 === 0) sender.flush();
    if (ok) schemaChanges.remember(payload);
    if (!ok) targetLog.warn({ category, durationMs, errors: 'errors' in payload ? payload.errors : undefined }, 'collection failed');
    else targetLog.debug({ category, payloadId: payload.id, durationMs, ...timing }, 'collected');
  };
  /** Waits until the sink has every payload submitted so far (the sends' CPU belongs to the minute that made them). */
  const drained = async () => {
    sender.flush();
    while (sender.stats.sent + sender.stats.rejected + sender.stats.spooled < submitted) await new Promise((r) => setTimeout(r, 5));
  };
  /** One simulated minute: per target 6 runtime and 1 workload collection (and operational every 10th), interleaved. */
  const minute = async (n: number) => {
    // The application at work (a mariadb client process of its own, not counted here).
    if (own) await own.runDigests(Math.min(Number(args['digests-running']), Number(args.digests)), my.schemas);
    for (let tick = 0; tick < 6; tick++) {
      for (let i = 0; i < running.length; i++) {
        await collect(i, 'runtime');
        if (tick === i % 6) await collect(i, 'workload');
        if (tick === 3 && n % 10 === 9) await collect(i, 'operational');
      }
    }
    await drained();
  };

  log('first collections of every category (unmeasured)');
  const firstCpuMs: Record<string, number> = {};
  for (const category of ['schema', 'operational', 'workload', 'runtime'] as const) {
    const before = process.cpuUsage();
    for (let i = 0; i < running.length; i++) await collect(i, category);
    await drained();
    const used = process.cpuUsage(before);
    firstCpuMs[category] = Math.round((used.user + used.system) / 1000);
  }
  log(`first collections, CPU of the 20 targets' first one of each category (ms): ${JSON.stringify(firstCpuMs)}`);
  for (let n = 0; n < warmup; n++) await minute(n);
  const failed = (await sink.stats()).withErrors;

  let session: Session | undefined;
  if (args.allocations) {
    session = new Session();
    session.connect();
    // Objects already collected count too: the point is what the agent allocates, not what it keeps.
    const sampling = { samplingInterval: Number(args['sampling-interval']), includeObjectsCollectedByMajorGC: true, includeObjectsCollectedByMinorGC: !args.promoted };
    await session.post('HeapProfiler.startSampling', sampling as { samplingInterval: number });
  }
  let strace: ReturnType<typeof spawn> | undefined;
  let straceOut = '';
  if (args.syscalls) {
    strace = spawn('strace', ['-c', '-f', '-p', String(process.pid)], { stdio: ['ignore', 'ignore', 'pipe'] });
    strace.stderr!.on('data', (chunk: Buffer) => (straceOut += chunk.toString()));
    await new Promise((r) => setTimeout(r, 1000));
  }

  log(`measuring ${minutes} simulated minutes (load average ${os.loadavg().map((l) => l.toFixed(2)).join(' ')})`);
  const heapBefore = v8.getHeapStatistics();
  const cpuBefore = process.cpuUsage();
  const threadsBefore = threadSeconds();
  const collectionsBefore = collections;
  const sinkBefore = await sink.stats();
  const wallBefore = performance.now();
  gc.measuring = true;
  for (let n = 0; n < minutes; n++) await minute(warmup + n);
  // PerformanceObserver entries arrive asynchronously.
  await new Promise((r) => setTimeout(r, 50));
  gc.measuring = false;
  const wall = (performance.now() - wallBefore) / 1000;
  const cpu = process.cpuUsage(cpuBefore);
  const threads = threadSeconds();
  const measuredCollections = collections - collectionsBefore;
  const sinkAfter = await sink.stats();

  let allocations: { bytesPerMinute: number; top: Array<{ kb: number; site: string }> } | undefined;
  if (session) {
    const { profile } = (await session.post('HeapProfiler.stopSampling')) as unknown as { profile: { head: HeapNode } };
    session.disconnect();
    if (args['heap-profile']) writeFileSync(args['heap-profile'], JSON.stringify(profile));
    const bySite = new Map<string, number>();
    let total = 0;
    const walk = (node: HeapNode) => {
      if (node.selfSize > 0) {
        const { functionName, url, lineNumber } = node.callFrame;
        const site = `${functionName || '(anonymous)'} ${url.replace(/^.*\/node_modules\//, '').replace(/^.*\/agent\//, 'agent/').replace(/^file:\/\/.*\/schema\//, 'schema/')}:${lineNumber + 1}`;
        bySite.set(site, (bySite.get(site) ?? 0) + node.selfSize);
        total += node.selfSize;
      }
      for (const child of node.children) walk(child);
    };
    walk(profile.head);
    allocations = {
      bytesPerMinute: Math.round(total / minutes),
      top: [...bySite]
        .sort((a, b) => b[1] - a[1])
        .slice(0, 40)
        .map(([site, bytes]) => ({ kb: Math.round(bytes / minutes / 1024), site })),
    };
  }
  if (strace) {
    strace.kill('SIGINT');
    await new Promise((r) => strace!.on('exit', r));
  }

  const perMinute = (value: number, digits = 3) => Number((value / minutes).toFixed(digits));
  const result = {
    command: `npx tsx agent/bench/agent-cycles.ts --minutes ${minutes}${args['shared-services'] ? ' --shared-services' : ` --digests ${args.digests} --digests-running ${args['digests-running']}`}${args.allocations ? ' --allocations' : ''}${args.promoted ? ' --promoted' : ''}${args.syscalls ? ' --syscalls' : ''}`,
    simulatedMinutes: minutes,
    wallSeconds: Number(wall.toFixed(1)),
    collectionsPerMinute: perMinute(measuredCollections, 1),
    collectionsWithErrorsInWarmup: failed,
    requestsPerMinute: perMinute(sinkAfter.requests - sinkBefore.requests, 1),
    gzipKbPerMinute: perMinute((sinkAfter.bytes - sinkBefore.bytes) / 1024, 1),
    jsonKbPerMinute: perMinute((sinkAfter.jsonBytes - sinkBefore.jsonBytes) / 1024, 1),
    /** The largest sections sent, in KB of JSON and rows per simulated minute. */
    largestSections: Object.entries(sinkAfter.sections)
      .map(([name, after]) => ({ name, kb: perMinute((after.bytes - (sinkBefore.sections[name]?.bytes ?? 0)) / 1024, 1), rows: perMinute(after.rows - (sinkBefore.sections[name]?.rows ?? 0), 1) }))
      .sort((a, b) => b.kb - a.kb)
      .slice(0, 8),
    sender: sender.stats,
    perMinute: {
      cpuSeconds: perMinute((cpu.user + cpu.system) / 1e6),
      cpuUserSeconds: perMinute(cpu.user / 1e6),
      cpuSystemSeconds: perMinute(cpu.system / 1e6),
      /** As % of one core at the real cadence (a simulated minute's CPU over 60 s). */
      cpuPercentAtCadence: perMinute(((cpu.user + cpu.system) / 1e6 / 60) * 100),
      jsThreadSeconds: perMinute(threads.main - threadsBefore.main),
      otherThreadsSeconds: perMinute(threads.helpers - threadsBefore.helpers),
      scavenges: perMinute(gc.scavenges, 1),
      markCompacts: perMinute(gc.markCompacts, 2),
      gcMs: perMinute(gc.ms, 1),
      ...(allocations ? { allocatedMb: Number((allocations.bytesPerMinute / 1024 / 1024).toFixed(2)) } : {}),
    },
    perCollection: {
      cpuMs: Number((((cpu.user + cpu.system) / 1000) / measuredCollections).toFixed(3)),
      ...(allocations ? { allocatedKb: Math.round((allocations.bytesPerMinute * minutes) / measuredCollections / 1024) } : {}),
    },
    heapUsedMbAtEnd: Number((v8.getHeapStatistics().used_heap_size / 1024 / 1024).toFixed(1)),
    heapUsedMbBefore: Number((heapBefore.used_heap_size / 1024 / 1024).toFixed(1)),
    loadAverage: os.loadavg().map((l) => Number(l.toFixed(2))),
    ...(allocations ? { topAllocationSitesKbPerMinute: allocations.top } : {}),
  };
  process.stdout.write(`${JSON.stringify(result, null, 2)}\n`);
  if (strace) process.stdout.write(`strace -c -f over the measured minutes (${minutes}):\n${straceOut}\n`);

  await sender.close();
  await closeAll(running);
  await sink.close();
  if (own) await own.stop();
  else await Promise.allSettled([pg.cleanup(), my.cleanup(), redis.cleanup()]);
}

/**
 * The loopback ingest sink in a process of its own (its gunzip and parsing must not count as the agent's): answers a
 * batch with a result per line and a payload with accepted, as POST /v1/ingest does; GET /stats gives its totals.
 */
async function startSink(): Promise<{ url: string; stats(): Promise<SinkStats>; close(): Promise<void> }> {
  const source = `
    const http = require('node:http');
    const { gunzipSync } = require('node:zlib');
    const stats = { requests: 0, payloads: 0, bytes: 0, jsonBytes: 0, withErrors: 0, sections: {} };
    const server = http.createServer((req, res) => {
      if (req.method === 'GET') { res.end(JSON.stringify(stats)); return; }
      const chunks = [];
      req.on('data', (c) => chunks.push(c));
      req.on('end', () => {
        const raw = Buffer.concat(chunks);
        const text = gunzipSync(raw).toString('utf8');
        const lines = text.split('\\n').filter((l) => l.trim() !== '').map((l) => JSON.parse(l));
        stats.requests++; stats.payloads += lines.length; stats.bytes += raw.length; stats.jsonBytes += text.length;
        for (const p of lines) {
          if (Array.isArray(p.errors) && p.errors.length > 0) stats.withErrors++;
          for (const [name, section] of Object.entries(p.data ?? {})) {
            const key = p.engine + '/' + p.category + '/' + name;
            const entry = (stats.sections[key] ??= { bytes: 0, rows: 0 });
            entry.bytes += JSON.stringify(section ?? null).length;
            entry.rows += Array.isArray(section) ? section.length : 1;
          }
        }
        const batch = req.headers['content-type'] === 'application/x-ndjson';
        res.writeHead(202, { 'content-type': 'application/json' });
        res.end(JSON.stringify(batch ? { results: lines.map((p, i) => ({ line: i + 1, id: p.id, status: 'accepted' })) } : { id: lines[0].id, status: 'accepted' }));
      });
    });
    server.listen(0, '127.0.0.1', () => process.stdout.write(server.address().port + '\\n'));
  `;
  const child = spawn(process.execPath, ['-e', source], { stdio: ['ignore', 'pipe', 'inherit'] });
  const port = await new Promise<number>((resolve, reject) => {
    child.stdout!.once('data', (chunk: Buffer) => resolve(Number(chunk.toString().trim())));
    child.once('exit', (code) => reject(new Error(`the sink exited (${code})`)));
  });
  const url = `http://127.0.0.1:${port}`;
  return {
    url,
    stats: async () => {
      const { get } = await import('node:http');
      return new Promise<SinkStats>((resolve, reject) => {
        get(`${url}/stats`, (res) => {
          let body = '';
          res.on('data', (c: Buffer) => (body += c.toString()));
          res.on('end', () => resolve(JSON.parse(body) as SinkStats));
        }).on('error', reject);
      });
    },
    close: async () => {
      child.kill();
    },
  };
}

interface SinkStats {
  requests: number;
  payloads: number;
  bytes: number;
  jsonBytes: number;
  withErrors: number;
  sections: Record<string, { bytes: number; rows: number }>;
}

interface HeapNode {
  callFrame: { functionName: string; url: string; lineNumber: number };
  selfSize: number;
  children: HeapNode[];
}

await main();
