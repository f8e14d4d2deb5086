import {
  type ActivityOptions,
  allHandlersFinished,
  ApplicationFailure,
  condition,
  continueAsNew,
  defineQuery,
  defineSignal,
  defineUpdate,
  ParentClosePolicy,
  patched,
  proxyActivities,
  proxyLocalActivities,
  setHandler,
  sleep,
  startChild,
  uuid4,
  workflowInfo,
  WorkflowIdReusePolicy,
} from '@temporalio/workflow';
import type { Activities } from '@logstag/activities';
import { escalationSteps, recipientKey, severityRank } from '@logstag/schema/workflow';
import type {
  ActorInput,
  AlertContext,
  AlertIdentity,
  AlertSeverity,
  AlertStatus,
  AlertView,
  ConditionSignal,
  DeliveryResult,
  EscalationStep,
  NotificationEvent,
  NotificationRecipient,
  NotificationRequest,
  ResolveReason,
  SnoozeInput,
} from '@logstag/schema';
import { alertQueries, alertSignals, alertUpdates, workflowIds, workflowTypes } from '@logstag/temporal/contracts';

export const alertConditionSignal = defineSignal<[ConditionSignal]>(alertSignals.condition);
export const ruleChangedSignal = defineSignal<[ActorInput]>(alertSignals.ruleChanged);
export const ruleDeletedSignal = defineSignal<[ActorInput]>(alertSignals.ruleDeleted);
export const targetRemovedSignal = defineSignal<[ActorInput]>(alertSignals.targetRemoved);
export const reopenSignal = defineSignal<[ActorInput]>(alertSignals.reopen);
export const acknowledgeUpdate = defineUpdate<AlertView, [ActorInput]>(alertUpdates.acknowledge);
export const resolveUpdate = defineUpdate<AlertView, [ActorInput]>(alertUpdates.resolve);
export const snoozeUpdate = defineUpdate<AlertView, [SnoozeInput]>(alertUpdates.snooze);
export const alertStateQuery = defineQuery<AlertView>(alertQueries.state);

/** Tunables of the workflow, for tests; production uses the defaults. */
export interface AlertLimits {
  /** Continue-as-new once the run's history is this long (Temporal warns at 10,240 events). */
  historyLimit: number;
  /** How often a suppressed alert asks again whether it may notify, when the suppression's end is unknown (ms). */
  gateRecheckMs: number;
  /** Whether to start delivery children (false in tests that only look at the timeline). */
  deliver: boolean;
}
export const DEFAULT_ALERT_LIMITS: AlertLimits = { historyLimit: 4_000, gateRecheckMs: 60_000, deliver: true };

type Step = EscalationStep;

/** An observation time in epoch ms, or undefined when it does not parse. */
const observedMs = (iso: string): number | undefined => {
  const ms = Date.parse(iso);
  return Number.isFinite(ms) ? ms : undefined;
};

/** One episode, from the condition starting (pending) to its resolution. */
interface Episode {
  id: string;
  status: AlertStatus;
  severity: AlertSeverity;
  summary: string;
  value: number | null;
  /** Beside the value: what the evaluator said about the alert's subject (a health finding's rule id, object, report). */
  values?: Record<string, string | number | null>;
  startedAt: number;
  /** When the condition last started holding (pending counts `for` from here). */
  holdingSince: number | null;
  /** When the evaluator observed the condition start holding (epoch ms of the signal's observedAt), if it parsed. */
  observedSince?: number;
  /** When the condition last cleared (resolution after `clearFor` from here). */
  clearedAt: number | null;
  firingAt: number | null;
  acknowledgedAt: number | null;
  acknowledgedBy: string | null;
  ackExpiresAt: number | null;
  snoozedUntil: number | null;
  /** The running escalation: when it started, its steps, the next one to send; null while acknowledged or snoozed. */
  escalation: { startedAt: number; steps: Step[]; next: number; first: boolean } | null;
  /** Suppressed notifications wait for this time to ask again; a catch-up follows when they are let through. */
  suppressedUntil: number | null;
  suppressedReason: string | null;
  /** Recipient keys that got a trigger (or escalate, catch-up): each gets exactly one resolve. */
  triggered: Record<string, NotificationRecipient>;
  resolvedNotified: string[];
  notifications: number;
  resolvedAt: number | null;
  resolveReason: ResolveReason | null;
}

