import type { CounterSpec } from '../collectors/types';
import { counterAsDelta, counterDecreased, subtractCounter } from './counter-value';

/** The raw counter sections of the last successful collection of one target and category. */
export type CounterSnapshot = Readonly<Record<string, unknown>>;

export interface DiffResult {
  /** Gauge sections copied; counter sections as deltas (omitted when there is nothing to diff against). */
  data: Record<string, unknown>;
  /** No previous collection at all: this one only establishes the baseline. */
  baseline: boolean;
  /** Counter sections left out because the previous collection did not have them. */
  baselineSections: string[];
  /** Some counter went backwards (server restart, stats reset): those rows carry their current values. */
  counterReset: boolean;
  resetSections: string[];
  /** What to keep as the previous state once this collection is accepted. */
  next: CounterSnapshot;
}

/**
 * Turns a collection's counter sections into deltas since `prev` (pganalyze's `DiffSince`). Pure: the caller replaces
 * its state with `next` only after the whole collection succeeded, so a failed run never shortens a delta.
 *
 * - Rows are matched by `spec.key`; a section with an empty key is one object.
 * - Non-counter columns (names, gauges) are copied from the current row.
 * - A row whose counter went backwards has been reset: its delta is its current value, marked `counterReset: true`.
 * - A row not seen before (a new query, a new database) also counts from zero: delta = current value, `newRow: true`.
 */
export function diffSince(prev: CounterSnapshot | undefined, current: Record<string, unknown>, specs: Record<string, CounterSpec>): DiffResult {
  const data: Record<string, unknown> = {};
  const next: Record<string, unknown> = {};
  const baselineSections: string[] = [];
  const resetSections: string[] = [];

  for (const [name, section] of Object.entries(current)) {
    const spec = specs[name];
    if (!spec) {
      data[name] = section;
      continue;
    }
    next[name] = section;
    const before = prev?.[name];
    if (before === undefined) {
      baselineSections.push(name);
      continue;
    }
    const diffed = spec.key.length === 0 ? diffObject(before, section, spec) : diffRows(before, section, spec);
    if (diffed.reset) resetSections.push(name);
    data[name] = diffed.value;
  }

  return {
    data,
    baseline: prev === undefined,
    baselineSections,
    counterReset: resetSections.length > 0,
    resetSections,
    next,
  };
}

interface Diffed {
  value: unknown;
  reset: boolean;
}

function diffObject(before: unknown, current: unknown, spec: CounterSpec): Diffed {
  if (!isRecord(current)) return { value: current, reset: false };
  return diffRow(isRecord(before) ? before : undefined, current, spec);
}

function diffRows(before: unknown, current: unknown, spec: CounterSpec): Diffed {
  if (!Array.isArray(current)) return { value: current, reset: false };
  const previousByKey = new Map<string, Record<string, unknown>>();
  if (Array.isArray(before)) {
    for (const row of before) if (isRecord(row)) previousByKey.set(rowKey(row, spec.key), row);
  }
  // A collector may hand back the very row objects it gave last time for rows that did not change (the MariaDB digest
  // reader does for digests that did not run). Such a row, when it is the previous row of its key, has every counter
  // equal to itself: with omitIdleBy it is idle (as idle() would find) without its key or its counters compared.
  const by = spec.omitIdleBy;
  const previousRows = by !== undefined ? new Set<unknown>(previousByKey.values()) : undefined;
  let reset = false;
  const rows: unknown[] = [];
  for (const row of current as unknown[]) {
    if (previousRows?.has(row) && by! in (row as Record<string, unknown>)) continue;
    if (!isRecord(row)) {
      rows.push(row);
      continue;
    }
    const before = previousByKey.get(rowKey(row, spec.key));
    if (before !== undefined && spec.omitIdleBy !== undefined && idle(before, row, spec, spec.omitIdleBy)) continue;
    const diffed = diffRow(before, row, spec);
    reset ||= diffed.reset;
    rows.push(diffed.value);
  }
  return { value: rows, reset };
}

/**
 * The row as diffRow would send it has a delta of exactly 0 in `by` and is no reset: nothing ran. A full MariaDB digest
 * table is 2,000 such rows a minute per target (the agent reads its slowest 2,000, most of them idle), which the
 * server skips (no calls): building, checking, serializing and compressing them was most of the agent's work there.
 */
function idle(before: Record<string, unknown>, current: Record<string, unknown>, spec: CounterSpec, by: string): boolean {
  if (!(by in current) || subtractCounter(current[by], before[by]) !== 0) return false;
  return !spec.counters.some((c) => counterDecreased(current[c], before[c]));
}

function diffRow(before: Record<string, unknown> | undefined, current: Record<string, unknown>, spec: CounterSpec): Diffed {
  const out: Record<string, unknown> = { ...current };
  if (before === undefined) {
    for (const c of spec.counters) if (c in current) out[c] = counterAsDelta(current[c]);
    out.newRow = true;
    return { value: out, reset: false };
  }
  const reset = spec.counters.some((c) => counterDecreased(current[c], before[c]));
  for (const c of spec.counters) {
    if (!(c in current)) continue;
    out[c] = reset ? counterAsDelta(current[c]) : (subtractCounter(current[c], before[c]) ?? null);
  }
  if (reset) out.counterReset = true;
  return { value: out, reset };
}

/**
 * The row's key columns as one string, distinct for distinct values: each part is its length and its text for a
 * string (the common case, without JSON.stringify's array and escaping), or its JSON for anything else.
 */
function rowKey(row: Record<string, unknown>, key: readonly string[]): string {
  let out = '';
  for (const k of key) {
    const v = row[k] ?? null;
    out += typeof v === 'string' ? `s${v.length}:${v}` : `j${JSON.stringify(v)};`;
  }
  return out;
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return value !== null && typeof value === 'object' && !Array.isArray(value);
}
