import { sql } from 'kysely';
import type { Db } from '../db';

/** The alert of a health finding, as a report shows it beside the finding. */
export interface HealthFindingAlertLink {
  healthRuleId: string;
  object: string;
  episodeId: string;
  status: string;
  severity: string;
}

/**
 * The alerts of a target's health findings (episodes of `health_finding` rules, labelled with the finding's identity)
 * as of one report: per finding, the newest episode opened by this report or an earlier one (a report deleted by
 * retention counts as earlier). A later report's alert is not this report's.
 */
export async function healthFindingAlertsOfReport(db: Db, organizationId: string, targetId: string, reportCreatedAt: Date): Promise<HealthFindingAlertLink[]> {
  const { rows } = await sql<{ health_rule_id: string; object: string; id: string; status: string; severity: string }>`
    select distinct on (e.labels->>'healthRuleId', e.labels->>'object')
           e.labels->>'healthRuleId' as health_rule_id, e.labels->>'object' as object, e.id, e.status, e.severity
      from alert_episodes e
      left join health_reports h on h.organization_id = e.organization_id and h.id = e."values"->>'reportId'
     where e.organization_id = ${organizationId} and e.target_id = ${targetId}
       and e.labels ? 'healthRuleId' and e.labels ? 'object'
       and (h.id is null or h.created_at <= ${reportCreatedAt})
     order by e.labels->>'healthRuleId', e.labels->>'object', e.started_at desc, e.id desc`.execute(db);
  return rows.map((r) => ({ healthRuleId: r.health_rule_id, object: r.object, episodeId: r.id, status: r.status, severity: r.severity }));
}
