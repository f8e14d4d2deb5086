import { ApplicationFailure } from '@temporalio/common';
import { inScope, matches, openWindowAt, type AlertContext, type AlertIdentity, type ConditionSignal, type NotificationGate } from '@logstag/schema';
import {
  activitySnapshotsOf,
  agentsOf,
  appendAlertEvents,
  breachingConditions,
  enabledAbsenceRules,
  enabledAlertRules,
  findAlertRule,
  findHealthReport,
  findTarget,
  listMaintenanceWindows,
  listSilences,
  markPayloadsEvaluated,
  metricPointsAt,
  payloadsToEvaluate,
  previousPointsBefore,
  policyForRule,
  recordConditionObservations,
  recordEpisode,
  silentSuppressor,
  targetsOf,
  type AlertEventRecord,
  type AlertRule,
  type ConditionObservation,
  type ConditionTransition,
  type EpisodeRecord,
} from '@logstag/store';
import { alertSignals, TASK_QUEUE, workflowIds, workflowTypes } from '@logstag/temporal/contracts';
import { evaluateActivity, evaluateRate, evaluateThreshold, finding, metricsOf, type Finding } from './alert-evaluation';
import { activityDeps, type ActivityDepsInput } from './deps';
import { healthFindingObservations, type HoldingHealthAlert, type StoredHealthReport } from './health-finding-alerts';

export const TEMPORAL_UNAVAILABLE = 'TemporalUnavailable';

/** signalWithStart calls in flight at once from one evaluation (each alert's own transitions stay in order). */
const SIGNALS_AT_ONCE = 16;

/**
 * Alert evaluation (the ingest workflow's second step and the absence schedule's pass) and the alert workflow's
 * store steps. Evaluation records each alert's condition and signals-with-start `alert:<org>:<fingerprint>` only when
 * it changes (started, severity changed, cleared), in the transaction that records it: a failed signal rolls the
 * record back, so the retried activity signals again (a duplicate signal changes nothing in the workflow).
 */