/** Everything the workflow knows, carried across continue-as-new. */
export interface AlertState {
  breaching: boolean;
  lastSeverity: AlertSeverity | null;
  lastSummary: string;
  lastValue: number | null;
  context: AlertContext | null;
  episode: Episode | null;
  seq: number;
  lastResolveReason: ResolveReason | null;
  /** The rule or target is gone: finish once the episode is resolved. */
  ended: boolean;
  runs: number;
}

export interface AlertWorkflowInput {
  alert: AlertIdentity;
  limits?: Partial<AlertLimits>;
  state?: AlertState;
}

export interface AlertRunResult {
  episodes: number;
  lastResolveReason: ResolveReason | null;
}

type Msg =
  | { kind: 'condition'; signal: ConditionSignal }
  | { kind: 'ruleChanged' | 'ruleDeleted' | 'targetRemoved' | 'reopen'; input: ActorInput }
  | { kind: 'acknowledge' | 'resolve'; input: ActorInput; id: number }
  | { kind: 'snooze'; input: SnoozeInput; id: number }
  | { kind: 'delivery'; notificationId: string; episodeId: string; event: NotificationEvent; recipient: string; result: DeliveryResult | null; error: string | null };

const storeStepOptions = {
  startToCloseTimeout: '30 seconds',
  // The store may be down for a while: keep trying (an alert's state must not be lost), never faster than a minute.
  retry: { initialInterval: '1 second', backoffCoefficient: 2, maximumInterval: '1 minute' },
} satisfies ActivityOptions;
/** Runs before the `alert-local-store-steps` patch (and replays of them): each store step an activity task. */
const taskStoreSteps = proxyActivities<Activities>(storeStepOptions);
/**
 * The store steps (context, gate, timeline) are short, idempotent reads and writes: as local activities they run in the
 * worker within the workflow task that asks for them, with no activity task through the server and no extra workflow
 * task for their result (a marker in history instead). Opening an alert and asking for its trigger is one workflow
 * task instead of three; a worker lost mid-task runs them again on the next worker (reads, and writes keyed by id).
 * While the store is down, retries more than 10 s apart wait in a timer, so the workflow task (and its slot) is let go.
 */
const localStoreSteps = proxyLocalActivities<Activities>({ ...storeStepOptions, localRetryThreshold: '10 seconds' });

export { escalationSteps };

const iso = (ms: number | null) => (ms === null ? null : new Date(ms).toISOString());
const ACTIVE: readonly AlertStatus[] = ['pending', 'firing', 'acknowledged', 'snoozed'];

/**
 * One alert (`alert:<org>:<fingerprint>`), across its episodes. The evaluator signals condition transitions; the
 * workflow turns them into states with hysteresis (`for` before firing, `clearFor` before resolving), runs the
 * escalation policy as timers, and asks deliveryWorkflow children for notifications. Whatever ends an episode, every
 * recipient that got a trigger gets exactly one resolve. Ends when no episode is open and the condition does not
 * hold; continues as new before its history grows long.
 */
