// npm run bench:deliveries [-- --burst 200 --healthy 200 --slack-burst 3]
//
// Deliveries on the real Temporal dev server and PostgreSQL (test-services cluster), with an in-process worker:
// 1. burst: BURST Slack notifications to one channel of a Slack-like loopback receiver that allows 1 message a second
//    with short bursts (a token bucket of --slack-burst tokens; 1: no two messages within a second), beyond which it
//    answers 429 with Retry-After: 1. Reports delivered, dropped (not
//    delivered), 429s answered, and the wall time (BURST seconds is the floor the limit sets).
// 2. healthy: HEALTHY signed webhooks started at once to a receiver that answers 200 at once. Reports the latency from
//    the workflow's start to the request's arrival, p50/p99/max, and the throughput.
import { parseArgs } from 'node:util';
import { createActivities } from '@logstag/activities';
import { loopbackDeliveryDeps, newSigningSecret, notification, startReceiver, testIntegration, testOrganization } from '@logstag/activities/delivery-testing';
import { openStore } from '@logstag/store';
import { createTestDatabase } from '@logstag/store/testing';
import { createWorker, TASK_QUEUE } from '@logstag/temporal';
import { workflowIds, workflowTypes } from '@logstag/temporal/contracts';
import { startTestTemporal } from '@logstag/temporal/testing';
import type { DeliveryResult } from '@logstag/schema';
import { useTestServicesEnv } from './services-env';

useTestServicesEnv();
const { values: args } = parseArgs({ options: { burst: { type: 'string', default: '200' }, healthy: { type: 'string', default: '200' }, 'slack-burst': { type: 'string', default: '3' } } });
const BURST = Number(args.burst);
const HEALTHY = Number(args.healthy);
const SLACK_BURST = Number(args['slack-burst']);

const pct = (sorted: number[], p: number) => sorted[Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1)] ?? NaN;

const [env, tdb] = await Promise.all([startTestTemporal(), createTestDatabase('logstag_bench')]);
const store = await openStore({ databaseUrl: tdb.url, poolSize: 20 });
const worker = await createWorker({ connection: env.nativeConnection, namespace: env.namespace ?? 'logstag', activities: createActivities({ db: store.db, delivery: loopbackDeliveryDeps }) });
const running = worker.run();
const org = await testOrganization(store.db);
const deliver = (request: ReturnType<typeof notification>) =>
  env.client.workflow.execute(workflowTypes.delivery, { workflowId: workflowIds.delivery(request.notificationId), taskQueue: TASK_QUEUE, args: [request] }) as Promise<DeliveryResult>;

try {
  if (BURST > 0) {
    const slack = await startReceiver();
    let last = 0;
    let refused = 0;
    // Slack-like: one message a second to the channel with short bursts (a token bucket of SLACK_BURST tokens refilled
    // at 1/s; Slack documents "1 per second, short bursts allowed"); beyond it 429 with Retry-After: 1.
    let tokens = SLACK_BURST;
    slack.check = (r) => {
      tokens = Math.min(SLACK_BURST, tokens + (last === 0 ? 0 : (r.at - last) / 1000));
      last = r.at;
      if (tokens < 1) {
        refused += 1;
        slack.script({ kind: 'status', status: 429, headers: { 'retry-after': '1' }, body: 'rate_limited' });
        return null;
      }
      tokens -= 1;
      return null;
    };
    const id = await testIntegration(store.db, org, 'slack', { channel: '#bench' }, { webhookUrl: slack.url });
    const started = Date.now();
    const results = await Promise.all(Array.from({ length: BURST }, () => deliver(notification(org, id))));
    const wall = (Date.now() - started) / 1000;
    const delivered = results.filter((r) => r.outcome === 'delivered').length;
    console.log(`burst: ${BURST} Slack notifications to one channel limited to 1/s (bursts of ${SLACK_BURST})`);
    console.log(`  delivered ${delivered}, dropped ${BURST - delivered}, 429 answered ${refused}, requests ${slack.requests.length}, wall ${wall.toFixed(1)} s (floor ${BURST - 1} s)`);
    await slack.close();
  }

  if (HEALTHY > 0) {
    const hook = await startReceiver();
    const id = await testIntegration(store.db, org, 'webhook', { url: hook.url }, { signingSecret: newSigningSecret(), previousSigningSecret: null });
    const requests = Array.from({ length: HEALTHY }, () => notification(org, id));
    const startedAt = new Map<string, number>();
    const t0 = Date.now();
    const results = await Promise.all(
      requests.map((r) => {
        startedAt.set(r.idempotencyKey, Date.now());
        return deliver(r);
      }),
    );
    const wall = (Date.now() - t0) / 1000;
    const latencies = hook.requests
      .map((r) => r.at - (startedAt.get((JSON.parse(r.body) as { data: { idempotencyKey: string } }).data.idempotencyKey) ?? r.at))
      .sort((a, b) => a - b);
    console.log(`healthy: ${HEALTHY} signed webhooks started at once to a receiver answering 200`);
    console.log(
      `  delivered ${results.filter((r) => r.outcome === 'delivered').length}, start-to-arrival p50 ${pct(latencies, 50)} ms, p99 ${pct(latencies, 99)} ms, max ${latencies.at(-1)} ms; ${(HEALTHY / wall).toFixed(1)} deliveries/s over ${wall.toFixed(1)} s`,
    );
    // One at a time: the latency of a lone delivery.
    const lone: number[] = [];
    for (let i = 0; i < 20; i++) {
      const r = notification(org, id);
      const s = Date.now();
      await deliver(r);
      lone.push(hook.requests.at(-1)!.at - s);
    }
    lone.sort((a, b) => a - b);
    console.log(`  one at a time (20): start-to-arrival p50 ${pct(lone, 50)} ms, max ${lone.at(-1)} ms`);
    await hook.close();
  }
} finally {
  worker.shutdown();
  await running.catch(() => undefined);
  await store.close();
  await tdb.drop();
  await env.teardown();
}
