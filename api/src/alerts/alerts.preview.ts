import type { Kysely } from 'kysely';
import { escalationSteps, inScope, previewSeries, recipientKey, thresholdValues, type EscalationPolicyInput, type RuleInput } from '@logstag/schema';
import type { EscalationSimulation, RulePreview } from '@logstag/schema/api';
import { metricPointsInRange, targetsOf, type Database } from '@logstag/store';

const DAY = 86_400_000;

const labelsOf = (key: string): Record<string, string> => {
  try {
    return JSON.parse(key) as Record<string, string>;
  } catch {
    return {};
  }
};

/**
 * A rule's openings over the last 24 hours of stored data, with the workflow's hysteresis: what the rule editor shows
 * before saving. Threshold rules only; activity and absence rules are not replayed.
 */
export async function previewRule(db: Kysely<Database>, organizationId: string, rule: RuleInput, now = new Date()): Promise<RulePreview> {
  const from = new Date(now.getTime() - DAY);
  const base = { from: from.toISOString(), to: now.toISOString() };
  const c = rule.condition;
  if (c.kind !== 'threshold') return { ...base, series: 0, openings: 0, episodes: [], note: `${c.kind} rules are not previewed: only thresholds replay stored metrics` };
  const targets = new Map((await targetsOf(db, organizationId)).map((t) => [t.target_id, t]));
  const rows = await metricPointsInRange(db, organizationId, [c.metric, ...(c.ratioOf ?? [])], from, now);
  // One collection = one target at one time: its points give each series' value.
  const observations = new Map<string, Array<{ ts: number; value: number }>>();
  for (let i = 0; i < rows.length; ) {
    const { targetId, ts } = rows[i]!;
    let j = i;
    while (j < rows.length && rows[j]!.targetId === targetId && rows[j]!.ts.getTime() === ts.getTime()) j++;
    const t = targets.get(targetId);
    if (inScope(rule.scope, { targetId, engine: t?.engine ?? null, tags: t?.tags ?? {} })) {
      for (const { labelsKey, value } of thresholdValues(c, rows.slice(i, j))) {
        const key = `${targetId}\u0000${labelsKey}`;
        const list = observations.get(key) ?? [];
        list.push({ ts: ts.getTime(), value });
        observations.set(key, list);
      }
    }
    i = j;
  }
  const episodes = [...observations].flatMap(([key, obs]) => previewSeries(c, rule.severity, key, obs));
  episodes.sort((a, b) => a.firedAt - b.firedAt);
  return {
    ...base,
    series: observations.size,
    openings: episodes.length,
    episodes: episodes.slice(0, 100).map((e) => {
      const [targetId, labelsKey] = e.series.split('\u0000') as [string, string];
      return { targetId, labels: labelsOf(labelsKey), firedAt: new Date(e.firedAt).toISOString(), resolvedAt: e.resolvedAt === null ? null : new Date(e.resolvedAt).toISOString(), peak: Math.round(e.peak * 100) / 100 };
    }),
    note: null,
  };
}

/** Who a policy notifies, and when (minutes after firing), when nobody acknowledges; up to `minutes`. */
export function simulateEscalation(policy: EscalationPolicyInput, minutes: number): EscalationSimulation {
  return {
    steps: escalationSteps(policy)
      .filter((s) => s.offsetMs <= minutes * 60_000)
      .map((s, i) => ({ minute: s.offsetMs / 60_000, tier: s.tier + 1, round: s.round + 1, event: i === 0 ? 'trigger' : 'escalate', recipients: policy.tiers[s.tier]!.recipients.map(recipientKey) })),
  };
}