export async function alertWorkflow(input: AlertWorkflowInput): Promise<AlertRunResult> {
  const limits: AlertLimits = { ...DEFAULT_ALERT_LIMITS, ...input.limits };
  const { alert } = input;
  const workflowId = workflowInfo().workflowId;
  // Version marker from the first release: later changes of behaviour branch on patched() ids of their own.
  patched('alert-workflow-v1');
  // Read once, before anything else: a run recorded before the patch replays its activity tasks to the end.
  const localSteps = patched('alert-local-store-steps');
  const { loadAlertContext, recordAlertEpisode, alertNotificationGate } = localSteps ? localStoreSteps : taskStoreSteps;

  const s: AlertState = input.state ?? { breaching: false, lastSeverity: null, lastSummary: '', lastValue: null, context: null, episode: null, seq: 0, lastResolveReason: null, ended: false, runs: 1 };
  const inbox: Msg[] = [];
  const done = new Set<number>();
  let nextUpdateId = 0;
  let inFlight = 0;
  let episodesThisRun = 0;
  let events: Array<{ episodeId: string; kind: string; actor: string | null; reason: string | null; data: Record<string, unknown>; at: number }> = [];
  let dirty = false;

  const view = (): AlertView => ({
    workflowId,
    status: s.episode?.status ?? 'idle',
    episodeId: s.episode?.id ?? null,
    severity: s.episode?.severity ?? null,
    breaching: s.breaching,
    triggered: Object.keys(s.episode?.triggered ?? {}),
    resolvedNotified: s.episode?.resolvedNotified ?? [],
    escalationStep: s.episode?.escalation?.next ?? null,
    runHistoryLength: workflowInfo().historyLength,
    runs: s.runs,
    lastResolveReason: s.lastResolveReason,
  });

  setHandler(alertConditionSignal, (signal) => void inbox.push({ kind: 'condition', signal }));
  setHandler(ruleChangedSignal, (i) => void inbox.push({ kind: 'ruleChanged', input: i }));
  setHandler(ruleDeletedSignal, (i) => void inbox.push({ kind: 'ruleDeleted', input: i }));
  setHandler(targetRemovedSignal, (i) => void inbox.push({ kind: 'targetRemoved', input: i }));
  setHandler(reopenSignal, (i) => void inbox.push({ kind: 'reopen', input: i }));
  setHandler(alertStateQuery, view);

  const enqueue = async (msg: Msg & { id: number }) => {
    inbox.push(msg);
    await condition(() => done.has(msg.id));
    done.delete(msg.id);
    return view();
  };
  const activeOr = (allowed: readonly AlertStatus[], what: string) => {
    const st = s.episode?.status;
    if (!st || !allowed.includes(st)) throw ApplicationFailure.nonRetryable(`cannot ${what} an alert that is ${st ?? 'not open'}`, 'AlertStateConflict');
  };
  setHandler(acknowledgeUpdate, (i) => enqueue({ kind: 'acknowledge', input: i, id: nextUpdateId++ }), { validator: (_i: ActorInput) => activeOr(['firing', 'snoozed'], 'acknowledge') });
  setHandler(resolveUpdate, (i) => enqueue({ kind: 'resolve', input: i, id: nextUpdateId++ }), { validator: (_i: ActorInput) => activeOr(ACTIVE, 'resolve') });
  setHandler(snoozeUpdate, (i) => enqueue({ kind: 'snooze', input: i, id: nextUpdateId++ }), {
    validator: (i: SnoozeInput) => {
      activeOr(['firing', 'acknowledged', 'snoozed'], 'snooze');
      const until = Date.parse(i.until);
      if (!Number.isFinite(until) || until <= Date.now()) throw ApplicationFailure.nonRetryable('a snooze ends in the future', 'AlertStateConflict');
    },
  });

  const note = (kind: string, actor: string | null, reason: string | null = null, data: Record<string, unknown> = {}) => {
    if (!s.episode) return;
    events.push({ episodeId: s.episode.id, kind, actor, reason, data, at: Date.now() });
    dirty = true;
  };

  async function context(): Promise<AlertContext> {
    s.context ??= await loadAlertContext(alert);
    return s.context;
  }

  async function flush(): Promise<void> {
    const ep = s.episode;
    if (!dirty) return;
    const toWrite = events.map((e) => ({
      id: `${e.episodeId}:${++s.seq}`,
      organizationId: alert.organizationId,
      episodeId: e.episodeId,
      seq: s.seq,
      ts: new Date(e.at).toISOString(),
      kind: e.kind,
      actor: e.actor,
      reason: e.reason,
      data: e.data,
    }));
    events = [];
    dirty = false;
    const ctx = s.context;
    await recordAlertEpisode(
      ep && {
        id: ep.id,
        organizationId: alert.organizationId,
        fingerprint: alert.fingerprint,
        workflowId,
        ruleId: alert.ruleId,
        ruleName: ctx?.ruleName ?? alert.ruleId,
        targetId: alert.targetId,
        agentId: alert.agentId,
        labels: alert.labels,
        status: ep.status,
        severity: ep.severity,
        summary: ep.summary,
        values: { value: ep.value, ...ep.values },
        startedAt: iso(ep.startedAt)!,
        firingAt: iso(ep.firingAt),
        acknowledgedAt: iso(ep.acknowledgedAt),
        acknowledgedBy: ep.acknowledgedBy,
        snoozedUntil: iso(ep.snoozedUntil),
        resolvedAt: iso(ep.resolvedAt),
        resolveReason: ep.resolveReason,
        updatedAt: new Date(Date.now()).toISOString(),
      },
      toWrite,
    );
  }

  /** Asks for one notification: a deliveryWorkflow child (`delivery:<notificationId>`), abandoned on close. */
  async function send(ep: Episode, event: NotificationEvent, recipient: NotificationRecipient): Promise<void> {
    const ctx = await context();
    const key = recipientKey(recipient);
    const notificationId = `${ep.id}:${++ep.notifications}:${event}:${key}`;
    const request: NotificationRequest = {
      organizationId: alert.organizationId,
      notificationId,
      episodeId: ep.id,
      event,
      recipient,
      alert: {
        alertId: workflowId,
        ruleId: alert.ruleId,
        ruleName: ctx.ruleName,
        severity: ep.severity,
        status: ep.status,
        targetId: alert.targetId,
        targetName: ctx.targetName ?? alert.targetId ?? alert.agentId,
        engine: ctx.engine,
        summary: ep.summary,
        labels: alert.labels,
        values: { value: ep.value, ...ep.values },
        startsAt: iso(ep.firingAt ?? ep.startedAt)!,
        endsAt: iso(ep.resolvedAt),
        url: ctx.url,
      },
      idempotencyKey: notificationId,
      requestedAt: new Date(Date.now()).toISOString(),
      replayOf: null,
    };
    note('notification', null, null, { notificationId, event, recipient: key });
    if (!limits.deliver) return;
    try {
      const child = await startChild(workflowTypes.delivery, {
        workflowId: workflowIds.delivery(notificationId),
        args: [request],
        parentClosePolicy: ParentClosePolicy.ABANDON,
        // An id once used is never used again: asking twice starts one delivery.
        workflowIdReusePolicy: WorkflowIdReusePolicy.REJECT_DUPLICATE,
      });
      inFlight++;
      child.result().then(
        (result) => {
          inFlight--;
          inbox.push({ kind: 'delivery', notificationId, episodeId: ep.id, event, recipient: key, result: result as DeliveryResult, error: null });
        },
        (err: unknown) => {
          inFlight--;
          inbox.push({ kind: 'delivery', notificationId, episodeId: ep.id, event, recipient: key, result: null, error: err instanceof Error ? err.message : String(err) });
        },
      );
    } catch (err) {
      // Already started (this request was asked for before): it runs or ran; nothing is sent twice.
      note('notification_error', null, err instanceof Error ? err.message : String(err), { notificationId });
    }
  }

  /** Holds back trigger-like notifications while a silence, a maintenance window or a silent target says so. */
  async function gate(ep: Episode): Promise<boolean> {
    const g = await alertNotificationGate({ organizationId: alert.organizationId, ruleId: alert.ruleId, targetId: alert.targetId, at: new Date(Date.now()).toISOString() });
    if (!g.suppressed) {
      ep.suppressedUntil = null;
      ep.suppressedReason = null;
      return true;
    }
    const until = g.until ? Date.parse(g.until) : Date.now() + limits.gateRecheckMs;
    if (ep.suppressedReason !== g.suppressed) note('suppressed', null, g.suppressed, { until: iso(until) });
    ep.suppressedUntil = until;
    ep.suppressedReason = g.suppressed;
    return false;
  }

  async function notifyTriggered(ep: Episode, event: NotificationEvent): Promise<void> {
    for (const r of Object.values(ep.triggered)) await send(ep, event, r);
  }

  async function runEscalationDue(ep: Episode): Promise<void> {
    const esc = ep.escalation;
    if (!esc) return;
    while (esc.next < esc.steps.length && esc.startedAt + esc.steps[esc.next]!.offsetMs <= Date.now()) {
      if (ep.suppressedUntil !== null && Date.now() < ep.suppressedUntil) return;
      if (!(await gate(ep))) return;
      const step = esc.steps[esc.next]!;
      const tier = (await context()).policy?.tiers[step.tier];
      const event: NotificationEvent = esc.first && esc.next === 0 ? 'trigger' : 'escalate';
      note('escalation', null, null, { tier: step.tier + 1, round: step.round + 1, event });
      for (const r of tier?.recipients ?? []) {
        ep.triggered[recipientKey(r)] = r;
        await send(ep, event, r);
      }
      esc.next++;
    }
  }

  function startEscalation(ep: Episode, first: boolean): void {
    const steps = escalationSteps(s.context?.policy ?? null);
    ep.escalation = { startedAt: Date.now(), steps, next: 0, first };
  }

  async function fire(ep: Episode): Promise<void> {
    ep.status = 'firing';
    ep.firingAt = Date.now();
    note('firing', 'system', null, { value: ep.value, severity: ep.severity });
    await context();
    startEscalation(ep, true);
  }

  /** Ends the episode; every recipient that got a trigger gets its one resolve, whatever the reason. */
  async function resolveEpisode(ep: Episode, reason: ResolveReason, actor: string, why: string | null): Promise<void> {
    const fired = ep.firingAt !== null;
    ep.status = 'resolved';
    ep.resolvedAt = Date.now();
    ep.resolveReason = reason;
    ep.escalation = null;
    note(fired ? 'resolved' : 'dropped', actor, why ?? reason, { reason });
    for (const [key, r] of Object.entries(ep.triggered)) {
      if (ep.resolvedNotified.includes(key)) continue;
      ep.resolvedNotified.push(key);
      await send(ep, 'resolve', r);
    }
    s.lastResolveReason = reason;
  }

  function newEpisode(sig: { severity: AlertSeverity | null; summary: string; value: number | null; values?: Record<string, string | number | null> }): Episode {
    episodesThisRun++;
    return {
      id: uuid4(),
      status: 'pending',
      severity: sig.severity ?? s.context?.severity ?? 'warning',
      summary: sig.summary,
      value: sig.value,
      ...(sig.values ? { values: sig.values } : {}),
      startedAt: Date.now(),
      holdingSince: Date.now(),
      clearedAt: null,
      firingAt: null,
      acknowledgedAt: null,
      acknowledgedBy: null,
      ackExpiresAt: null,
      snoozedUntil: null,
      escalation: null,
      suppressedUntil: null,
      suppressedReason: null,
      triggered: {},
      resolvedNotified: [],
      notifications: 0,
      resolvedAt: null,
      resolveReason: null,
    };
  }

  const isOpen = (ep: Episode | null): ep is Episode & { status: Exclude<AlertStatus, 'resolved'> } => ep !== null && ep.status !== 'resolved';

  async function apply(msg: Msg): Promise<void> {
    const ep = s.episode;
    switch (msg.kind) {
      case 'condition': {
        const sig = msg.signal;
        if (sig.change === 'cleared') {
          if (!s.breaching) return;
          // The evaluator saw the condition hold for `for` (its own observation times) though this workflow had not
          // fired yet: the start and the clear arrived together (a worker or the dev server down, a backlog caught
          // up). Fire now, and send the first tier at once, so a real breach is notified once and resolved once.
          if (isOpen(ep) && ep.status === 'pending' && ep.observedSince !== undefined && patched('alert-fire-on-observed-hold')) {
            const ctx = await context();
            if (Date.parse(sig.observedAt) - ep.observedSince >= ctx.forSeconds * 1000) {
              note('held_for_observed', 'evaluator', null, { from: new Date(ep.observedSince).toISOString(), to: sig.observedAt, forSeconds: ctx.forSeconds });
              await fire(ep);
              await runEscalationDue(ep);
            }
          }
          s.breaching = false;
          if (isOpen(ep)) {
            ep.clearedAt = Date.now();
            note('condition_cleared', 'evaluator', null, { value: sig.value, observedAt: sig.observedAt, ...sig.values });
          }
          return;
        }
        s.lastSeverity = sig.severity;
        s.lastSummary = sig.summary;
        s.lastValue = sig.value;
        if (sig.change === 'started' && !s.breaching) {
          s.breaching = true;
          if (isOpen(ep)) {
            // Back within clearFor (flapping): the same episode goes on.
            ep.clearedAt = null;
            if (ep.status === 'pending') {
              ep.holdingSince = Date.now();
              ep.observedSince = observedMs(sig.observedAt);
            }
            note('condition_started', 'evaluator', null, { value: sig.value, observedAt: sig.observedAt });
          } else {
            await flush();
            s.context = null;
            const ctx = await context();
            if (ctx.ruleDeleted) return;
            s.episode = newEpisode(sig);
            s.episode.observedSince = observedMs(sig.observedAt);
            note('pending', 'evaluator', null, { value: sig.value, observedAt: sig.observedAt, forSeconds: ctx.forSeconds });
          }
          return;
        }
        // Severity changed while holding (or a duplicate start: nothing to do).
        if (!isOpen(ep) || !sig.severity || sig.severity === ep.severity) return;
        const worse = severityRank(sig.severity) < severityRank(ep.severity);
        note('severity_changed', 'evaluator', null, { from: ep.severity, to: sig.severity });
        ep.severity = sig.severity;
        ep.summary = sig.summary;
        ep.value = sig.value;
        // warning → critical notifies again; critical → warning neither notifies nor resolves.
        if (worse && ep.status !== 'pending' && ep.status !== 'snoozed' && (await gate(ep))) await notifyTriggered(ep, 'severity_change');
        return;
      }
      case 'acknowledge': {
        if (!isOpen(ep) || !(['firing', 'snoozed'] as AlertStatus[]).includes(ep.status)) return;
        ep.status = 'acknowledged';
        ep.acknowledgedAt = Date.now();
        ep.acknowledgedBy = msg.input.actor;
        ep.snoozedUntil = null;
        ep.escalation = null;
        const timeout = (await context()).policy?.ackTimeoutSeconds ?? null;
        ep.ackExpiresAt = timeout === null ? null : Date.now() + timeout * 1000;
        note('acknowledged', msg.input.actor, msg.input.reason ?? null, { expiresAt: iso(ep.ackExpiresAt) });
        await notifyTriggered(ep, 'acknowledge');
        return;
      }
      case 'resolve':
        if (isOpen(ep)) await resolveEpisode(ep, 'resolved', msg.input.actor, msg.input.reason ?? null);
        return;
      case 'snooze': {
        if (!isOpen(ep) || ep.status === 'pending') return;
        ep.status = 'snoozed';
        ep.snoozedUntil = Date.parse(msg.input.until);
        ep.escalation = null;
        ep.ackExpiresAt = null;
        note('snoozed', msg.input.actor, msg.input.reason ?? null, { until: msg.input.until });
        return;
      }
      case 'reopen': {
        if (isOpen(ep)) return;
        await flush();
        s.context = null;
        const ctx = await context();
        if (ctx.ruleDeleted) return;
        s.episode = newEpisode({ severity: s.lastSeverity, summary: s.lastSummary, value: s.lastValue });
        note('reopened', msg.input.actor, msg.input.reason ?? null, { previousEpisodeId: ep?.id ?? null });
        await fire(s.episode);
        return;
      }
      case 'ruleChanged':
      case 'ruleDeleted':
      case 'targetRemoved': {
        const reason: ResolveReason = msg.kind === 'ruleChanged' ? 'rule_changed' : msg.kind === 'ruleDeleted' ? 'rule_deleted' : 'target_removed';
        // The evaluator forgets the rule's condition state: the next evaluation starts afresh.
        s.breaching = false;
        s.context = null;
        if (msg.kind !== 'ruleChanged') s.ended = true;
        if (isOpen(ep)) await resolveEpisode(ep, reason, msg.input.actor, msg.input.reason ?? null);
        return;
      }
      case 'delivery': {
        const data = { notificationId: msg.notificationId, event: msg.event, recipient: msg.recipient, ...(msg.result ?? {}), error: msg.error };
        if (ep && ep.id === msg.episodeId) {
          note('delivery', null, msg.result?.lastError ?? msg.error, data);
        } else {
          // An earlier episode's delivery: recorded on that episode's timeline.
          events.push({ episodeId: msg.episodeId, kind: 'delivery', actor: null, reason: msg.result?.lastError ?? msg.error, data, at: Date.now() });
          dirty = true;
        }
        return;
      }
    }
  }

  /** Acts on what is due now: firing after `for`, resolving after `clearFor`, escalation steps, expiries. */
  async function due(): Promise<void> {
    const ep = s.episode;
    if (!isOpen(ep)) return;
    const now = Date.now();
    const ctx = await context();
    if (ep.clearedAt !== null && !s.breaching && now >= ep.clearedAt + ctx.clearForSeconds * 1000) {
      await resolveEpisode(ep, 'cleared', 'evaluator', null);
      return;
    }
    if (ep.status === 'pending' && s.breaching && ep.holdingSince !== null && now >= ep.holdingSince + ctx.forSeconds * 1000) await fire(ep);
    if (ep.status === 'snoozed' && ep.snoozedUntil !== null && now >= ep.snoozedUntil) {
      ep.status = 'firing';
      ep.snoozedUntil = null;
      note('snooze_ended', 'system');
      startEscalation(ep, false);
    }
    if (ep.status === 'acknowledged' && ep.ackExpiresAt !== null && now >= ep.ackExpiresAt) {
      ep.status = 'firing';
      ep.ackExpiresAt = null;
      note('ack_expired', 'system');
      startEscalation(ep, false);
    }
    if (ep.status === 'firing') {
      const wasSuppressed = ep.suppressedReason !== null;
      if (wasSuppressed && ep.suppressedUntil !== null && now >= ep.suppressedUntil && (await gate(ep))) {
        // Let through again while still firing: one catch-up to the current tiers' recipients.
        note('catch_up', 'system');
        const esc = ep.escalation;
        const sent = esc ? esc.steps.slice(0, Math.max(esc.next, 1)) : [];
        const tiers = new Set(sent.map((st) => st.tier));
        for (const t of tiers) {
          for (const r of ctx.policy?.tiers[t]?.recipients ?? []) {
            ep.triggered[recipientKey(r)] = r;
            await send(ep, 'catch_up', r);
          }
        }
        if (esc && esc.next === 0) esc.next = 1;
        // Later tiers follow at their delays from now, not from before the suppression.
        if (esc && esc.next < esc.steps.length) esc.startedAt = now - esc.steps[esc.next - 1]!.offsetMs;
      }
      await runEscalationDue(ep);
    }
  }

  /** The next time something is due, or null. */
  function nextDue(): number | null {
    const ep = s.episode;
    if (!isOpen(ep) || !s.context) return null;
    const ctx = s.context;
    const times: number[] = [];
    if (ep.clearedAt !== null && !s.breaching) times.push(ep.clearedAt + ctx.clearForSeconds * 1000);
    if (ep.status === 'pending' && s.breaching && ep.holdingSince !== null) times.push(ep.holdingSince + ctx.forSeconds * 1000);
    if (ep.status === 'snoozed' && ep.snoozedUntil !== null) times.push(ep.snoozedUntil);
    if (ep.status === 'acknowledged' && ep.ackExpiresAt !== null) times.push(ep.ackExpiresAt);
    if (ep.status === 'firing') {
      if (ep.suppressedUntil !== null) times.push(ep.suppressedUntil);
      else if (ep.escalation && ep.escalation.next < ep.escalation.steps.length) times.push(ep.escalation.startedAt + ep.escalation.steps[ep.escalation.next]!.offsetMs);
    }
    return times.length ? Math.min(...times) : null;
  }

  for (;;) {
    while (inbox.length > 0) {
      const msg: Msg = inbox.shift()!;
      const updateId = msg.kind === 'acknowledge' || msg.kind === 'resolve' || msg.kind === 'snooze' ? msg.id : null;
      await apply(msg);
      if (updateId !== null) done.add(updateId);
    }
    await due();
    await flush();
    const finished = !isOpen(s.episode) && (!s.breaching || s.ended);
    if (finished && inbox.length === 0) {
      // Wait for the deliveries asked for (their results go on the timeline), then end.
      await condition(() => inFlight === 0 || inbox.length > 0);
      if (inbox.length > 0) continue;
      await condition(allHandlersFinished);
      return { episodes: episodesThisRun, lastResolveReason: s.lastResolveReason };
    }
    if (workflowInfo().historyLength >= limits.historyLimit && inbox.length === 0) {
      // Deliveries still retrying after a minute go on alone (each records its attempts); their results are not awaited.
      await condition(() => inFlight === 0 || inbox.length > 0, 60_000);
      // Continue as new in a workflow task of its own, not in the one that recorded the flush's local activity:
      // Temporal's time-skipping test server left a task with both started for ever (the 7-day test).
      if (localSteps && inbox.length === 0) await sleep(1);
      if (inbox.length === 0) await continueAsNew<typeof alertWorkflow>({ alert, limits: input.limits ?? {}, state: { ...s, runs: s.runs + 1 } });
    }
    const at = nextDue();
    const wake = () => inbox.length > 0;
    if (at === null) await condition(wake);
    else if (at > Date.now()) await condition(wake, at - Date.now());
  }
}
