import { isRow, type Row } from './values';

// Readers of typed payload sections. The types are the schema's (@logstag/schema sections); the checks stay, because
// a payload of schemaVersion 1 was only checked to be a record of sections when it was accepted.

/** The object rows of a list section. */
export function rowsIn<R extends object>(v: readonly R[] | null | undefined): R[] {
  return Array.isArray(v) ? (v.filter(isRow) as R[]) : [];
}

/** An object section, or an empty one. */
export function objectIn<T extends object>(v: T | null | undefined): T {
  return (isRow(v) ? v : {}) as T;
}

/** The named fields of a row that it has. */
export function pickFields<T extends object>(row: T, keys: ReadonlyArray<keyof T & string>): Row {
  const r = row as Row;
  return Object.fromEntries(keys.filter((k) => k in r).map((k) => [k, r[k]]));
}

/** A row without the named fields. */
export function omitFields<T extends object>(row: T, keys: ReadonlyArray<keyof T & string>): Row {
  return Object.fromEntries(Object.entries(row as Row).filter(([k]) => !(keys as readonly string[]).includes(k)));
}
