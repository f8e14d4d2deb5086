import type { Engine } from '../domain';

/** The five areas a health report is grouped by (and scored per). */
export const HEALTH_CATEGORIES = ['performance', 'security', 'configuration', 'schema', 'maintenance'] as const;
export type HealthCategory = (typeof HEALTH_CATEGORIES)[number];

/** Severities, worst first (PMM's critical/error/warning/notice, renamed for a reader who is not a DBA). */
export const SEVERITIES = ['critical', 'high', 'medium', 'low'] as const;
export type Severity = (typeof SEVERITIES)[number];

/**
 * What a rule needs beyond the least-privilege agent's catalog and statistics reads, so a reader knows why a rule
 * may be skipped on their target: a privilege the default monitoring user lacks, facts of the host (co-located agent
 * or declared RAM), a dated table shipped with the server (versions, end of life), or history (statistics old enough).
 */
export const DATA_CLASSES = ['statistics', 'privilege', 'host', 'external', 'history'] as const;
export type DataClass = (typeof DATA_CLASSES)[number];

/** PMM's frequency classes: how often a rule needs to run (the report's schedule runs the most frequent class due). */
export const FREQUENCIES = ['frequent', 'standard', 'rare'] as const;
export type Frequency = (typeof FREQUENCIES)[number];

/** Default period of each class, in hours (configurable per deployment). */
export const DEFAULT_FREQUENCY_HOURS: Readonly<Record<Frequency, number>> = Object.freeze({ frequent: 4, standard: 24, rare: 78 });

/** A rule's catalog entry: everything but its evaluator, as the API lists it and the web browses it. */
export interface RuleMeta {
  /** Stable: `<engine>.<area>.<what>`; reports and accepted risks refer to it. */
  id: string;
  title: string;
  engines: readonly Engine[];
  /** The versions it applies to, in words (MariaDB vs MySQL 8 differences stated here). */
  versions: string;
  category: HealthCategory;
  severity: Severity;
  frequency: Frequency;
  dataClass: DataClass;
  /** What it reads, as stored (snapshot item, series, activity samples, statements). */
  evidence: string;
  explanation: string;
  /** A concrete fix: SQL, a config line or a command. */
  fix: string;
  /** The check it follows (PMM advisor, PgHero check, MySQLTuner section, Redis doctor condition…). */
  anchor: string;
  /** Tunable thresholds with their defaults (organizations may override them). */
  thresholds: Readonly<Record<string, number>>;
}

/** One problem a rule found on one object. */
export interface Finding {
  ruleId: string;
  /** The object it is about: `database.schema.table.index`, `user@host`, a setting name, or `server`. */
  object: string;
  category: HealthCategory;
  severity: Severity;
  message: string;
  /** The values read, as shown to the reader (untrusted text from the monitored server: escaped where displayed). */
  evidence: Readonly<Record<string, string | number | boolean | null>>;
}

export type RuleStatus = 'pass' | 'fail' | 'skipped';

/** One rule's outcome in a report: pass, its findings, or skipped with the reason (never "pass" when it could not run). */
export interface RuleResult {
  ruleId: string;
  category: HealthCategory;
  severity: Severity;
  status: RuleStatus;
  reason: string | null;
  findings: Finding[];
}

/** The identity of a finding across reports: rule id + object. */
export function findingKey(f: Pick<Finding, 'ruleId' | 'object'>): string {
  return `${f.ruleId}\u0000${f.object}`;
}
