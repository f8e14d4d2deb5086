import type { AlertSeverity } from '@logstag/schema';
import type { Db } from '../db';

/** What one evaluation found for one alert (rule + subject + labels). */
export interface ConditionObservation {
  organizationId: string;
  fingerprint: string;
  ruleId: string;
  ruleVersion: number;
  subjectId: string;
  labels: Record<string, string>;
  breaching: boolean;
  severity: AlertSeverity | null;
  value: number | null;
  observedAt: Date;
}

export type ConditionChange = 'started' | 'severity' | 'cleared';

export interface ConditionTransition {
  change: ConditionChange;
  observation: ConditionObservation;
}

/**
 * Records observations and returns the transitions only: the condition started (or was first seen holding), its
 * severity changed, or it cleared. An observation older than the one recorded is ignored (batches of one target may
 * finish out of order). Rows are locked for the caller's transaction, so two evaluations of the same alert see each
 * other's result: call it in a transaction that commits only once the transitions are signalled.
 *
 * Lock order: the alerts seen for the first time are inserted first, in fingerprint order (a concurrent insert of the
 * same fingerprint waits here, holding only rows of lower fingerprints), then the others are locked in fingerprint
 * order and updated. Locking the existing rows first and inserting the new ones after could deadlock: a batch held a
 * row it had locked while waiting for a lower one another batch had just inserted, and that batch waited for the held
 * row (one deadlock in 80,000 payloads of bench:ingest, issue 12's goal is none).
 */
export async function recordConditionObservations(db: Db, observations: readonly ConditionObservation[]): Promise<ConditionTransition[]> {
  if (observations.length === 0) return [];
  // The last observation per fingerprint wins (a batch may hold several collections of a target).
  const latest = new Map<string, ConditionObservation>();
  for (const o of observations) {
    const key = `${o.organizationId}\u0000${o.fingerprint}`;
    const prev = latest.get(key);
    if (!prev || prev.observedAt <= o.observedAt) latest.set(key, o);
  }
  const byOrg = new Map<string, ConditionObservation[]>();
  for (const o of latest.values()) byOrg.set(o.organizationId, [...(byOrg.get(o.organizationId) ?? []), o]);
  const valuesOf = (o: ConditionObservation) => ({
    rule_id: o.ruleId,
    rule_version: o.ruleVersion,
    subject_id: o.subjectId,
    labels: JSON.stringify(o.labels),
    breaching: o.breaching,
    severity: o.severity,
    value: o.value,
    observed_at: o.observedAt,
  });

  const transitions: ConditionTransition[] = [];
  // Organizations in one order too: a batch may hold several.
  for (const org of [...byOrg.keys()].sort()) {
    const sorted = [...byOrg.get(org)!].sort((a, b) => (a.fingerprint < b.fingerprint ? -1 : 1));
    const created = new Set(
      (
        await db
          .insertInto('alert_conditions')
          .values(sorted.map((o) => ({ organization_id: org, fingerprint: o.fingerprint, ...valuesOf(o), changed_at: o.observedAt })))
          .onConflict((oc) => oc.columns(['organization_id', 'fingerprint']).doNothing())
          .returning('fingerprint')
          .execute()
      ).map((r) => r.fingerprint),
    );
    for (const o of sorted) if (created.has(o.fingerprint) && o.breaching) transitions.push({ change: 'started', observation: o });
    const known = sorted.filter((o) => !created.has(o.fingerprint));
    if (known.length === 0) continue;
    const existing = await db
      .selectFrom('alert_conditions')
      .select(['fingerprint', 'breaching', 'severity', 'observed_at', 'rule_version'])
      .where('organization_id', '=', org)
      .where(
        'fingerprint',
        'in',
        known.map((o) => o.fingerprint),
      )
      .orderBy('fingerprint')
      .forUpdate()
      .execute();
    const prevOf = new Map(existing.map((r) => [r.fingerprint, r]));
    for (const o of known) {
      const prev = prevOf.get(o.fingerprint);
      if (prev && prev.observed_at > o.observedAt && prev.rule_version === o.ruleVersion) continue;
      const wasBreaching = prev !== undefined && prev.rule_version === o.ruleVersion && prev.breaching;
      let change: ConditionChange | null = null;
      if (!wasBreaching && o.breaching) change = 'started';
      else if (wasBreaching && !o.breaching) change = 'cleared';
      else if (wasBreaching && o.breaching && prev!.severity !== o.severity) change = 'severity';
      const values = valuesOf(o);
      // An upsert, not an update: the row may have been deleted since (the rule was edited or deleted).
      await db
        .insertInto('alert_conditions')
        .values({ organization_id: org, fingerprint: o.fingerprint, ...values, changed_at: o.observedAt })
        .onConflict((oc) => oc.columns(['organization_id', 'fingerprint']).doUpdateSet(change ? { ...values, changed_at: o.observedAt } : values))
        .execute();
      if (change) transitions.push({ change, observation: o });
    }
  }
  return transitions;
}

/** Forgets a rule's condition state (the rule was edited or deleted): its next evaluation starts afresh. */
export async function forgetRuleConditions(db: Db, organizationId: string, ruleId: string): Promise<void> {
  await db.deleteFrom('alert_conditions').where('organization_id', '=', organizationId).where('rule_id', '=', ruleId).execute();
}

/** The alerts whose condition holds now, of one rule (the absence pass clears those no longer silent). */
export async function breachingConditions(db: Db, organizationId: string, ruleId: string) {
  return db.selectFrom('alert_conditions').selectAll().where('organization_id', '=', organizationId).where('rule_id', '=', ruleId).where('breaching', '=', true).execute();
}
