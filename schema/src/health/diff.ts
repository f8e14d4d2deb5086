import { findingKey, type Finding, type Severity } from './types';

export type DiffState = 'new' | 'fixed' | 'unchanged' | 'regressed' | 'severity_changed';

export interface FindingDiff {
  ruleId: string;
  object: string;
  state: DiffState;
  severity: Severity;
  previousSeverity: Severity | null;
  /** Fixed findings: how long the finding was open (first seen → this report), when the first sighting is known. */
  timeToFixSeconds: number | null;
}

export interface DiffContext {
  /** Identities (findingKey) fixed in some earlier report: seen again now, they are regressions, not new. */
  fixedBefore?: ReadonlySet<string>;
  /** First time each identity was seen, for the time to fix. */
  firstSeen?: ReadonlyMap<string, string>;
  /** This report's time. */
  now?: string;
}

/**
 * The findings of two consecutive reports compared by identity (rule id + object): new, fixed, unchanged, severity
 * changed, or regressed (back after having been fixed). Pure. A rule skipped in either report is not compared: pass
 * its findings of the other report in neither list (the caller drops them), so a rule that could not run never
 * reports its findings "fixed".
 */
export function diffFindings(previous: readonly Finding[], current: readonly Finding[], ctx: DiffContext = {}): FindingDiff[] {
  const before = new Map(previous.map((f) => [findingKey(f), f]));
  const after = new Map(current.map((f) => [findingKey(f), f]));
  const out: FindingDiff[] = [];
  for (const [key, f] of after) {
    const b = before.get(key);
    const state: DiffState = !b ? (ctx.fixedBefore?.has(key) ? 'regressed' : 'new') : b.severity !== f.severity ? 'severity_changed' : 'unchanged';
    out.push({ ruleId: f.ruleId, object: f.object, state, severity: f.severity, previousSeverity: b?.severity ?? null, timeToFixSeconds: null });
  }
  for (const [key, b] of before) {
    if (after.has(key)) continue;
    const first = ctx.firstSeen?.get(key);
    const ttf = first && ctx.now ? Math.max(0, Math.round((new Date(ctx.now).getTime() - new Date(first).getTime()) / 1000)) : null;
    out.push({ ruleId: b.ruleId, object: b.object, state: 'fixed', severity: b.severity, previousSeverity: b.severity, timeToFixSeconds: ttf });
  }
  return out;
}
