import { familyFieldKind, metricFamilies, type Engine, type MetricDef, type MetricFamily } from '@logstag/schema';
import type { MetricPoint } from './types';
import { isRow, num, rowsOf, str, type Row } from './values';

/** Fields that look numeric but identify something or are clocks, not measurements. */
const NOT_MEASUREMENTS = /(^|_)(pid|oid|id|port|lsn|version_num|run_?id|time_?stamp|stats_reset)$|Seen$|^(dbid|userid|queryid)$/i;

/** Caps one section's fields, so an engine adding hundreds of status variables cannot flood the store. */
const MAX_FIELDS_PER_SECTION = 600;

/** Whether a family's field can be a series (identifiers and clocks never are). */
export function isMeasurementField(field: string): boolean {
  return !NOT_MEASUREMENTS.test(field);
}

function numericFields(family: MetricFamily, row: Row, labels: Record<string, string>, out: MetricPoint[]): void {
  let n = 0;
  for (const [field, raw] of Object.entries(row)) {
    if (!isMeasurementField(field) || typeof raw === 'boolean') continue;
    const value = num(raw);
    if (value === null) continue;
    if ((n += 1) > MAX_FIELDS_PER_SECTION) break;
    out.push({ metric: `${family.prefix}.${field}`, labels, value, kind: familyFieldKind(family, field) });
  }
}

/**
 * The catalog's metric families of an engine (@logstag/schema metrics/families.ts): every numeric field of a family's
 * object section, and of each row of its list section (labelled by the row's key fields), becomes the series
 * `<prefix>.<field>`. Counters arrive as deltas.
 */
export function genericMetrics(engine: Engine, data: Readonly<Record<string, unknown>>): MetricPoint[] {
  const out: MetricPoint[] = [];
  for (const family of metricFamilies(engine)) {
    const section = data[family.section];
    if (!family.labels) {
      if (isRow(section)) numericFields(family, section, {}, out);
      continue;
    }
    const keys = family.labels;
    for (const row of rowsOf(section)) {
      const labels: Record<string, string> = {};
      for (const l of keys) labels[l] = str(row[l]) ?? '';
      const fields = Object.fromEntries(Object.entries(row).filter(([k]) => !keys.includes(k)));
      numericFields(family, fields, labels, out);
    }
  }
  return out;
}

/** A curated series of the catalog (its name and kind); skipped when the value is missing (not reported). */
export function point(out: MetricPoint[], metric: MetricDef, value: unknown, labels: Record<string, string> = {}): void {
  const v = num(value);
  if (v !== null) out.push({ metric: metric.name, labels, value: v, kind: metric.kind });
}
