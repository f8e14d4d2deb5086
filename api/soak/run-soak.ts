// One soak run: the system under test as separate processes (PostgreSQL store, Temporal dev server, API, worker) on
// loopback, simulated agents sending recorded payloads with some poison, a chaos loop killing each process with
// SIGKILL, a drain with a deadline, then the invariants. Used by `npm run soak` and by the 60-second test.
import { chmodSync, mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import type { Client } from '@temporalio/client';
import type { Kysely } from 'kysely';
import type { Database } from '@logstag/store';
import { connectClient } from '@logstag/temporal';
import { recordedPayloads } from '../bench/recorded-payloads';
import { backlogNow, backlogPeak, sampleBacklog, type BacklogSample } from './backlog';
import { planChaos, runChaos, type ChaosRecord } from './chaos';
import { runningIngestWorkflows, storeFacts, type SoakFacts } from './facts';
import { deliveryInvariants, startDeliveryLoad, unfinishedDeliveries, type DeliveryLoad } from './deliveries';
import { alertInvariants, startAlertLoad, unsettledAlerts, type AlertLoad } from './alerts';
import { checkInvariants, SOAK_INVARIANTS, type CheckResult } from './invariants';
import { Ledger } from './ledger';
import { startLoad } from './load';
import type { SoakOptions } from './options';
import { createRng } from './rng';
import { summarize, type SoakSummary } from './summary';
import type { Supervised, SupervisedStats } from './supervised';
import { REPO_ROOT, snapshotCommit } from './snapshot';
import { startSystem } from './system-under-test';
import { SOAK_NAMESPACE } from './temporal-server';

export interface SoakReport {
  options: SoakOptions;
  /** The run was stopped by a signal before its end: figures are what it had. */
  aborted: boolean;
  loadSeconds: number;
  requests: number;
  failedRequests: Record<string, number>;
  summary: SoakSummary | null;
  rowsByStatus: Record<string, number>;
  failedSamples: Array<Record<string, unknown>>;
  backlog: {
    peak: number;
    peakAtSeconds: number;
    /** When the store had nothing pending or started and the agents nothing left to send, after the load ended. */
    drainedSecondsAfterLoad: number | null;
    /** When, in addition, no ingest workflow was running any more. */
    settledSecondsAfterLoad: number | null;
    samples: BacklogSample[];
  };
  processes: Record<string, SupervisedStats>;
  chaos: ChaosRecord[];
  checks: CheckResult[];
  /** Why the facts could not be gathered, when they could not. */
  error?: string;
  ok: boolean;
  dataDir: string;
  /** The code the API and the worker ran: a commit, another checkout, or this working tree. */
  server: string;
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

function withTimeout<T>(p: Promise<T>, ms: number, what: string): Promise<T> {
  return Promise.race([p, new Promise<never>((_, reject) => setTimeout(() => reject(new Error(`${what} took over ${ms / 1000} s`)), ms).unref())]);
}

export async function runSoak(options: SoakOptions, log: (line: string) => void, signal: AbortSignal = new AbortController().signal): Promise<SoakReport> {
  const dir = mkdtempSync(join(options.parentDir, 'logstag-soak-'));
  // The postgres user must reach its data folder below this one.
  chmodSync(dir, 0o755);
  const logDir = join(dir, 'logs');
  mkdirSync(logDir);
  const processes = new Map<string, Supervised>();
  let db: Kysely<Database> | null = null;
  let temporal: Client | null = null;
  let deliveries: DeliveryLoad | null = null;
  let deliveryClient: Client | null = null;
  let alerts: AlertLoad | null = null;
  try {
    log(`soak: data and logs in ${dir}`);
    let serverRoot = options.serverRoot;
    let server = serverRoot ? `the checkout in ${serverRoot}` : `the working tree of ${REPO_ROOT}`;
    if (options.serverCommit) {
      serverRoot = join(dir, 'server-code');
      server = `commit ${snapshotCommit(options.serverCommit, serverRoot)}`;
      log(`soak: the API and the worker run ${server}, extracted into ${serverRoot}`);
    }
    const system = await startSystem({ dir, logDir, claimTimeoutSeconds: options.claimTimeoutSeconds, serverRoot, log, signal }, processes);
    db = system.db;
    log('soak: postgres, temporal, api and worker are up');
    if (signal.aborted) throw new Error('stopped before the load began');

    // Load and chaos.
    const ledger = new Ledger();
    const startedAt = Date.now();
    const backlog = sampleBacklog(db, startedAt);
    const load = startLoad({
      url: system.apiUrl,
      keys: system.keys,
      templates: recordedPayloads(options.targets),
      rate: options.rate,
      seconds: options.seconds,
      poisonPercent: options.poisonPercent,
      rng: createRng(options.seed + 1),
      ledger,
    });
    // Notifications as the alert workflow starts them, through the same chaos (deliveries.ts).
    deliveries =
      options.deliveriesPerSecond > 0
        ? await startDeliveryLoad({
            db,
            temporal: async () => (deliveryClient ??= await connectClient({ address: system.temporalAddress, namespace: SOAK_NAMESPACE })),
            secretKey: system.secretKey,
            perSecond: options.deliveriesPerSecond,
            seconds: options.seconds,
            rng: createRng(options.seed + 2),
            signal,
          })
        : null;
    // Alerts as the evaluator signals them (alerts.ts), notified through deliveryWorkflow, through the same chaos.
    alerts =
      options.alertsPerSecond > 0
        ? await startAlertLoad({
            db,
            temporal: async () => (deliveryClient ??= await connectClient({ address: system.temporalAddress, namespace: SOAK_NAMESPACE })),
            secretKey: system.secretKey,
            perSecond: options.alertsPerSecond,
            seconds: options.seconds,
            signal,
          })
        : null;
    const abortLoad = () => load.abort();
    signal.addEventListener('abort', abortLoad, { once: true });
    // Its own random stream: the schedule does not depend on how the load's timing interleaves with it.
    const plan = planChaos([...processes.keys()], options.killsPerProcess, options.seconds * 1000, createRng(options.seed));
    const chaos = runChaos(plan, processes, startedAt, signal);
    const progress = setInterval(() => {
      const last = backlog.samples.at(-1);
      log(
        `soak: ${Math.round((Date.now() - startedAt) / 1000)} s, ${ledger.entries.size} made, ${ledger.ids((e) => e.verdict === 'accepted').length} accepted, ` +
          `${load.waiting()} waiting in agents, backlog ${last?.backlog ?? 'n/a'}`,
      );
    }, 30_000);
    await load.generated;
    const loadEndedAt = Date.now();
    log(`soak: load over after ${((loadEndedAt - startedAt) / 1000).toFixed(0)} s; waiting for the chaos loop and the drain`);
    const chaosRecords = await chaos;
    // Everything up again for the drain; a stopped run only needs the store and Temporal, to gather the facts.
    const needed = signal.aborted ? ['postgres', 'temporal'] : [...processes.keys()];
    await Promise.race([Promise.all(needed.map((name) => processes.get(name)!.whenUp())), sleep(signal.aborted ? 30_000 : 120_000)]);

    // Drain: the agents send what they still hold, the pipeline empties, every ingest workflow ends.
    const finishing = load.finish();
    const deadline = loadEndedAt + options.drainSeconds * 1000;
    // Drained: nothing pending or started in the store and nothing left in the agents. Settled: and no ingest
    // workflow still running (one whose worker was killed waits for its activity's start-to-close timeout).
    let drainedAt: number | null = null;
    let settledAt: number | null = null;
    temporal = await connectClient({ address: system.temporalAddress, namespace: SOAK_NAMESPACE });
    while (!signal.aborted && Date.now() < deadline) {
      const empty = (await backlogNow(db).catch(() => null)) === 0 && load.waiting() === 0;
      drainedAt = empty ? (drainedAt ?? Date.now()) : null;
      if (empty && (await runningIngestWorkflows(temporal, 0).catch(() => null))?.count === 0) {
        settledAt = Date.now();
        break;
      }
      await sleep(1_000);
    }
    // Deliveries still retrying (their waits are short in the soak) end before the facts are gathered.
    if (deliveries) {
      await deliveries.started;
      const soakDb = db;
      while (!signal.aborted && Date.now() < deadline && ((await unfinishedDeliveries(soakDb, deliveries).catch(() => 1)) > 0)) await sleep(1_000);
    }
    // Every signalled alert settles (episode written, cleared ones resolved, triggers and resolves at the receiver) before the facts are gathered.
    if (alerts) {
      await alerts.signalled;
      const soakDb = db;
      const load = alerts;
      while (!signal.aborted && Date.now() < deadline && ((await unsettledAlerts(soakDb, load).catch(() => 1)) > 0)) await sleep(1_000);
    }
    clearInterval(progress);
    load.abort();
    await withTimeout(finishing, 60_000, 'stopping the agents').catch(() => undefined);
    backlog.stop();
    const after = (t: number | null) => (t === null ? null : Math.round((t - loadEndedAt) / 100) / 10);
    if (signal.aborted) log('soak: stopped; gathering the facts');
    else log(settledAt ? `soak: drained ${after(drainedAt)} s and settled ${after(settledAt)} s after the load` : 'soak: not settled by the deadline');

    // Facts and invariants.
    const peak = backlogPeak(backlog.samples);
    const report: SoakReport = {
      options,
      aborted: signal.aborted,
      loadSeconds: (loadEndedAt - startedAt) / 1000,
      requests: ledger.requests,
      failedRequests: Object.fromEntries(ledger.failedRequestsByCause),
      summary: null,
      rowsByStatus: {},
      failedSamples: [],
      backlog: {
        peak: peak.peak,
        peakAtSeconds: peak.peakAtT,
        drainedSecondsAfterLoad: after(drainedAt),
        settledSecondsAfterLoad: after(settledAt),
        samples: backlog.samples,
      },
      processes: Object.fromEntries([...processes].map(([name, p]) => [name, { ...p.stats }])),
      chaos: chaosRecords,
      checks: [],
      ok: false,
      dataDir: dir,
      server,
    };
    try {
      const client = temporal;
      const soakDb = db;
      const facts: SoakFacts = await withTimeout(
        (async () => ({ ...(await storeFacts(soakDb, ledger)), ledger, runningWorkflows: await runningIngestWorkflows(client) }))(),
        60_000,
        'gathering the facts',
      );
      const summary = summarize(facts);
      report.summary = summary;
      report.rowsByStatus = facts.rowsByStatus;
      report.failedSamples = facts.failedSamples;
      const invariants = [...SOAK_INVARIANTS, ...(deliveries ? deliveryInvariants(deliveries) : []), ...(alerts ? alertInvariants(alerts) : [])];
      report.checks = await checkInvariants({
        facts,
        summary,
        processes: report.processes,
        killsPerProcess: options.killsPerProcess,
        db: soakDb,
        temporal: client,
      }, invariants);
      report.ok = !report.aborted && report.checks.every((c) => c.ok);
    } catch (err) {
      report.error = (err as Error).message;
    }
    signal.removeEventListener('abort', abortLoad);
    return report;
  } finally {
    await deliveries?.stop().catch(() => undefined);
    await (alerts as AlertLoad | null)?.stop().catch(() => undefined);
    await (deliveryClient as Client | null)?.connection.close().catch(() => undefined);
    await temporal?.connection.close().catch(() => undefined);
    await db?.destroy().catch(() => undefined);
    // The API and the worker first, so they do not log the store's and Temporal's end as failures.
    for (const name of ['api', 'worker', 'temporal', 'postgres']) await processes.get(name)?.stop();
    if (!options.keep) rmSync(dir, { recursive: true, force: true });
  }
}
