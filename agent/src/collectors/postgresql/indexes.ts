import { MAX_RELATIONS_PER_DATABASE, userSchema } from './catalog-filter';
import type { PgConn } from './pool';

// https://www.postgresql.org/docs/current/catalog-pg-index.html and
// https://www.postgresql.org/docs/current/monitoring-stats.html#MONITORING-PG-STAT-ALL-INDEXES-VIEW
// indisvalid = false is what a failed CREATE INDEX CONCURRENTLY leaves behind: the index costs writes but is never
// used. idx_scan is cumulative since the last statistics reset (see pg_stat_database.stats_reset).
export const indexesSql = `
SELECT n.nspname AS schema,
       t.relname AS table,
       i.relname AS name,
       x.indrelid AS table_oid,
       am.amname AS method,
       pg_get_indexdef(x.indexrelid) AS definition,
       x.indisunique AS is_unique,
       x.indisprimary AS is_primary,
       x.indisvalid AS is_valid,
       x.indisready AS is_ready,
       x.indkey::text AS indkey,
       x.indclass::text AS indclass,
       pg_get_expr(x.indexprs, x.indrelid) AS expressions,
       pg_get_expr(x.indpred, x.indrelid) AS predicate,
       pg_relation_size(x.indexrelid) AS size_bytes,
       s.idx_scan,
       s.idx_tup_read,
       s.idx_tup_fetch,
       k.conname AS constraint_name
  FROM pg_index x
  JOIN pg_class i ON i.oid = x.indexrelid
  JOIN pg_class t ON t.oid = x.indrelid
  JOIN pg_namespace n ON n.oid = t.relnamespace
  JOIN pg_am am ON am.oid = i.relam
  LEFT JOIN pg_stat_all_indexes s ON s.indexrelid = x.indexrelid
  LEFT JOIN pg_constraint k ON k.conindid = x.indexrelid AND k.conrelid = x.indrelid AND k.contype IN ('p', 'u', 'x')
 WHERE ${userSchema('n')}
 ORDER BY n.nspname, t.relname, i.relname
 LIMIT ${MAX_RELATIONS_PER_DATABASE}`;

interface IndexRow {
  schema: string;
  table: string;
  name: string;
  table_oid: number;
  is_valid: boolean;
  indkey: string;
  indclass: string;
  expressions: string | null;
  predicate: string | null;
  [column: string]: unknown;
}

export interface IndexFlags {
  invalid: boolean;
  /** Other indexes on the same table with the same columns, operator classes, expressions and predicate. */
  duplicate_of: string[];
}

/**
 * Marks invalid and duplicate indexes. Duplicates are exact: same table, same key columns in the same order, same
 * operator classes (which also fixes the access method), same expressions and same partial predicate. A unique and a
 * plain index on the same key are still duplicates: the plain one can go.
 */
export function flagIndexes<R extends IndexRow>(rows: readonly R[]): Array<R & IndexFlags> {
  const groups = new Map<string, string[]>();
  const keyOf = (row: IndexRow) => JSON.stringify([row.table_oid, row.indkey, row.indclass, row.expressions, row.predicate]);
  for (const row of rows) groups.set(keyOf(row), [...(groups.get(keyOf(row)) ?? []), row.name]);
  return rows.map((row) => ({
    ...row,
    invalid: !row.is_valid,
    duplicate_of: (groups.get(keyOf(row)) ?? []).filter((name) => name !== row.name),
  }));
}

export async function collectIndexes(conn: PgConn): Promise<Array<IndexRow & IndexFlags>> {
  return flagIndexes(await conn.rows<IndexRow>(indexesSql));
}
