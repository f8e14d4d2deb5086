import { sql } from 'kysely';
import type { Db } from '../db';
import type { HealthReportRow } from './health.tables';

export interface NewHealthReport {
  id: string;
  organizationId: string;
  targetId: string;
  engine: string;
  createdAt: Date;
  windowHours: number;
  trigger: 'schedule' | 'manual';
  score: number | null;
  scores: Record<string, number | null>;
  counts: { pass: number; fail: number; skipped: number; findings: number; accepted: number };
  results: unknown[];
  diff: unknown[];
  previousId: string | null;
  eolAsOf: string;
  /** The report's open findings (not accepted), for the identity ledger. */
  findings: Array<{ ruleId: string; object: string; severity: string }>;
  /** Rules that ran (pass or fail): only their absent findings count as fixed. */
  ranRules: string[];
}

/** The ledger rows of a target's findings: first sighting, fix time, fixed before (for regressions). */
export async function findingLedger(db: Db, organizationId: string, targetId: string) {
  return db.selectFrom('health_findings').selectAll().where('organization_id', '=', organizationId).where('target_id', '=', targetId).execute();
}

/**
 * Stores a report and moves the identity ledger: its findings are seen (first_seen kept, fixed_at cleared, a
 * regression counted), open findings of rules that ran but found nothing more are fixed at the report's time.
 * Idempotent on the report id (a retried activity stores it once).
 */
export async function saveHealthReport(db: Db, r: NewHealthReport): Promise<boolean> {
  const inserted = await db
    .insertInto('health_reports')
    .values({
      id: r.id,
      organization_id: r.organizationId,
      target_id: r.targetId,
      engine: r.engine,
      created_at: r.createdAt,
      window_hours: r.windowHours,
      trigger: r.trigger,
      score: r.score,
      scores: JSON.stringify(r.scores),
      counts: JSON.stringify(r.counts),
      results: JSON.stringify(r.results),
      diff: JSON.stringify(r.diff),
      previous_id: r.previousId,
      eol_as_of: r.eolAsOf,
    })
    .onConflict((oc) => oc.column('id').doNothing())
    .returning('id')
    .executeTakeFirst();
  if (!inserted) return false;
  const at = r.createdAt;
  for (let i = 0; i < r.findings.length; i += 1_000) {
    const chunk = r.findings.slice(i, i + 1_000);
    await db
      .insertInto('health_findings')
      .values(chunk.map((f) => ({ organization_id: r.organizationId, target_id: r.targetId, rule_id: f.ruleId, object: f.object, severity: f.severity, first_seen: at, last_seen: at, fixed_at: null })))
      .onConflict((oc) =>
        oc.columns(['organization_id', 'target_id', 'rule_id', 'object']).doUpdateSet({
          severity: sql`excluded.severity`,
          last_seen: sql`excluded.last_seen`,
          fixed_at: null,
        }),
      )
      .execute();
  }
  if (r.ranRules.length > 0) {
    const open = new Set(r.findings.map((f) => `${f.ruleId}\u0000${f.object}`));
    const stale = await db
      .selectFrom('health_findings')
      .select(['rule_id', 'object'])
      .where('organization_id', '=', r.organizationId)
      .where('target_id', '=', r.targetId)
      .where('fixed_at', 'is', null)
      .where('rule_id', 'in', r.ranRules)
      .where('last_seen', '<', at)
      .execute();
    for (const s of stale.filter((x) => !open.has(`${x.rule_id}\u0000${x.object}`))) {
      await db
        .updateTable('health_findings')
        .set({ fixed_at: at, times_fixed: sql`times_fixed + 1` })
        .where('organization_id', '=', r.organizationId)
        .where('target_id', '=', r.targetId)
        .where('rule_id', '=', s.rule_id)
        .where('object', '=', s.object)
        .execute();
    }
  }
  return true;
}

export async function latestHealthReport(db: Db, organizationId: string, targetId: string, before?: Date): Promise<HealthReportRow | undefined> {
  let q = db.selectFrom('health_reports').selectAll().where('organization_id', '=', organizationId).where('target_id', '=', targetId);
  if (before) q = q.where('created_at', '<', before);
  return q.orderBy('created_at', 'desc').limit(1).executeTakeFirst();
}

export async function findHealthReport(db: Db, organizationId: string, id: string): Promise<HealthReportRow | undefined> {
  return db.selectFrom('health_reports').selectAll().where('organization_id', '=', organizationId).where('id', '=', id).executeTakeFirst();
}

/** A target's reports, newest first, without their results (the list and the score trend). */
export async function listHealthReports(db: Db, organizationId: string, targetId: string, limit: number) {
  return db
    .selectFrom('health_reports')
    .select(['id', 'target_id', 'engine', 'created_at', 'trigger', 'score', 'scores', 'counts', 'previous_id', 'eol_as_of'])
    .where('organization_id', '=', organizationId)
    .where('target_id', '=', targetId)
    .orderBy('created_at', 'desc')
    .limit(limit)
    .execute();
}

/** Every target's latest report with its last scores (the fleet overview's sparkline), worst score first. */
export async function healthFleet(db: Db, organizationId: string, trendLength: number) {
  const { rows } = await sql<{ target_id: string; engine: string; id: string; created_at: Date; score: number | null; scores: Record<string, number | null>; counts: Record<string, number>; trend: Array<number | null> }>`
    select l.target_id, l.engine, l.id, l.created_at, l.score, l.scores, l.counts,
           (select coalesce(jsonb_agg(t.score order by t.created_at), '[]'::jsonb) from (
              select h.score, h.created_at from health_reports h
               where h.organization_id = l.organization_id and h.target_id = l.target_id
               order by h.created_at desc limit ${trendLength}) t) as trend
      from (select distinct on (target_id) * from health_reports where organization_id = ${organizationId} order by target_id, created_at desc) l
     order by l.score asc nulls last, l.target_id`.execute(db);
  return rows;
}

/** A target's reports older than the cutoff go (retention), the newest always stays; the ledger keeps the identities. */
export async function deleteHealthReportsBefore(db: Db, organizationId: string, targetId: string, cutoff: Date): Promise<number> {
  const r = await db
    .deleteFrom('health_reports')
    .where('organization_id', '=', organizationId)
    .where('target_id', '=', targetId)
    .where('created_at', '<', cutoff)
    .where('id', '!=', (eb) => eb.selectFrom('health_reports as n').select('n.id').where('n.organization_id', '=', organizationId).where('n.target_id', '=', targetId).orderBy('n.created_at', 'desc').limit(1))
    .executeTakeFirst();
  return Number(r.numDeletedRows);
}
