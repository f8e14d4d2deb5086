/** Readers for loosely typed payload sections: monitored servers report numbers as numbers or numeric strings. */

export type Row = Record<string, unknown>;

export function isRow(v: unknown): v is Row {
  return v !== null && typeof v === 'object' && !Array.isArray(v);
}

export function rowsOf(v: unknown): Row[] {
  return Array.isArray(v) ? v.filter(isRow) : [];
}

export function objectOf(v: unknown): Row {
  return isRow(v) ? v : {};
}

/** A finite number, or null (numeric strings such as MySQL variables count; booleans and blanks do not). */
export function num(v: unknown): number | null {
  if (typeof v === 'number') return Number.isFinite(v) ? v : null;
  if (typeof v === 'string' && /^-?\d+(\.\d+)?(e[+-]?\d+)?$/i.test(v.trim())) return Number(v);
  return null;
}

/** num(v) divided by `divisor` (a unit change, such as milliseconds to seconds), or null. */
export function numDividedBy(v: unknown, divisor: number): number | null {
  const n = num(v);
  return n === null ? null : n / divisor;
}

export function str(v: unknown): string | null {
  if (typeof v === 'string') return v;
  if (typeof v === 'number' || typeof v === 'bigint') return String(v);
  return null;
}

export function pick(row: Row, keys: readonly string[]): Row {
  return Object.fromEntries(keys.filter((k) => k in row).map((k) => [k, row[k]]));
}

export function omit(row: Row, keys: readonly string[]): Row {
  return Object.fromEntries(Object.entries(row).filter(([k]) => !keys.includes(k)));
}
