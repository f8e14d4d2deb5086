// npm run bench:alerts [-- --alerts 200 --rate 10 --tier2-delay 5 --storm 1000 --activity-slots 8]
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
import { randomUUID } from 'node:crypto';
import { parseArgs } from 'node:util';
import { createActivities } from '@logstag/activities';
import { insertPayloadRows, validBody } from '@logstag/activities/testing';
import { loopbackDeliveryDeps, newSigningSecret, startReceiver, testIntegration, testOrganization } from '@logstag/activities/delivery-testing';
import { insertAlertRule, insertEscalationPolicy, openStore } from '@logstag/store';
import { createTestDatabase } from '@logstag/store/testing';
import { sql } from 'kysely';
import { createWorker, TASK_QUEUE } from '@logstag/temporal';
import { startTestTemporal } from '@logstag/temporal/testing';
import { useTestServicesEnv } from './services-env';

useTestServicesEnv();
const { values: args } = parseArgs({ options: { alerts: { type: 'string', default: '200' }, rate: { type: 'string', default: '10' }, 'tier2-delay': { type: 'string', default: '5' }, storm: { type: 'string', default: '1000' }, 'activity-slots': { type: 'string', default: '8' } } });
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
const worker = await createWorker({ connection: env.nativeConnection, namespace: env.namespace ?? 'logstag', activities: timed(createActivities({ db: store.db, temporal: () => env.client, delivery: loopbackDeliveryDeps })), maxConcurrentActivityTaskExecutions: SLOTS });
const running = worker.run();
const [tier1, tier2] = await Promise.all([startReceiver(), startReceiver()]);

interface Hook {
  data: { episodeId: string; event: string; alert: { targetId: string } };
}
const received = (r: typeof tier1) => r.requests.map((q) => ({ at: q.at, hook: JSON.parse(q.body) as Hook }));

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
  return env.client.workflow.start('ingestWorkflow', { workflowId: `ingest:bench-${randomUUID()}`, taskQueue: TASK_QUEUE, args: [ids] });
}

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

  // 3: storm.
  const stormOrg = await organization(3600);
  const stormPrefix = `storm-${randomUUID().slice(0, 6)}`;
  const before = tier1.requests.length;
  const started = Date.now();
  const targets = Array.from({ length: STORM }, (_, i) => `${stormPrefix}-${i}`);
  for (let i = 0; i < targets.length; i += 100) void ingest(stormOrg, targets.slice(i, i + 100));
  const stormHooks = () => received(tier1).slice(before).filter(({ hook }) => hook.data.alert.targetId.startsWith(stormPrefix));
  await waitUntil('every storm trigger', () => new Set(stormHooks().map((h) => h.hook.data.alert.targetId)).size >= STORM, 300_000);
  const hooks = stormHooks();
  const last = Math.max(...hooks.map((h) => h.at)) - started;
  const distinct = new Set(hooks.map((h) => `${h.hook.data.episodeId}:${h.hook.data.event}`)).size;
  console.log(`3. storm: ${STORM} alerts opened at once: ${new Set(hooks.map((h) => h.hook.data.alert.targetId)).size} notified, last after ${(last / 1000).toFixed(1)} s, ${hooks.length - distinct} duplicates`);
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
