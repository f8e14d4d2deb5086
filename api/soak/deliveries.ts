// Deliveries under the soak's chaos: notifications started at a steady rate (as the alert workflow would start them)
// to a loopback receiver that de-duplicates on webhook-id and answers 503 to a seeded share of requests, and to a
// broken integration that refuses everything (400). The promises checked at the end: no notification lost (each ends
// delivered or failed), none notified twice by a dedup-aware receiver (one webhook-id per notification, across
// retries), every failure listed, and no delivery to the healthy receiver failed.
import type { Kysely } from 'kysely';
import type { Client } from '@temporalio/client';
import { newSigningSecret, notification, startReceiver, testIntegration, testOrganization, type Receiver } from '@logstag/activities/delivery-testing';
import { createSecretBox, listDeliveries, type Database } from '@logstag/store';
import { TASK_QUEUE, workflowIds, workflowTypes } from '@logstag/temporal/contracts';
import type { Rng } from './rng';
import type { SoakInvariant, Verdict } from './invariants';

/** Short waits (about 15 s in all, 6 attempts), so retries end within the drain even after kills. */
const SOAK_SCHEDULE = [500, 1_000, 2_000, 4_000, 8_000];

export interface DeliveryLoad {
  /** Resolves when every planned notification has been started (each start retried until Temporal takes it). */
  started: Promise<void>;
  /** Notifications started, by id, and whether each went to the broken integration. */
  notifications: Map<string, { broken: boolean }>;
  receiver: Receiver;
  stop(): Promise<void>;
}

