import { randomUUID } from 'node:crypto';
import type { Client } from '@temporalio/client';
import type { Kysely } from 'kysely';
import type { AcceptedRiskView, HealthReportSummaryView, HealthReportView, HealthRuleView } from '@logstag/schema/api';
import { catalogMeta, EOL_TABLE, findRule, type Frequency } from '@logstag/schema/health';
import {
  createAcceptedRisk,
  findHealthReport,
  healthFindingAlertsOfReport,
  healthFleet,
  healthRuleSettings,
  healthTarget,
  healthTargetSettings,
  listAcceptedRisks,
  listHealthReports,
  putHealthRuleSetting,
  putHealthTargetSettings,
  recordAuditEvent,
  revokeAcceptedRisk,
  type Database,
  type HealthAcceptedRiskRow,
  type HealthReportRow,
} from '@logstag/store';
import { TASK_QUEUE, workflowIds, workflowTypes } from '@logstag/temporal/contracts';
import type { AuditContext } from '../audit';
import { ApiError } from '../http/api-error';

export interface HealthDeps {
  db: Kysely<Database>;
  temporal: () => Client | null;
  /** Puts a target's health-report Schedule on its class, injected by the process shell (api/src/server); absent in tests without Temporal. */
  putSchedule?: HealthScheduler | undefined;
}

/** Creates or updates the Temporal Schedule of a target's health reports (temporal/src/schedules/health-report-schedule.ts). */
export type HealthScheduler = (organizationId: string, targetId: string, frequency: Frequency) => Promise<void>;

const iso = (d: unknown) => new Date(d as string).toISOString();

export function reportSummaryView(r: Pick<HealthReportRow, 'id' | 'target_id' | 'engine' | 'created_at' | 'trigger' | 'score' | 'scores' | 'counts' | 'previous_id' | 'eol_as_of'>): HealthReportSummaryView {
  return {
    id: r.id,
    targetId: r.target_id,
    engine: r.engine,
    createdAt: iso(r.created_at),
    trigger: r.trigger,
    score: r.score === null ? null : Number(r.score),
    scores: r.scores as Record<string, number | null>,
    counts: r.counts as HealthReportSummaryView['counts'],
    previousId: r.previous_id,
    eolAsOf: r.eol_as_of,
  };
}

export function reportView(r: HealthReportRow): HealthReportView {
  return { ...reportSummaryView(r), windowHours: r.window_hours, results: r.results as HealthReportView['results'], diff: r.diff as HealthReportView['diff'] };
}

function riskView(r: HealthAcceptedRiskRow, now: Date): AcceptedRiskView {
  return {
    id: Number(r.id),
    targetId: r.target_id,
    ruleId: r.rule_id,
    object: r.object,
    reason: r.reason,
    expiresAt: iso(r.expires_at),
    createdBy: r.created_by,
    createdAt: iso(r.created_at),
    revokedAt: r.revoked_at ? iso(r.revoked_at) : null,
    active: r.revoked_at === null && new Date(r.expires_at).getTime() > now.getTime(),
  };
}

