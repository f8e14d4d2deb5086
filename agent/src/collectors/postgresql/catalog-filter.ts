/**
 * SQL condition keeping a namespace alias to the application's schemas: not the system catalogs, not TOAST, not the
 * per-session temporary schemas (pg_temp_N, pg_toast_temp_N).
 */
export function userSchema(alias: string): string {
  return `${alias}.nspname NOT IN ('pg_catalog', 'information_schema') AND ${alias}.nspname !~ '^pg_(toast|temp_)'`;
}

/**
 * Caps on rows per database, so a database with a hundred thousand partitions cannot produce a payload the API
 * refuses. Ordering puts the most important rows first when the cap cuts.
 */
export const MAX_RELATIONS_PER_DATABASE = 20_000;
export const MAX_COLUMNS_PER_DATABASE = 100_000;
