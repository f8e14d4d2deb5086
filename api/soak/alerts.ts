// Alerts under the soak's chaos (issue 15): alerts opened at a steady rate and most of them cleared a few seconds
// later, signalled to their alert workflows as the evaluator signals them (signal-with-start on transitions), each
// notified through deliveryWorkflow to a loopback receiver that de-duplicates on webhook-id. The promises checked at
// the end: every opened alert notified once (one trigger), every resolved one resolved once downstream (one resolve,
// none for those still firing), and the largest alert workflow history, printed and bounded by continue-as-new.
import type { Kysely } from 'kysely';
import type { Client } from '@temporalio/client';
import { newSigningSecret, startReceiver, testIntegration, testOrganization, type Receiver } from '@logstag/activities/delivery-testing';
import { createSecretBox, insertAlertRule, insertEscalationPolicy, type Database } from '@logstag/store';
import { alertSignals, TASK_QUEUE, workflowIds, workflowTypes } from '@logstag/temporal/contracts';
import type { AlertIdentity, ConditionSignal } from '@logstag/schema';
import type { SoakInvariant, Verdict } from './invariants';

/** Seconds between an alert's opening and its clearing. */
const CLEAR_AFTER_MS = 3_000;
/** Every fifth alert is left firing at the end of the load. */
const LEFT_FIRING_EVERY = 5;
/** The alert workflow continues as new at 5,000 events (issue 15): a larger history is a failure. */
const HISTORY_LIMIT = 5_000;

interface SoakAlert {
  fingerprint: string;
  workflowId: string;
  /** Whether its clear was signalled (it must then be resolved downstream). */
  cleared: boolean;
  willClear: boolean;
  opened: boolean;
}

export interface AlertLoad {
  organizationId: string;
  alerts: SoakAlert[];
  /** Resolves when every planned signal has been sent (each retried until Temporal takes it). */
  signalled: Promise<void>;
  receiver: Receiver;
  stop(): Promise<void>;
}

