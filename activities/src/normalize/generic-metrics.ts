import type { MetricKind } from '@logstag/store';
import type { MetricPoint } from './types';
import { isRow, num, rowsOf, str, type Row } from './values';

/**
 * Which fields of a counter section are counters (sent by the agent as deltas since the previous collection); every
 * other numeric field is a gauge. `all` means every numeric field. Mirrors the CounterSpecs of agent/src/collectors.
 */
export type CounterFields = 'all' | readonly string[];

/** An array section turned into labelled series: which columns label a row. */
export interface ArraySection {
  labels: readonly string[];
}

export interface GenericRule {
  /** Object sections whose numeric fields become `<section>.<field>` series. */
  objects: readonly string[];
  /** Array sections whose rows' numeric fields become `<section>.<field>{labels}` series. */
  arrays: Readonly<Record<string, ArraySection>>;
  counters: Readonly<Record<string, CounterFields>>;
}

/** Fields that look numeric but identify something or are clocks, not measurements. */
const NOT_MEASUREMENTS = /(^|_)(pid|oid|id|port|lsn|version_num|run_?id|time_?stamp|stats_reset)$|Seen$|^(dbid|userid|queryid)$/i;

/** Caps one section's fields, so an engine adding hundreds of status variables cannot flood the store. */
const MAX_FIELDS_PER_SECTION = 600;

function kindOf(rule: GenericRule, section: string, field: string): MetricKind {
  const c = rule.counters[section];
  if (c === undefined) return 'gauge';
  return c === 'all' || c.includes(field) ? 'delta' : 'gauge';
}

function numericFields(section: string, row: Row, rule: GenericRule, labels: Record<string, string>, out: MetricPoint[]): void {
  let n = 0;
  for (const [field, raw] of Object.entries(row)) {
    if (NOT_MEASUREMENTS.test(field) || typeof raw === 'boolean') continue;
    const value = num(raw);
    if (value === null) continue;
    if ((n += 1) > MAX_FIELDS_PER_SECTION) break;
    out.push({ metric: `${section}.${field}`, labels, value, kind: kindOf(rule, section, field) });
  }
}

/**
 * The generic rule: every numeric field of the listed object sections, and of each row of the listed array sections
 * (labelled by the row's key columns), becomes a series named `<section>.<field>`. Counters arrive as deltas.
 */
export function genericMetrics(data: Record<string, unknown>, rule: GenericRule): MetricPoint[] {
  const out: MetricPoint[] = [];
  for (const section of rule.objects) {
    const v = data[section];
    if (isRow(v)) numericFields(section, v, rule, {}, out);
  }
  for (const [section, spec] of Object.entries(rule.arrays)) {
    for (const row of rowsOf(data[section])) {
      const labels: Record<string, string> = {};
      for (const l of spec.labels) labels[l] = str(row[l]) ?? '';
      const fields = Object.fromEntries(Object.entries(row).filter(([k]) => !spec.labels.includes(k)));
      numericFields(section, fields, rule, labels, out);
    }
  }
  return out;
}

/** A curated series; skipped when the value is missing (the collector did not report it). */
export function point(out: MetricPoint[], metric: string, value: unknown, kind: MetricKind, labels: Record<string, string> = {}): void {
  const v = num(value);
  if (v !== null) out.push({ metric, labels, value: v, kind });
}
