// npm run bench:alerts [-- --alerts 200 --rate 10 --tier2-delay 5 --storm 1000 --activity-slots 8 --without-patches <ids>]
//
// Alerts end to end on the real Temporal dev server and PostgreSQL (test-services cluster), with an in-process worker
// and a loopback receiver of signed webhooks:
// 1. latency: ALERTS breaching collections of distinct targets committed at RATE a second, each stored by an ingest
//    workflow (as the dispatcher starts them), evaluated, its alert workflow signalled-with-start and its trigger
//    delivered. Reports accepted → first notification received, p50/p99/max (goal p99 < 5 s).
// 2. escalation timer accuracy: nobody acknowledges, so each alert's tier 2 is due TIER2_DELAY s after it fired;
//    reports |tier-2 arrival − (tier-1 arrival + delay)| p50/p99/max (goal within 2 s).
// 3. storm: STORM alerts opened at once (collections committed together, ingested in batches of 100); reports how
//    many were notified, how long the last took, and duplicates (none may be lost or sent twice).
// Each phase also prints CPU per alert of this process (worker, activities, receivers), of the Temporal dev server
// and of the bench database's PostgreSQL backends, and the first alert's Temporal actions (workflow tasks, activity
// tasks, local activities, child workflows, signals, timers) from the histories of its ingest, alert and delivery
// workflows. `--without-patches alert-local-store-steps,delivery-local-store-steps` leaves those patches inactive in
// new runs: the code path before them, for an A/B in the same minutes.
import { randomUUID } from 'node:crypto';
import { readdirSync, readFileSync } from 'node:fs';
import { parseArgs } from 'node:util';
import { createActivities } from '@logstag/activities';
import { insertPayloadRows, validBody } from '@logstag/activities/testing';
import { loopbackDeliveryDeps, newSigningSecret, startReceiver, testIntegration, testOrganization } from '@logstag/activities/delivery-testing';
import { insertAlertRule, insertEscalationPolicy, openStore } from '@logstag/store';
import { createTestDatabase } from '@logstag/store/testing';
import { sql } from 'kysely';
import { createWorker, TASK_QUEUE, workflowIds } from '@logstag/temporal';
import { startTestTemporal } from '@logstag/temporal/testing';
import { machineBusySeconds, sampleLoadAverage, treeCpuSeconds } from './process-cpu';
import { useTestServicesEnv } from './services-env';

useTestServicesEnv();
const { values: args } = parseArgs({ options: { alerts: { type: 'string', default: '200' }, rate: { type: 'string', default: '10' }, 'tier2-delay': { type: 'string', default: '5' }, storm: { type: 'string', default: '1000' }, 'activity-slots': { type: 'string', default: '8' }, 'without-patches': { type: 'string', default: '' } } });
const ALERTS = Number(args.alerts);
const RATE = Number(args.rate);
const TIER2_DELAY = Number(args['tier2-delay']);
const STORM = Number(args.storm);

const pct = (sorted: number[], p: number) => sorted[Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1)] ?? NaN;
const stats = (xs: number[]) => {
  const s = [...xs].sort((a, b) => a - b);
  return `p50 ${pct(s, 50).toFixed(0)} ms, p99 ${pct(s, 99).toFixed(0)} ms, max ${(s.at(-1) ?? NaN).toFixed(0)} ms (n=${s.length})`;
};
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

const [env, tdb] = await Promise.all([startTestTemporal(), createTestDatabase('logstag_bench')]);
const store = await openStore({ databaseUrl: tdb.url, poolSize: 20 });
// Each activity's duration, to say where the time goes (printed at the end).
const activityMs = new Map<string, number[]>();
const timed = <T extends Record<string, unknown>>(acts: T): T =>
  Object.fromEntries(
    Object.entries(acts).map(([name, fn]) => [
      name,
      typeof fn === 'function'
        ? async (...a: unknown[]) => {
            const t0 = performance.now();
            try {
              return await (fn as (...x: unknown[]) => unknown)(...a);
            } finally {
              let xs = activityMs.get(name);
              if (!xs) activityMs.set(name, (xs = []));
              xs.push(performance.now() - t0);
            }
          }
        : fn,
    ]),
  ) as T;