export function createHealthService(deps: HealthDeps) {
  const { db } = deps;

  function client(): Client {
    const c = deps.temporal();
    if (!c) throw new ApiError(503, 'unavailable', 'Temporal is not connected; try again in a moment');
    return c;
  }
  async function mustTarget(organizationId: string, targetId: string) {
    const t = await healthTarget(db, organizationId, targetId);
    if (!t) throw new ApiError(404, 'not_found', 'target not found');
    return t;
  }
  function mustRule(ruleId: string) {
    const r = findRule(ruleId);
    if (!r) throw new ApiError(404, 'not_found', 'rule not found');
    return r;
  }

  return {
    async rules(organizationId: string, engine?: string): Promise<{ rules: HealthRuleView[]; eolAsOf: string }> {
      const settings = new Map((await healthRuleSettings(db, organizationId)).map((s) => [s.ruleId, s]));
      const rules = catalogMeta()
        .filter((m) => !engine || m.engines.includes(engine as never))
        .map((m) => ({ ...m, engines: [...m.engines], thresholds: { ...m.thresholds }, enabled: settings.get(m.id)?.enabled ?? true, overrides: settings.get(m.id)?.thresholds ?? {} }));
      return { rules, eolAsOf: EOL_TABLE.asOf };
    },

    async putRule(organizationId: string, ruleId: string, value: { enabled: boolean; thresholds: Record<string, number> }, audit: AuditContext): Promise<HealthRuleView> {
      const rule = mustRule(ruleId);
      const unknown = Object.keys(value.thresholds).filter((k) => !(k in (rule.thresholds ?? {})));
      if (unknown.length) throw new ApiError(400, 'validation_failed', `rule ${ruleId} has no threshold ${unknown.join(', ')}`);
      const before = await db.transaction().execute(async (trx) => {
        const b = await putHealthRuleSetting(trx, organizationId, ruleId, value, audit.actor.label);
        await recordAuditEvent(trx, { ...audit, action: 'health.rule.updated', object: { type: 'health_rule', id: ruleId }, before: b ?? { enabled: true, thresholds: {} }, after: value });
        return b;
      });
      void before;
      return (await this.rules(organizationId)).rules.find((r) => r.id === ruleId)!;
    },

    async fleet(organizationId: string) {
      const rows = await healthFleet(db, organizationId, 20);
      return {
        items: rows.map((r) => ({
          targetId: r.target_id,
          engine: r.engine,
          reportId: r.id,
          createdAt: iso(r.created_at),
          score: r.score === null ? null : Number(r.score),
          scores: r.scores,
          counts: r.counts as HealthReportSummaryView['counts'],
          trend: r.trend.map((x) => (x === null ? null : Number(x))),
        })),
      };
    },

    async reports(organizationId: string, targetId: string, limit: number) {
      await mustTarget(organizationId, targetId);
      return { items: (await listHealthReports(db, organizationId, targetId, limit)).map(reportSummaryView) };
    },

    async report(organizationId: string, id: string): Promise<HealthReportView> {
      const r = await findHealthReport(db, organizationId, id);
      if (!r) throw new ApiError(404, 'not_found', 'report not found');
      const view = reportView(r);
      // Each finding carries its alert (the health_finding rules), looked up by the finding's identity.
      const alerts = new Map((await healthFindingAlertsOfReport(db, organizationId, r.target_id, new Date(r.created_at))).map((a) => [`${a.healthRuleId}\u0000${a.object}`, a]));
      return {
        ...view,
        results: view.results.map((res) => ({
          ...res,
          findings: res.findings.map((f) => {
            const a = alerts.get(`${f.ruleId}\u0000${f.object}`);
            return { ...f, alert: a ? { id: a.episodeId, status: a.status, severity: a.severity } : null };
          }),
        })),
      };
    },

    async runNow(organizationId: string, targetId: string): Promise<{ workflowId: string }> {
      await mustTarget(organizationId, targetId);
      const workflowId = `${workflowIds.healthReport(organizationId, targetId)}:now:${randomUUID()}`;
      await client().workflow.start(workflowTypes.healthReport, { workflowId, taskQueue: TASK_QUEUE, args: [{ organizationId, targetId, trigger: 'manual' }] });
      return { workflowId };
    },

    async risks(organizationId: string, targetId: string | undefined, now: Date) {
      return { items: (await listAcceptedRisks(db, organizationId, targetId)).map((r) => riskView(r, now)) };
    },

    async acceptRisk(organizationId: string, v: { targetId: string; ruleId: string; object: string; reason: string; expiresAt: Date }, audit: AuditContext, now: Date): Promise<AcceptedRiskView> {
      await mustTarget(organizationId, v.targetId);
      mustRule(v.ruleId);
      if (v.expiresAt.getTime() <= now.getTime()) throw new ApiError(400, 'validation_failed', 'expiresAt must be in the future');
      const row = await db.transaction().execute(async (trx) => {
        const r = await createAcceptedRisk(trx, { organizationId, ...v, createdBy: audit.actor.label });
        await recordAuditEvent(trx, { ...audit, action: 'health.risk.accepted', object: { type: 'health_risk', id: String(r.id) }, before: null, after: { targetId: v.targetId, ruleId: v.ruleId, object: v.object, reason: v.reason, expiresAt: v.expiresAt.toISOString() } });
        return r;
      });
      return riskView(row, now);
    },

    async revokeRisk(organizationId: string, id: number, audit: AuditContext, now: Date): Promise<void> {
      await db.transaction().execute(async (trx) => {
        const before = await revokeAcceptedRisk(trx, organizationId, id, now);
        if (!before) throw new ApiError(404, 'not_found', 'accepted risk not found');
        await recordAuditEvent(trx, { ...audit, action: 'health.risk.revoked', object: { type: 'health_risk', id: String(id) }, before: { ruleId: before.rule_id, object: before.object, reason: before.reason }, after: null });
      });
    },

    async targetSettings(organizationId: string, targetId: string) {
      await mustTarget(organizationId, targetId);
      const s = await healthTargetSettings(db, organizationId, targetId);
      return { targetId, frequency: (s?.frequency ?? 'standard') as Frequency, colocated: s?.colocated ?? false, memoryBytes: s?.memory_bytes === null || s?.memory_bytes === undefined ? null : Number(s.memory_bytes), scheduled: s !== undefined };
    },

    /** Saves a target's health settings and puts its Schedule on the chosen class (audit-logged). */
    async putTargetSettings(organizationId: string, targetId: string, v: { frequency: Frequency; colocated: boolean; memoryBytes: number | null }, audit: AuditContext) {
      await mustTarget(organizationId, targetId);
      await db.transaction().execute(async (trx) => {
        const before = await putHealthTargetSettings(trx, organizationId, targetId, v);
        await recordAuditEvent(trx, { ...audit, action: 'health.target.updated', object: { type: 'target', id: targetId }, before: before ? { frequency: before.frequency, colocated: before.colocated, memoryBytes: before.memory_bytes } : null, after: v });
      });
      if (deps.putSchedule) await deps.putSchedule(organizationId, targetId, v.frequency);
      return { targetId, ...v, scheduled: deps.putSchedule !== undefined };
    },
  };
}

export type HealthService = ReturnType<typeof createHealthService>;