export function createAlertActivities(input: ActivityDepsInput) {
  const { db, temporal, clock, config, logger } = activityDeps(input);
  async function signalTransitions(transitions: ConditionTransition[], rules: Map<string, AlertRule>, findings: Map<string, Finding>, targetOf: (o: ConditionObservation) => { targetId: string | null; agentId: string | null }) {
    if (transitions.length === 0) return;
    const client = temporal();
    if (!client) throw ApplicationFailure.retryable('no Temporal client to signal alert workflows', TEMPORAL_UNAVAILABLE);
    // One alert's transitions in their order; different alerts' at once (a storm of a hundred new alerts in a batch
    // waited for a hundred round trips to the server one after the other).
    const byAlert = new Map<string, ConditionTransition[]>();
    for (const t of transitions) {
      const id = workflowIds.alert(t.observation.organizationId, t.observation.fingerprint);
      byAlert.set(id, [...(byAlert.get(id) ?? []), t]);
    }
    const queue = [...byAlert];
    const signalAll = async () => {
      for (let next = queue.shift(); next; next = queue.shift()) {
        const [workflowId, mine] = next;
        for (const { change, observation: o } of mine) {
          const rule = rules.get(o.ruleId);
          const f = findings.get(`${o.organizationId}\u0000${o.fingerprint}`);
          const alert: AlertIdentity = { organizationId: o.organizationId, fingerprint: o.fingerprint, ruleId: o.ruleId, labels: o.labels, ...targetOf(o) };
          const signal: ConditionSignal = { change, severity: o.severity, value: o.value, summary: f?.summary ?? rule?.name ?? '', observedAt: o.observedAt.toISOString(), ...(f?.values ? { values: f.values } : {}) };
          await client.workflow.signalWithStart(workflowTypes.alert, { workflowId, taskQueue: TASK_QUEUE, args: [{ alert }], signal: alertSignals.condition, signalArgs: [signal] });
        }
      }
    };
    // A failure is thrown once no signal is in flight; the transaction rolls back and the retry signals them all again
    // (a duplicate signal changes nothing in the workflow).
    const results = await Promise.allSettled(Array.from({ length: Math.min(SIGNALS_AT_ONCE, queue.length) }, signalAll));
    const failed = results.find((r) => r.status === 'rejected');
    if (failed) throw failed.reason;
  }

  async function record(observations: ConditionObservation[], rules: Map<string, AlertRule>, findings: Map<string, Finding>, targetOf: Parameters<typeof signalTransitions>[3]) {
    if (observations.length === 0) return 0;
    const transitions = await db.transaction().execute(async (trx) => {
      const t = await recordConditionObservations(trx, observations);
      await signalTransitions(t, rules, findings, targetOf);
      return t;
    });
    return transitions.length;
  }

  return {
    /**
     * Runs the organizations' metric and activity rules against the batch's stored collections. Replayed payloads
     * (sent again from an agent's spool) are stored but open and resolve nothing: they are skipped. Returns the
     * number of rule evaluations and of transitions signalled.
     */
    async evaluateAlerts(payloadIds: string[]): Promise<{ rulesEvaluated: number; transitions: number }> {
      const payloads = (await payloadsToEvaluate(db, payloadIds)).filter((p) => !p.replayed);
      const orgs = [...new Set(payloads.map((p) => p.organization_id))];
      const rules = await enabledAlertRules(db, orgs, ['threshold', 'rate', 'activity']);
      let rulesEvaluated = 0;
      const observations: ConditionObservation[] = [];
      const findings = new Map<string, Finding>();
      if (rules.length > 0) {
        const snapshots = new Map((await activitySnapshotsOf(db, payloads.map((p) => p.id))).map((s) => [s.payload_id, s]));
        const targetInfo = new Map<string, { engine: string | null; tags: Record<string, string> }>();
        for (const org of orgs) {
          const ids = [...new Set(payloads.filter((p) => p.organization_id === org).map((p) => p.target_id!))];
          for (const t of await targetsOf(db, org, ids)) targetInfo.set(`${org}\u0000${t.target_id}`, { engine: t.engine, tags: t.tags ?? {} });
        }
        for (const p of payloads) {
          const targetId = p.target_id!;
          const info = targetInfo.get(`${p.organization_id}\u0000${targetId}`) ?? { engine: p.engine, tags: {} };
          const mine = rules.filter((r) => r.organizationId === p.organization_id && inScope(r.scope, { targetId, engine: info.engine ?? p.engine, tags: info.tags }));
          const threshold = mine.filter((r) => r.condition.kind === 'threshold');
          const metrics = [...new Set(threshold.flatMap((r) => (r.condition.kind === 'threshold' ? metricsOf(r.condition) : [])))];
          const rateMetrics = [...new Set(mine.flatMap((r) => (r.condition.kind === 'rate' ? [r.condition.metric] : [])))];
          const points = await metricPointsAt(db, p.organization_id, targetId, p.collected_at, [...new Set([...metrics, ...rateMetrics])]);
          const previous = rateMetrics.length ? await previousPointsBefore(db, p.organization_id, targetId, p.collected_at, new Date(p.collected_at.getTime() - 3_600_000), rateMetrics) : [];
          const snapshot = snapshots.get(p.id);
          for (const rule of mine) {
            let found: Finding[] = [];
            if (rule.condition.kind === 'threshold') found = evaluateThreshold(rule, rule.condition, targetId, points);
            else if (rule.condition.kind === 'rate') found = evaluateRate(rule, rule.condition, targetId, p.collected_at, points, previous);
            else if (rule.condition.kind === 'activity' && snapshot) found = [evaluateActivity(rule, rule.condition, targetId, snapshot)];
            if (found.length === 0) continue;
            rulesEvaluated++;
            for (const f of found) {
              findings.set(`${p.organization_id}\u0000${f.fingerprint}`, f);
              observations.push({ organizationId: p.organization_id, fingerprint: f.fingerprint, ruleId: rule.id, ruleVersion: rule.version, subjectId: targetId, labels: f.labels, breaching: f.breaching, severity: f.severity, value: f.value, observedAt: p.collected_at });
            }
          }
        }
      }
      const byId = new Map(rules.map((r) => [r.id, r]));
      const transitions = await record(observations, byId, findings, (o) => ({ targetId: o.subjectId, agentId: null }));
      await markPayloadsEvaluated(db, payloadIds);
      return { rulesEvaluated, transitions };
    },

    /**
     * The absence pass (every 30 s, on a Temporal Schedule): target silent (no collection for `silentSeconds`) and agent
     * silent (no heartbeat), per enabled absence rule. Targets never seen are not silent; a target's silence clears
     * with its next collection.
     */
    async evaluateAbsence(): Promise<{ rulesEvaluated: number; silent: number; transitions: number }> {
      const now = clock();
      const rules = await enabledAbsenceRules(db);
      const observations: ConditionObservation[] = [];
      const findings = new Map<string, Finding>();
      const agentOfTarget = new Map<string, string | null>();
      let silent = 0;
      for (const org of [...new Set(rules.map((r) => r.organizationId))]) {
        const targets = await targetsOf(db, org);
        const agents = await agentsOf(db, org);
        for (const rule of rules.filter((r) => r.organizationId === org)) {
          const c = rule.condition;
          if (c.kind !== 'absence') continue;
          const limit = now.getTime() - c.silentSeconds * 1000;
          if (c.subject === 'target') {
            for (const t of targets) {
              if (!t.last_seen || !inScope(rule.scope, { targetId: t.target_id, engine: t.engine, tags: t.tags ?? {} })) continue;
              const f = finding(rule, t.target_id, {}, t.last_seen.getTime() < limit ? rule.severity : null, Math.round((now.getTime() - t.last_seen.getTime()) / 1000));
              agentOfTarget.set(`${org}\u0000${f.fingerprint}`, t.agent_id);
              findings.set(`${org}\u0000${f.fingerprint}`, f);
              if (f.breaching) silent++;
              observations.push({ organizationId: org, fingerprint: f.fingerprint, ruleId: rule.id, ruleVersion: rule.version, subjectId: t.target_id, labels: {}, breaching: f.breaching, severity: f.severity, value: f.value, observedAt: now });
            }
          } else {
            for (const a of agents) {
              if (rule.scope.targetIds.length > 0 || rule.scope.engines.length > 0 || Object.keys(rule.scope.tags).length > 0) {
                // An agent is in scope when one of its targets is.
                const mine = targets.filter((t) => t.agent_id === a.agent_id);
                if (!mine.some((t) => inScope(rule.scope, { targetId: t.target_id, engine: t.engine, tags: t.tags ?? {} }))) continue;
              }
              const f = finding(rule, a.hostname ?? a.agent_id, {}, a.last_heartbeat.getTime() < limit ? rule.severity : null, Math.round((now.getTime() - a.last_heartbeat.getTime()) / 1000));
              const fp = `${rule.id}:agent:${a.agent_id}`;
              findings.set(`${org}\u0000${fp}`, { ...f, fingerprint: fp });
              if (f.breaching) silent++;
              observations.push({ organizationId: org, fingerprint: fp, ruleId: rule.id, ruleVersion: rule.version, subjectId: a.agent_id, labels: {}, breaching: f.breaching, severity: f.severity, value: f.value, observedAt: now });
            }
          }
        }
      }
      const byId = new Map(rules.map((r) => [r.id, r]));
      const transitions = await record(observations, byId, findings, (o) =>
        o.fingerprint.includes(':agent:') ? { targetId: null, agentId: o.subjectId } : { targetId: o.subjectId, agentId: agentOfTarget.get(`${o.organizationId}\u0000${o.fingerprint}`) ?? null },
      );
      if (transitions > 0) logger.info({ transitions, silent }, 'absence pass');
      return { rulesEvaluated: rules.length, silent, transitions };
    },

    /**
     * The health report workflow's step after a report is stored: the organization's `health_finding` rules in scope
     * of the target start the alert of each finding that became critical and clear those whose finding is fixed, no
     * longer critical or accepted (through the condition record: only transitions signal, a repeated call nothing).
     */
    async evaluateHealthFindingAlerts(input: { organizationId: string; targetId: string; reportId: string }): Promise<{ rulesEvaluated: number; transitions: number }> {
      const { organizationId, targetId } = input;
      const row = await findHealthReport(db, organizationId, input.reportId);
      if (!row || row.target_id !== targetId) return { rulesEvaluated: 0, transitions: 0 };
      const [target] = await targetsOf(db, organizationId, [targetId]);
      const rules = (await enabledAlertRules(db, [organizationId], ['health_finding'])).filter((r) =>
        inScope(r.scope, { targetId, engine: target?.engine ?? row.engine, tags: target?.tags ?? {} }),
      );
      if (rules.length === 0) return { rulesEvaluated: 0, transitions: 0 };
      const holding: HoldingHealthAlert[] = [];
      for (const r of rules) {
        for (const c of await breachingConditions(db, organizationId, r.id)) if (c.subject_id === targetId && c.rule_version === r.version) holding.push({ ruleId: r.id, labels: c.labels });
      }
      const report: StoredHealthReport = { id: row.id, targetId, createdAt: row.created_at, results: row.results as StoredHealthReport['results'] };
      const { observations, findings } = healthFindingObservations(organizationId, report, rules, holding);
      const transitions = await record(observations, new Map(rules.map((r) => [r.id, r])), findings, (o) => ({ targetId: o.subjectId, agentId: null }));
      if (transitions > 0) logger.info({ organizationId, targetId, reportId: row.id, transitions }, 'health finding alerts');
      return { rulesEvaluated: rules.length, transitions };
    },

    /** What an alert workflow needs of its rule, policy and target (read once per episode, and when the rule changes). */
    async loadAlertContext(alert: AlertIdentity): Promise<AlertContext> {
      const rule = await findAlertRule(db, alert.organizationId, alert.ruleId);
      const policy = rule ? await policyForRule(db, alert.organizationId, rule.escalationPolicyId) : undefined;
      const target = alert.targetId ? await findTarget(db, alert.organizationId, alert.targetId) : undefined;
      const c = rule?.condition;
      return {
        ruleName: rule?.name ?? alert.ruleId,
        ruleDeleted: !rule || rule.deletedAt !== null,
        severity: rule?.severity ?? 'warning',
        forSeconds: c?.forSeconds ?? 0,
        clearForSeconds: c?.clearForSeconds ?? 0,
        policy: policy ? { id: policy.id, tiers: policy.tiers, repeat: policy.repeat, ackTimeoutSeconds: policy.ackTimeoutSeconds } : null,
        targetName: target?.target_id ?? alert.targetId,
        engine: target?.engine ?? null,
        url: config.publicUrl ? `${config.publicUrl.replace(/\/$/, '')}/alerts` : null,
      };
    },

    /** Writes an episode's state and its new timeline events (idempotent: a retry writes nothing twice). */
    async recordAlertEpisode(episode: EpisodeRecord | null, events: AlertEventRecord[]): Promise<void> {
      await db.transaction().execute(async (trx) => {
        if (episode) await recordEpisode(trx, episode, events);
        else await appendAlertEvents(trx, events);
      });
    },

    /**
     * Whether an alert may notify now: not while a silence or a maintenance window matches it (until it ends), nor
     * while its target's silent alert (or its agent's) fires, which already says all there is to say about that target.
     */
    async alertNotificationGate(input: { organizationId: string; ruleId: string; targetId: string | null; at: string }): Promise<NotificationGate> {
      const at = new Date(input.at);
      const tags = input.targetId ? ((await targetsOf(db, input.organizationId, [input.targetId]))[0]?.tags ?? {}) : {};
      const alert = { ruleId: input.ruleId, targetId: input.targetId, tags };
      // Silences and maintenance windows hold notifications back until they end (then the workflow sends a catch-up).
      const silences = (await listSilences(db, input.organizationId, at)).filter((s) => s.startsAt <= at && matches(s.matchers, alert));
      if (silences.length > 0) {
        const until = Math.max(...silences.map((s) => s.endsAt.getTime()));
        return { suppressed: `silenced: ${silences[0]!.reason}`, until: new Date(until).toISOString() };
      }
      for (const w of await listMaintenanceWindows(db, input.organizationId)) {
        if (!matches(w.matchers, alert)) continue;
        const open = openWindowAt(w, at.getTime());
        if (open) return { suppressed: `maintenance window "${w.name}"`, until: new Date(open.end).toISOString() };
      }
      if (input.targetId) {
        const by = await silentSuppressor(db, input.organizationId, input.targetId, input.ruleId);
        if (by) return { suppressed: `suppressed by ${by}`, until: null };
      }
      return { suppressed: null, until: null };
    },
  };
}