const SLOTS = Number(args['activity-slots']);
const WITHOUT = new Set(args['without-patches'].split(',').filter(Boolean));
if (WITHOUT.size) console.log(`patches left inactive in new runs: ${[...WITHOUT].join(', ')}`);
const worker = await createWorker({
  connection: env.nativeConnection,
  namespace: env.namespace ?? 'logstag',
  activities: timed(createActivities({ db: store.db, temporal: () => env.client, delivery: loopbackDeliveryDeps })),
  maxConcurrentActivityTaskExecutions: SLOTS,
  ...(WITHOUT.size ? { patchActivationCallback: ({ patchId }: { patchId: string }) => !WITHOUT.has(patchId) } : {}),
});
const running = worker.run();
const [tier1, tier2] = await Promise.all([startReceiver(), startReceiver()]);

interface Hook {
  data: { episodeId: string; event: string; alert: { targetId: string } };
}
// Each request's body parsed once (the waits poll every 50 ms: parsing them all again each time cost this process, the
// worker's, a growing share of CPU).
const parsed = new Map<typeof tier1, Array<{ at: number; hook: Hook }>>();
const received = (r: typeof tier1) => {
  const list = parsed.get(r) ?? [];
  parsed.set(r, list);
  for (let i = list.length; i < r.requests.length; i++) list.push({ at: r.requests[i]!.at, hook: JSON.parse(r.requests[i]!.body) as Hook });
  return list;
};

/** Fields of /proc/<pid>/stat after the command name, or null once the process is gone. */
function statFields(pid: number): string[] | null {
  try {
    const f = readFileSync(`/proc/${pid}/stat`, 'utf8');
    return f.slice(f.lastIndexOf(')') + 2).split(' ');
  } catch {
    return null;
  }
}
/** utime + stime ticks of one process (not its children). */
const ownTicks = (pid: number) => {
  const f = statFields(pid);
  return f ? Number(f[11]) + Number(f[12]) : null;
};
/** This process's children: the Temporal dev server the SDK started. */
const childPids = () =>
  readdirSync('/proc')
    .map(Number)
    .filter((pid) => Number.isInteger(pid) && pid !== process.pid && Number(statFields(pid)?.[1]) === process.pid);

/**
 * CPU seconds of a phase: this process (worker, workflow thread, activities, receivers, the bench itself), the Temporal
 * dev server, and the PostgreSQL backends connected to the bench's database (sampled every second from
 * pg_stat_activity; a backend first seen during the phase counts from 0), the whole machine, and the load average.
 */
function cpuMeter() {
  const cpu0 = process.cpuUsage();
  const temporal0 = childPids().reduce((a, pid) => a + treeCpuSeconds(pid), 0);
  const machine0 = machineBusySeconds();
  const loads = sampleLoadAverage();
  const pg = new Map<number, { first: number; last: number }>();
  let started = false;
  const samplePg = async () => {
    const { rows } = await sql<{ pid: number }>`select pid from pg_stat_activity where datname = current_database()`.execute(store.db);
    for (const { pid } of rows) {
      const t = ownTicks(Number(pid));
      if (t === null) continue;
      const e = pg.get(Number(pid));
      if (e) e.last = t;
      else pg.set(Number(pid), { first: started ? 0 : t, last: t });
    }
    started = true;
  };
  const first = samplePg();
  const timer = setInterval(() => void samplePg().catch(() => undefined), 1_000);
  return async (label: string, alerts: number) => {
    clearInterval(timer);
    await first;
    await samplePg();
    const c = process.cpuUsage(cpu0);
    const own = (c.user + c.system) / 1e6;
    const temporal = childPids().reduce((a, pid) => a + treeCpuSeconds(pid), 0) - temporal0;
    const postgres = [...pg.values()].reduce((a, e) => a + e.last - e.first, 0) / 100;
    const machine = machineBusySeconds() - machine0;
    const load = loads();
    const per = (x: number) => `${((x * 1000) / alerts).toFixed(1)} ms`;
    console.log(
      `   CPU per alert (${label}, ${alerts} alerts): this process (worker, activities, receivers) ${per(own)}, Temporal dev server ${per(temporal)}, PostgreSQL backends ${per(postgres)}; ` +
        `machine busy ${per(machine)} (others included); totals ${own.toFixed(1)} / ${temporal.toFixed(1)} / ${postgres.toFixed(1)} / ${machine.toFixed(1)} s; load average mean ${load.mean.toFixed(1)}, max ${load.max.toFixed(1)}`,
    );
  };
}

/** Counts a workflow's Temporal actions from its history. */
async function actionsOf(workflowId: string) {
  const { events } = await env.client.workflow.getHandle(workflowId).fetchHistory();
  const n = { workflowTasks: 0, activityTasks: 0, localActivities: 0, children: 0, signals: 0, timers: 0, events: events?.length ?? 0 };
  for (const e of events ?? []) {
    if (e.workflowTaskCompletedEventAttributes) n.workflowTasks++;
    if (e.activityTaskScheduledEventAttributes) n.activityTasks++;
    if (e.markerRecordedEventAttributes?.markerName === 'core_local_activity') n.localActivities++;
    if (e.startChildWorkflowExecutionInitiatedEventAttributes) n.children++;
    if (e.workflowExecutionSignaledEventAttributes) n.signals++;
    if (e.timerStartedEventAttributes) n.timers++;
  }
  return n;
}

