import { HEALTH_CATEGORIES, type HealthCategory, type RuleResult, type Severity } from './types';

/**
 * Severity weights. The score (0–100) of a set of rule results:
 *
 *   score = 100 × Σ w(r) · h(r) / Σ w(r)      over the rules that ran (pass or fail; skipped rules are left out)
 *   w(r)  = SEVERITY_WEIGHT[default severity of r]
 *   h(r)  = 1 for a pass, else w(r) / (w(r) + Σ SEVERITY_WEIGHT[severity of each finding of r])
 *
 * So a rule's share shrinks with the number and severity of its findings, but never below zero, and one rule with a
 * thousand findings cannot outweigh the rest of the catalog. Fixing a finding removes a term from the denominator
 * of h(r): the score never goes down. A skipped rule adds nothing to either sum: it never changes the score. Accepted
 * risks are removed from the findings before scoring. No rule ran → no score (null), not 100.
 */
export const SEVERITY_WEIGHT: Readonly<Record<Severity, number>> = Object.freeze({ critical: 10, high: 5, medium: 2, low: 1 });

export interface HealthScore {
  overall: number | null;
  categories: Record<HealthCategory, number | null>;
}

function scoreOf(results: readonly RuleResult[]): number | null {
  let num = 0;
  let den = 0;
  for (const r of results) {
    if (r.status === 'skipped') continue;
    const w = SEVERITY_WEIGHT[r.severity];
    const penalty = r.findings.reduce((a, f) => a + SEVERITY_WEIGHT[f.severity], 0);
    num += w * (w / (w + penalty));
    den += w;
  }
  return den === 0 ? null : Math.round((1000 * num) / den) / 10;
}

export function scoreResults(results: readonly RuleResult[]): HealthScore {
  const categories = Object.fromEntries(HEALTH_CATEGORIES.map((c) => [c, scoreOf(results.filter((r) => r.category === c))])) as Record<HealthCategory, number | null>;
  return { overall: scoreOf(results), categories };
}