export interface DeliveryLoadOptions {
  db: Kysely<Database>;
  temporal: () => Promise<Client>;
  /** The key the API and worker seal and open integration secrets with (their LOGSTAG_SECRET_KEY). */
  secretKey: Buffer;
  perSecond: number;
  seconds: number;
  rng: Rng;
  signal: AbortSignal;
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

export async function startDeliveryLoad(o: DeliveryLoadOptions): Promise<DeliveryLoad> {
  const receiver = await startReceiver();
  const box = createSecretBox(o.secretKey);
  const org = await testOrganization(o.db);
  const healthy = await testIntegration(o.db, org, 'webhook', { url: receiver.url }, { signingSecret: newSigningSecret(), previousSigningSecret: null }, box);
  const broken = await testIntegration(o.db, org, 'webhook', { url: receiver.url.replace('/hook', '/gone-wrong') }, { signingSecret: newSigningSecret(), previousSigningSecret: null }, box);
  receiver.check = (r) => (r.path === '/gone-wrong' ? 'no such hook' : null);
  // A seeded share of the healthy receiver's answers are 503s, retried by the deliveries.
  receiver.fallback = { kind: 'status', status: 200, body: 'ok' };
  const flaky = () => (o.rng.next() < 0.1 ? receiver.script({ kind: 'status', status: 503, body: 'busy' }) : undefined);
  const notifications = new Map<string, { broken: boolean }>();
  const total = Math.round(o.perSecond * o.seconds);
  const started = (async () => {
    const t0 = Date.now();
    for (let i = 0; i < total && !o.signal.aborted; i++) {
      const wait = t0 + (i * 1000) / o.perSecond - Date.now();
      if (wait > 0) await sleep(wait);
      const toBroken = i % 10 === 9;
      const request = notification(org, toBroken ? broken : healthy);
      notifications.set(request.notificationId, { broken: toBroken });
      flaky();
      // Temporal may be down (chaos): keep trying; the id makes a repeated start harmless.
      for (;;) {
        try {
          const client = await o.temporal();
          await client.workflow.start(workflowTypes.delivery, { workflowId: workflowIds.delivery(request.notificationId), taskQueue: TASK_QUEUE, args: [request, { schedule: SOAK_SCHEDULE }] });
          break;
        } catch (err) {
          if (/already started/i.test((err as Error).message)) break;
          if (o.signal.aborted) return;
          await sleep(1_000);
        }
      }
    }
  })();
  return { started, notifications, receiver, stop: () => receiver.close() };
}

/** How many started notifications have not ended yet (delivered or failed), for the drain. */
export async function unfinishedDeliveries(db: Kysely<Database>, load: DeliveryLoad): Promise<number> {
  const ids = [...load.notifications.keys()];
  if (ids.length === 0) return 0;
  const finished = await db.selectFrom('deliveries').select('id').where('id', 'in', ids).where('finished_at', 'is not', null).execute();
  return ids.length - finished.length;
}

const sample = (xs: string[]) => (xs.length ? ` (${xs.slice(0, 3).join(', ')}${xs.length > 3 ? ', …' : ''})` : '');

/** The deliveries' invariants, judged on the store and what the receiver saw. */
export function deliveryInvariants(load: DeliveryLoad): SoakInvariant[] {
  const rows = async (db: Kysely<Database>) => {
    const ids = [...load.notifications.keys()];
    return ids.length ? db.selectFrom('deliveries').selectAll().where('id', 'in', ids).execute() : [];
  };
  return [
    {
      name: 'deliveries-none-lost',
      description: 'every notification started ends delivered or failed: none is missing or left unfinished',
      check: async ({ db }): Promise<Verdict> => {
        const byId = new Map((await rows(db)).map((r) => [r.id, r]));
        const lost = [...load.notifications.keys()].filter((id) => !byId.get(id)?.finished_at);
        return { ok: lost.length === 0, detail: `${load.notifications.size} started, ${lost.length} not ended${sample(lost)}` };
      },
    },
    {
      name: 'deliveries-once-at-a-dedup-receiver',
      description: 'a receiver that de-duplicates on webhook-id notifies each notification once: one id per notification across retries, and every delivered one arrived',
      check: async ({ db }): Promise<Verdict> => {
        const idsByNotification = new Map<string, Set<string>>();
        for (const r of load.receiver.requests.filter((x) => x.path === '/hook')) {
          const n = (JSON.parse(r.body) as { data: { notificationId: string } }).data.notificationId;
          idsByNotification.set(n, (idsByNotification.get(n) ?? new Set()).add(String(r.headers['webhook-id'])));
        }
        const twice = [...idsByNotification].filter(([, s]) => s.size > 1).map(([n]) => n);
        const webhookIds = [...idsByNotification.values()].flatMap((s) => [...s]);
        const shared = webhookIds.length - new Set(webhookIds).size;
        const delivered = (await rows(db)).filter((r) => r.status === 'delivered');
        const neverArrived = delivered.filter((r) => !idsByNotification.has(r.id)).map((r) => r.id);
        const requests = load.receiver.requests.filter((x) => x.path === '/hook').length;
        return {
          ok: twice.length === 0 && shared === 0 && neverArrived.length === 0,
          detail: `${delivered.length} delivered in ${requests} requests; notified twice ${twice.length}${sample(twice)}, ids shared ${shared}, delivered but never arrived ${neverArrived.length}${sample(neverArrived)}`,
        };
      },
    },
    {
      name: 'deliveries-failures-listed',
      description: 'every notification to the broken integration is listed as failed for Admins, and none to the healthy one failed',
      check: async ({ db }): Promise<Verdict> => {
        const all = await rows(db);
        const organizationId = all[0]?.organization_id;
        const listed = new Set<string>();
        if (organizationId) {
          let after: { at: Date; id: string } | undefined;
          for (;;) {
            const page = await listDeliveries(db, { organizationId, status: 'failed' }, after, 200);
            for (const d of page) listed.add(d.id);
            if (page.length < 200) break;
            const last = page.at(-1)!;
            after = { at: last.created_at, id: last.id };
          }
        }
        const brokenIds = [...load.notifications].filter(([, v]) => v.broken).map(([id]) => id);
        const unlisted = brokenIds.filter((id) => !listed.has(id));
        const healthyFailed = [...load.notifications].filter(([id, v]) => !v.broken && listed.has(id)).map(([id]) => id);
        return {
          ok: unlisted.length === 0 && healthyFailed.length === 0,
          detail: `${brokenIds.length} to the broken integration, ${unlisted.length} not listed as failed${sample(unlisted)}; healthy ones failed ${healthyFailed.length}${sample(healthyFailed)}`,
        };
      },
    },
  ];
}