async function organization(delaySeconds: number) {
  const org = await testOrganization(store.db);
  const secrets = { signingSecret: newSigningSecret(), previousSigningSecret: null };
  const i1 = await testIntegration(store.db, org, 'webhook', { url: tier1.url }, secrets);
  const i2 = await testIntegration(store.db, org, 'webhook', { url: tier2.url }, secrets);
  await insertEscalationPolicy(store.db, org, {
    name: 'bench',
    tiers: [
      { delaySeconds, recipients: [{ kind: 'integration', integrationId: i1 }] },
      { delaySeconds: 0, recipients: [{ kind: 'integration', integrationId: i2 }] },
    ],
    repeat: 0,
    ackTimeoutSeconds: null,
    isDefault: true,
  });
  await insertAlertRule(store.db, org, {
    name: 'Connections high',
    enabled: true,
    severity: 'critical',
    condition: { kind: 'threshold', metric: 'connections.used', comparator: '>', value: 50, forSeconds: 0, clearForSeconds: 600 },
    scope: { engines: [], targetIds: [], tags: {} },
    summaryTemplate: '{{target}}: {{value}} connections',
    escalationPolicyId: null,
  });
  return org;
}

/** Commits breaching collections of these targets as claimed, and runs their ingest workflow (one batch). */
async function ingest(org: string, targets: string[]) {
  const bodies = targets.map((t) => ({ ...validBody(t), data: { connections: { total: 90, max_connections: 100 } } }));
  const ids = await insertPayloadRows(store.db, org, bodies, { status: 'started', workflow_started_at: new Date() });
  const workflowId = `ingest:bench-${randomUUID()}`;
  ingestIds.set(targets[0]!, workflowId);
  return env.client.workflow.start('ingestWorkflow', { workflowId, taskQueue: TASK_QUEUE, args: [ids] });
}
const ingestIds = new Map<string, string>();

async function waitUntil(what: string, done: () => boolean, ms: number) {
  const deadline = Date.now() + ms;
  while (!done()) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await sleep(50);
  }
}

