import type { Kysely } from 'kysely';
import { WorkflowNotFoundError, WorkflowUpdateFailedError, type Client } from '@temporalio/client';
import type { ActorInput, AlertIdentity, AlertView, EscalationPolicyInput, MaintenanceWindowInput, RuleInput, SilenceInput, SnoozeInput } from '@logstag/schema';
import type { AlertActionResult } from '@logstag/schema/api';
import {
  deleteAlertRule,
  deleteEscalationPolicy,
  deleteMaintenanceWindow,
  expireSilence,
  insertMaintenanceWindow,
  insertSilence,
  episodeTimeline,
  findAlertRule,
  findEpisode,
  findEscalationPolicy,
  forgetRuleConditions,
  insertAlertRule,
  insertEscalationPolicy,
  latestEpisodeOf,
  liveFingerprintsOfRule,
  recordAuditEvent,
  updateAlertRule,
  updateEscalationPolicy,
  type Database,
  type Db,
} from '@logstag/store';
import { alertSignals, alertUpdates, TASK_QUEUE, workflowIds, workflowTypes } from '@logstag/temporal/contracts';
import type { AuditContext } from '../audit';
import { ApiError } from '../http/api-error';
import { episodeView, policyView, ruleView, timelineEventView } from './alerts.views';

export interface AlertsDeps {
  db: Kysely<Database>;
  temporal: () => Client | null;
}

type Action = 'acknowledge' | 'resolve' | 'snooze' | 'reopen';
const AUDIT_ACTION: Record<Action, string> = { acknowledge: 'alert.acknowledged', resolve: 'alert.resolved', snooze: 'alert.snoozed', reopen: 'alert.reopened' };

/**
 * Rules, escalation policies and alerts. Changes are audit-logged in the transaction that makes them; a rule's change
 * or deletion is signalled to its live alert workflows (each resolves its episode: the resolve guarantee), and
 * people's actions on an alert go to its workflow as updates (acknowledge, resolve, snooze) or a signal-with-start
 * (reopen), then to the audit log.
 */