export interface AlertLoadOptions {
  db: Kysely<Database>;
  temporal: () => Promise<Client>;
  /** The key the API and worker seal and open integration secrets with (their LOGSTAG_SECRET_KEY). */
  secretKey: Buffer;
  perSecond: number;
  seconds: number;
  signal: AbortSignal;
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

export async function startAlertLoad(o: AlertLoadOptions): Promise<AlertLoad> {
  const receiver = await startReceiver();
  const box = createSecretBox(o.secretKey);
  const org = await testOrganization(o.db);
  const hook = await testIntegration(o.db, org, 'webhook', { url: receiver.url }, { signingSecret: newSigningSecret(), previousSigningSecret: null }, box);
  await insertEscalationPolicy(o.db, org, { name: 'soak on call', tiers: [{ delaySeconds: 0, recipients: [{ kind: 'integration', integrationId: hook }] }], repeat: 0, ackTimeoutSeconds: null, isDefault: true });
  // Opens and resolves on the signal itself: what is checked is the workflow and the deliveries, not hysteresis.
  const rule = await insertAlertRule(o.db, org, {
    name: 'Soak connections',
    enabled: true,
    severity: 'warning',
    condition: { kind: 'threshold', metric: 'connections.used', ratioOf: ['connections.max'], comparator: '>', value: 85, forSeconds: 0, clearForSeconds: 0 },
    scope: { engines: [], targetIds: [], tags: {} },
    summaryTemplate: '{{target}}: connections at {{value}} %',
    escalationPolicyId: null,
  });
  const total = Math.max(1, Math.round(o.perSecond * o.seconds));
  const alerts: SoakAlert[] = Array.from({ length: total }, (_, i) => {
    const fingerprint = `soak-${i}`;
    return { fingerprint, workflowId: workflowIds.alert(org, fingerprint), cleared: false, willClear: i % LEFT_FIRING_EVERY !== LEFT_FIRING_EVERY - 1, opened: false };
  });
  // Opening i at i / rate, its clear CLEAR_AFTER_MS later: one time-ordered list of signals.
  const plan = alerts
    .flatMap((a, i) => {
      const at = (i * 1000) / o.perSecond;
      return [{ at, a, change: 'started' as const }, ...(a.willClear ? [{ at: at + CLEAR_AFTER_MS, a, change: 'cleared' as const }] : [])];
    })
    .sort((x, y) => x.at - y.at);

  async function send(a: SoakAlert, change: 'started' | 'cleared'): Promise<boolean> {
    const alert: AlertIdentity = { organizationId: org, fingerprint: a.fingerprint, ruleId: rule.id, targetId: null, agentId: null, labels: { soak: a.fingerprint } };
    const signal: ConditionSignal = {
      change,
      severity: change === 'started' ? 'warning' : null,
      value: change === 'started' ? 95 : 10,
      summary: `${a.fingerprint}: connections at ${change === 'started' ? 95 : 10} %`,
      observedAt: new Date().toISOString(),
    };
    // Temporal may be down (chaos): keep trying; a repeated transition signal changes nothing in the workflow.
    for (;;) {
      try {
        const client = await o.temporal();
        await client.workflow.signalWithStart(workflowTypes.alert, { workflowId: a.workflowId, taskQueue: TASK_QUEUE, args: [{ alert }], signal: alertSignals.condition, signalArgs: [signal] });
        return true;
      } catch {
        if (o.signal.aborted) return false;
        await sleep(1_000);
      }
    }
  }

  const signalled = (async () => {
    const t0 = Date.now();
    for (const step of plan) {
      if (o.signal.aborted) return;
      const wait = t0 + step.at - Date.now();
      if (wait > 0) await sleep(wait);
      if (!(await send(step.a, step.change))) return;
      if (step.change === 'started') step.a.opened = true;
      else step.a.cleared = true;
    }
  })();
  return { organizationId: org, alerts, signalled, receiver, stop: () => receiver.close() };
}

interface Notified {
  episodeId: string;
  event: string;
}

/** What a receiver that de-duplicates on webhook-id notifies: each webhook-id once. */
function notified(load: AlertLoad): Notified[] {
  const seen = new Map<string, Notified>();
  for (const r of load.receiver.requests) {
    const id = String(r.headers['webhook-id']);
    if (seen.has(id)) continue;
    const { data } = JSON.parse(r.body) as { data: { episodeId: string; event: string } };
    seen.set(id, { episodeId: data.episodeId, event: data.event });
  }
  return [...seen.values()];
}

interface AlertFacts {
  a: SoakAlert;
  episodes: { id: string; status: string; fired: boolean }[];
  triggers: number;
  resolves: number;
}

/**
 * Per signalled alert: its episodes and the de-duplicated notifications each got. An episode fires when its
 * condition has held for `for` on the workflow's clock; one whose start and clear reach the workflow together (both
 * signalled while the worker was down) ends dropped, never fired, and must notify nobody.
 */
async function alertFacts(db: Kysely<Database>, load: AlertLoad): Promise<AlertFacts[]> {
  const episodes = await db.selectFrom('alert_episodes').select(['id', 'workflow_id', 'status', 'firing_at']).where('organization_id', '=', load.organizationId).execute();
  const byEpisode = new Map<string, string[]>();
  for (const n of notified(load)) byEpisode.set(n.episodeId, [...(byEpisode.get(n.episodeId) ?? []), n.event]);
  return load.alerts
    .filter((a) => a.opened)
    .map((a) => {
      const eps = episodes.filter((e) => e.workflow_id === a.workflowId).map((e) => ({ id: e.id, status: e.status, fired: e.firing_at !== null }));
      const events = eps.flatMap((e) => byEpisode.get(e.id) ?? []);
      return { a, episodes: eps, triggers: events.filter((e) => e === 'trigger').length, resolves: events.filter((e) => e === 'resolve').length };
    });
}

const fired = (f: AlertFacts) => f.episodes.some((e) => e.fired);

/** Whether an alert has reached its end state downstream: its episode written, a cleared one resolved, and the receiver holding what it is owed. */
const settled = (f: AlertFacts) =>
  f.episodes.length === 1 && (!f.a.cleared || f.episodes[0]!.status === 'resolved') && (!fired(f) || (f.triggers >= 1 && (!f.a.cleared || f.resolves >= 1)));

/** How many signalled alerts have not settled yet, for the drain. */
export async function unsettledAlerts(db: Kysely<Database>, load: AlertLoad): Promise<number> {
  return (await alertFacts(db, load)).filter((f) => !settled(f)).length;
}

const sample = (xs: string[]) => (xs.length ? ` (${xs.slice(0, 3).join(', ')}${xs.length > 3 ? ', …' : ''})` : '');

/** The alerts' invariants, judged on the store, the receiver and Temporal. */
export function alertInvariants(load: AlertLoad): SoakInvariant[] {
  return [
    {
      name: 'alerts-notified-once',
      description: 'every opened alert has one episode; a fired one got exactly one trigger at a receiver de-duplicating on webhook-id, a dropped one (cleared before it fired) none',
      check: async ({ db }): Promise<Verdict> => {
        const rows = await alertFacts(db, load);
        const firedRows = rows.filter(fired);
        const bad = rows
          .filter((r) => r.episodes.length !== 1 || r.triggers !== (fired(r) ? 1 : 0))
          .map((r) => `${r.a.fingerprint}: ${r.episodes.length} episodes, ${fired(r) ? 'fired' : 'not fired'}, ${r.triggers} triggers`);
        return {
          ok: firedRows.length > 0 && bad.length === 0,
          detail:
            `${rows.length} opened, ${firedRows.length} fired, ${rows.length - firedRows.length} dropped before firing (start and clear reached the workflow together); ` +
            `${load.receiver.requests.length} requests at the receiver; not notified exactly once ${bad.length}${sample(bad)}`,
        };
      },
    },
    {
      name: 'alerts-resolved-once',
      description: 'every cleared alert is resolved and, if it fired, its receiver got exactly one resolve; those still firing got none',
      check: async ({ db }): Promise<Verdict> => {
        const rows = await alertFacts(db, load);
        const cleared = rows.filter((r) => r.a.cleared);
        const bad = cleared
          .filter((r) => r.resolves !== (fired(r) ? 1 : 0) || r.episodes.some((e) => e.status !== 'resolved'))
          .map((r) => `${r.a.fingerprint}: ${r.resolves} resolves, ${r.episodes.map((e) => e.status).join('/')}`);
        const firing = rows.filter((r) => !r.a.cleared);
        const resolvedWhileFiring = firing.filter((r) => r.resolves !== 0 || r.episodes.some((e) => e.status === 'resolved')).map((r) => r.a.fingerprint);
        return {
          ok: cleared.filter(fired).length > 0 && bad.length === 0 && resolvedWhileFiring.length === 0,
          detail: `${cleared.length} cleared (${cleared.filter(fired).length} had fired), not resolved exactly once ${bad.length}${sample(bad)}; ${firing.length} still firing, resolved anyway ${resolvedWhileFiring.length}${sample(resolvedWhileFiring)}`,
        };
      },
    },
    {
      name: 'alerts-largest-history',
      description: `the largest alert workflow history (printed) stays under ${HISTORY_LIMIT} events, where the workflow continues as new`,
      check: async ({ temporal }): Promise<Verdict> => {
        let largest = { length: 0, id: '' };
        let runs = 0;
        // Described one by one: the current run's length (a list's visibility records may lag for running workflows).
        for (const a of load.alerts.filter((x) => x.opened)) {
          const d = await temporal.workflow.getHandle(a.workflowId).describe();
          runs += 1;
          if (d.historyLength > largest.length) largest = { length: d.historyLength, id: a.workflowId };
        }
        return { ok: runs > 0 && largest.length < HISTORY_LIMIT, detail: `largest alert workflow history ${largest.length} events (${largest.id || 'none'}), over ${runs} alert workflows` };
      },
    },
  ];
}