try {
  // 1 and 2: latency and escalation accuracy.
  const org = await organization(TIER2_DELAY);
  const acceptedAt = new Map<string, number>();
  const prefix = `lat-${randomUUID().slice(0, 6)}`;
  const latencyCpu = cpuMeter();
  for (let i = 0; i < ALERTS; i++) {
    const target = `${prefix}-${i}`;
    acceptedAt.set(target, Date.now());
    void ingest(org, [target]);
    await sleep(1000 / RATE);
  }
  const firstOf = (r: typeof tier1, event: string) => {
    const m = new Map<string, number>();
    for (const { at, hook } of received(r)) if (hook.data.event === event && hook.data.alert.targetId.startsWith(prefix) && !m.has(hook.data.alert.targetId)) m.set(hook.data.alert.targetId, at);
    return m;
  };
  await waitUntil('every trigger', () => firstOf(tier1, 'trigger').size >= ALERTS, 120_000 + ALERTS * 200);
  const triggers = firstOf(tier1, 'trigger');
  const latency = [...acceptedAt].map(([t, sent]) => triggers.get(t)! - sent); // in the order sent
  console.log(`1. breaching collection accepted → trigger received: ${stats(latency)}`);
  const q = Math.max(1, Math.floor(latency.length / 4));
  console.log(`   first quarter sent: ${stats(latency.slice(0, q))}; last quarter: ${stats(latency.slice(-q))} (a growing queue means the pipeline is slower than the rate)`);
  // Where the time goes: medians of each stage, from the store's own timestamps.
  const stages = await sql<{ stored: number; episode: number; delivery: number; attempt: number }>`
    select extract(epoch from (p.stored_at - p.received_at)) * 1000 as stored,
           extract(epoch from (e.started_at - p.stored_at)) * 1000 as episode,
           extract(epoch from (d.created_at - e.started_at)) * 1000 as delivery,
           extract(epoch from (a.started_at - d.created_at)) * 1000 as attempt
      from payloads p
      join alert_episodes e on e.organization_id = p.organization_id and e.target_id = p.target_id
      join deliveries d on d.episode_id = e.id and d.event = 'trigger'
      join delivery_attempts a on a.delivery_id = d.id and a.attempt = 1
     where p.organization_id = ${org}`.execute(store.db);
  const med = (k: 'stored' | 'episode' | 'delivery' | 'attempt') => stats(stages.rows.map((r) => Number(r[k])));
  console.log(`   received → stored: ${med('stored')}\n   stored → episode opened: ${med('episode')}\n   episode → delivery created: ${med('delivery')}\n   delivery created → first attempt: ${med('attempt')}`);
  await waitUntil('every tier-2 escalation', () => firstOf(tier2, 'escalate').size >= ALERTS, 120_000 + TIER2_DELAY * 1000);
  const errors = [...firstOf(tier2, 'escalate')].map(([t, at]) => Math.abs(at - (triggers.get(t)! + TIER2_DELAY * 1000)));
  console.log(`2. tier-2 escalation vs due (tier-1 arrival + ${TIER2_DELAY} s): ${stats(errors)}`);
  await latencyCpu('phases 1 and 2: ingest, trigger and tier-2 escalation', ALERTS);
  {
    // The first alert's Temporal actions: its ingest workflow, its alert workflow so far, the deliveries it asked for.
    const target = `${prefix}-0`;
    const episode = await sql<{ id: string; workflow_id: string }>`select id, workflow_id from alert_episodes where organization_id = ${org} and target_id = ${target}`.execute(store.db);
    const ep = episode.rows[0]!;
    const deliveries = await sql<{ id: string }>`select id from deliveries where episode_id = ${ep.id} order by created_at`.execute(store.db);
    const rows: Array<[string, Awaited<ReturnType<typeof actionsOf>>]> = [
      ['ingest', await actionsOf(ingestIds.get(target)!)],
      ['alert (open, after tier 2)', await actionsOf(ep.workflow_id)],
      ...(await Promise.all(deliveries.rows.map(async (d, i) => [`delivery ${i + 1}`, await actionsOf(workflowIds.delivery(d.id))] as [string, Awaited<ReturnType<typeof actionsOf>>]))),
    ];
    const total = rows.reduce((a, [, n]) => Object.fromEntries(Object.entries(n).map(([k, v]) => [k, (a as Record<string, number>)[k]! + v])) as typeof n, { workflowTasks: 0, activityTasks: 0, localActivities: 0, children: 0, signals: 0, timers: 0, events: 0 });
    console.log('   Temporal actions of the first alert (workflow tasks, activity tasks, local activities, child workflows, signals, timers, history events):');
    for (const [name, n] of [...rows, ['total', total] as const]) console.log(`      ${name}: ${n.workflowTasks} WT, ${n.activityTasks} AT, ${n.localActivities} LA, ${n.children} child, ${n.signals} signal, ${n.timers} timer, ${n.events} events`);
  }

  // 3: storm.
  const stormOrg = await organization(3600);
  const stormPrefix = `storm-${randomUUID().slice(0, 6)}`;
  const before = tier1.requests.length;
  const started = Date.now();
  const stormCpu = cpuMeter();
  const targets = Array.from({ length: STORM }, (_, i) => `${stormPrefix}-${i}`);
  for (let i = 0; i < targets.length; i += 100) void ingest(stormOrg, targets.slice(i, i + 100));
  const stormHooks = () => received(tier1).slice(before).filter(({ hook }) => hook.data.alert.targetId.startsWith(stormPrefix));
  await waitUntil('every storm trigger', () => new Set(stormHooks().map((h) => h.hook.data.alert.targetId)).size >= STORM, 300_000);
  const hooks = stormHooks();
  const last = Math.max(...hooks.map((h) => h.at)) - started;
  const distinct = new Set(hooks.map((h) => `${h.hook.data.episodeId}:${h.hook.data.event}`)).size;
  console.log(`3. storm: ${STORM} alerts opened at once: ${new Set(hooks.map((h) => h.hook.data.alert.targetId)).size} notified, last after ${(last / 1000).toFixed(1)} s, ${hooks.length - distinct} duplicates`);
  await stormCpu('phase 3: storm, trigger only', STORM);
  console.log('activities (count, duration):');
  for (const [name, xs] of [...activityMs].sort((a, b) => b[1].reduce((x, y) => x + y, 0) - a[1].reduce((x, y) => x + y, 0))) console.log(`   ${name}: ${xs.length}×, ${stats(xs)}`);
} finally {
  worker.shutdown();
  await running.catch(() => undefined);
  await Promise.all([tier1.close(), tier2.close()]);
  await store.close();
  await tdb.drop();
  await env.teardown();
}