export function createAlertsService({ db, temporal }: AlertsDeps) {
  function client(): Client {
    const c = temporal();
    if (!c) throw new ApiError(503, 'unavailable', 'Temporal is not connected; try again in a moment');
    return c;
  }

  async function mustRule(db_: Db, org: string, id: string) {
    const r = await findAlertRule(db_, org, id);
    if (!r || r.deletedAt) throw new ApiError(404, 'not_found', 'alert rule not found');
    return r;
  }

  async function checkPolicy(org: string, id: string | null) {
    if (id && !(await findEscalationPolicy(db, org, id))) throw new ApiError(400, 'validation_failed', 'escalationPolicyId names no policy of this organization', { issues: [{ path: 'escalationPolicyId', message: 'unknown policy' }] });
  }

  /** Tells the rule's live alert workflows; a workflow that has ended needs nothing. */
  async function signalRule(org: string, ruleId: string, signal: string, input: ActorInput) {
    const fingerprints = await liveFingerprintsOfRule(db, org, ruleId);
    await forgetRuleConditions(db, org, ruleId);
    if (fingerprints.length === 0) return;
    const c = client();
    for (const fp of fingerprints) {
      try {
        await c.workflow.getHandle(workflowIds.alert(org, fp)).signal(signal, input);
      } catch (err) {
        if (!(err instanceof WorkflowNotFoundError)) throw err;
      }
    }
  }

  async function mustEpisode(org: string, id: string) {
    const e = await findEpisode(db, org, id);
    if (!e) throw new ApiError(404, 'not_found', 'alert not found');
    return e;
  }

  return {
    async createRule(org: string, input: RuleInput, audit: AuditContext) {
      await checkPolicy(org, input.escalationPolicyId);
      return db.transaction().execute(async (trx) => {
        const rule = await insertAlertRule(trx, org, input);
        await recordAuditEvent(trx, { ...audit, action: 'alert_rule.created', object: { type: 'alert_rule', id: rule.id }, after: ruleView(rule) });
        return ruleView(rule);
      });
    },

    async updateRule(org: string, id: string, input: RuleInput, audit: AuditContext) {
      const before = await mustRule(db, org, id);
      await checkPolicy(org, input.escalationPolicyId);
      const rule = await db.transaction().execute(async (trx) => {
        const r = await updateAlertRule(trx, org, id, input);
        if (!r) throw new ApiError(404, 'not_found', 'alert rule not found');
        await recordAuditEvent(trx, { ...audit, action: 'alert_rule.updated', object: { type: 'alert_rule', id }, before: ruleView(before), after: ruleView(r) });
        return r;
      });
      await signalRule(org, id, alertSignals.ruleChanged, { actor: audit.actor.label, reason: 'rule changed' });
      return ruleView(rule);
    },

    async deleteRule(org: string, id: string, audit: AuditContext) {
      const before = await mustRule(db, org, id);
      await db.transaction().execute(async (trx) => {
        if (!(await deleteAlertRule(trx, org, id))) throw new ApiError(404, 'not_found', 'alert rule not found');
        await recordAuditEvent(trx, { ...audit, action: 'alert_rule.deleted', object: { type: 'alert_rule', id }, before: ruleView(before) });
      });
      await signalRule(org, id, alertSignals.ruleDeleted, { actor: audit.actor.label, reason: 'rule deleted' });
    },

    async createPolicy(org: string, input: EscalationPolicyInput, audit: AuditContext) {
      return db.transaction().execute(async (trx) => {
        const p = await insertEscalationPolicy(trx, org, input);
        await recordAuditEvent(trx, { ...audit, action: 'escalation_policy.created', object: { type: 'escalation_policy', id: p.id }, after: policyView(p) });
        return policyView(p);
      });
    },

    async updatePolicy(org: string, id: string, input: EscalationPolicyInput, audit: AuditContext) {
      const before = await findEscalationPolicy(db, org, id);
      if (!before) throw new ApiError(404, 'not_found', 'escalation policy not found');
      return db.transaction().execute(async (trx) => {
        const p = await updateEscalationPolicy(trx, org, id, input);
        if (!p) throw new ApiError(404, 'not_found', 'escalation policy not found');
        await recordAuditEvent(trx, { ...audit, action: 'escalation_policy.updated', object: { type: 'escalation_policy', id }, before: policyView(before), after: policyView(p) });
        return policyView(p);
      });
    },

    async deletePolicy(org: string, id: string, audit: AuditContext) {
      await db.transaction().execute(async (trx) => {
        if (!(await deleteEscalationPolicy(trx, org, id))) throw new ApiError(404, 'not_found', 'escalation policy not found');
        await recordAuditEvent(trx, { ...audit, action: 'escalation_policy.deleted', object: { type: 'escalation_policy', id } });
      });
    },

    async createSilence(org: string, input: SilenceInput, audit: AuditContext) {
      const startsAt = input.startsAt ? new Date(input.startsAt) : new Date();
      const endsAt = new Date(input.endsAt);
      if (endsAt <= startsAt || endsAt.getTime() <= Date.now()) throw new ApiError(400, 'validation_failed', 'a silence ends after it starts, in the future', { issues: [{ path: 'endsAt', message: 'must be in the future, after startsAt' }] });
      return db.transaction().execute(async (trx) => {
        const s = await insertSilence(trx, org, { matchers: input.matchers, reason: input.reason, createdBy: audit.actor.label, startsAt, endsAt });
        await recordAuditEvent(trx, { ...audit, action: 'alert_silence.created', object: { type: 'alert_silence', id: s.id }, after: { matchers: s.matchers, reason: s.reason, startsAt: s.startsAt.toISOString(), endsAt: s.endsAt.toISOString() } });
        return s;
      });
    },

    async expireSilence(org: string, id: string, audit: AuditContext) {
      await db.transaction().execute(async (trx) => {
        if (!(await expireSilence(trx, org, id))) throw new ApiError(404, 'not_found', 'silence not found');
        await recordAuditEvent(trx, { ...audit, action: 'alert_silence.expired', object: { type: 'alert_silence', id } });
      });
    },

    async createWindow(org: string, input: MaintenanceWindowInput, audit: AuditContext) {
      return db.transaction().execute(async (trx) => {
        const w = await insertMaintenanceWindow(trx, org, input, audit.actor.label);
        await recordAuditEvent(trx, { ...audit, action: 'maintenance_window.created', object: { type: 'maintenance_window', id: w.id }, after: { ...input } });
        return w;
      });
    },

    async deleteWindow(org: string, id: string, audit: AuditContext) {
      await db.transaction().execute(async (trx) => {
        if (!(await deleteMaintenanceWindow(trx, org, id))) throw new ApiError(404, 'not_found', 'maintenance window not found');
        await recordAuditEvent(trx, { ...audit, action: 'maintenance_window.deleted', object: { type: 'maintenance_window', id } });
      });
    },

    async detail(org: string, id: string) {
      const e = await mustEpisode(org, id);
      return { episode: episodeView(e), timeline: (await episodeTimeline(db, org, id)).map(timelineEventView) };
    },

    /** A person's action on an alert, carried out by its workflow and audit-logged. */
    async act(org: string, id: string, action: Action, input: ActorInput | SnoozeInput, audit: AuditContext): Promise<AlertActionResult> {
      const e = await mustEpisode(org, id);
      const c = client();
      let status: string;
      if (action === 'reopen') {
        if (e.resolved_at === null) throw new ApiError(409, 'conflict', 'only a resolved alert can be reopened');
        const latest = await latestEpisodeOf(db, org, e.fingerprint);
        if (latest?.id !== e.id) throw new ApiError(409, 'conflict', 'a newer episode of this alert exists; reopen that one');
        const alert: AlertIdentity = { organizationId: org, fingerprint: e.fingerprint, ruleId: e.rule_id, targetId: e.target_id, agentId: e.agent_id, labels: e.labels ?? {} };
        await c.workflow.signalWithStart(workflowTypes.alert, { workflowId: e.workflow_id, taskQueue: TASK_QUEUE, args: [{ alert }], signal: alertSignals.reopen, signalArgs: [input] });
        status = 'reopening';
      } else {
        if (e.resolved_at !== null) throw new ApiError(409, 'conflict', 'the alert is resolved');
        try {
          const view = await c.workflow.getHandle(e.workflow_id).executeUpdate<AlertView, [ActorInput | SnoozeInput]>(alertUpdates[action], { args: [input] });
          if (view.episodeId !== e.id && action !== 'resolve') throw new ApiError(409, 'conflict', 'the alert has moved on to another episode');
          status = view.episodeId === e.id ? view.status : 'resolved';
        } catch (err) {
          if (err instanceof WorkflowUpdateFailedError) throw new ApiError(409, 'conflict', err.cause?.message ?? err.message);
          if (err instanceof WorkflowNotFoundError) throw new ApiError(409, 'conflict', 'the alert is no longer open');
          throw err;
        }
      }
      await recordAuditEvent(db, { ...audit, action: AUDIT_ACTION[action], object: { type: 'alert', id }, after: { ...input, status } });
      return { episodeId: id, status, accepted: true };
    },
  };
}
