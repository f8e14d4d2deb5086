import type { Engine } from '../domain';
import type { HealthActivitySample, HealthInput, HealthItem, HealthSeries, HealthStatement } from './input';
import type { DataClass, Frequency, HealthCategory, RuleMeta, Severity } from './types';

/** What a rule reads; a need the store cannot meet makes the rule skipped with the need's reason. */
export type Need =
  | 'settings'
  | 'access'
  | 'schema'
  | 'activity'
  | 'statements'
  | 'host'
  /** Statistics observed at least `thresholds.minStatsDays` days (unused-index rules). */
  | 'history'
  /** At least one stored series whose name starts with the prefix. */
  | `series:${string}`;

/** The server's version as rules compare it. */
export interface VersionInfo {
  major: number;
  minor: number;
  /** MySQL targets: which server; null for the other engines. */
  flavor: 'mysql' | 'mariadb' | null;
  text: string;
}

/** Thrown by an evaluator that finds it cannot decide (a field missing from this server's reply): skipped, not pass. */
export class SkipRule extends Error {}

export interface FindingDraft {
  object: string;
  message: string;
  evidence: Record<string, string | number | boolean | null>;
  severity?: Severity;
}

/** What an evaluator reads: the stored data with typed accessors, and the rule's effective thresholds. */
export interface RuleContext {
  input: HealthInput;
  version: VersionInfo | null;
  now: Date;
  /** Threshold value (organization override, else the rule's default). */
  t(name: string): number;
  /** A setting's value from the settings snapshot, or null when the server did not report it. */
  setting(name: string): string | null;
  settingItem(name: string): HealthItem | undefined;
  items(kind: 'settings' | 'access' | 'schema', type: string): HealthItem[];
  series(metric: string): HealthSeries[];
  /** The value of an unlabelled series, or null. */
  value(metric: string): number | null;
  activity: HealthActivitySample[];
  statements: HealthStatement[];
  skip(reason: string): never;
}

export interface RuleDef extends Omit<RuleMeta, 'thresholds'> {
  thresholds?: Readonly<Record<string, number>>;
  needs: readonly Need[];
  /** Agent collectors whose reported failure (privilege missing, command blocked) makes this rule skipped. */
  collectors?: readonly string[];
  /**
   * Instead of every collector of its needs, only these make the rule skipped when they fail: a rule reading one part
   * of the runtime snapshot (replica set members) should not be skipped because another part (currentOp) was refused.
   */
  onlyCollectors?: readonly string[];
  /** Whether it applies to this server at all (a MariaDB-only variable, a PostgreSQL ≥ 13 view). */
  applies?: (v: VersionInfo) => boolean;
  /** Findings, or none for a pass. May call ctx.skip(reason). */
  check(ctx: RuleContext): FindingDraft[];
}

/** Declares a rule with its defaults: `standard` frequency, `statistics` data class, no thresholds. */
export function rule(
  r: Omit<RuleDef, 'frequency' | 'dataClass' | 'versions'> & { frequency?: Frequency; dataClass?: DataClass; versions?: string },
): RuleDef {
  return { frequency: 'standard', dataClass: 'statistics', versions: 'all supported versions', ...r };
}

/** Declares one engine's rules with the engine filled in. */
export function engineRules(engine: Engine, defs: ReadonlyArray<Omit<Parameters<typeof rule>[0], 'engines'> & { engines?: readonly Engine[] }>): RuleDef[] {
  return defs.map((d) => rule({ engines: [engine], ...d }));
}

export function metaOf(r: RuleDef): RuleMeta {
  return {
    id: r.id,
    title: r.title,
    engines: r.engines,
    versions: r.versions,
    category: r.category as HealthCategory,
    severity: r.severity,
    frequency: r.frequency,
    dataClass: r.dataClass,
    evidence: r.evidence,
    explanation: r.explanation,
    fix: r.fix,
    anchor: r.anchor,
    thresholds: r.thresholds ?? {},
  };
}
