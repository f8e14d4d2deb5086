import { redundancy, type IndexShape } from '../redundant-indexes';
import { MAX_RELATIONS_PER_DATABASE, userSchema } from './catalog-filter';
import type { PgConn } from './pool';
import type { PgRow } from './sections';

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
       x.indoption::text AS indoption,
       x.indnkeyatts AS key_columns,
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

interface IndexRow extends PgRow<'indexes'> {
  schema: string;
  table: string;
  name: string;
  table_oid: number;
  method: string;
  is_unique: boolean;
  is_primary: boolean;
  is_valid: boolean;
  /** Table column numbers of the key columns then the INCLUDE columns; 0 for an expression. */
  indkey: string;
  indclass: string;
  /** Per key column: DESC and NULLS FIRST bits. */
  indoption: string;
  key_columns: number;
  expressions: string | null;
  predicate: string | null;
}

export interface IndexFlags {
  invalid: boolean;
  /** Other indexes on the same table that make this one redundant (redundant-indexes.ts). */
  duplicate_of: string[];
}

/**
 * The shared duplicate rule over a PostgreSQL index: a key part is its column, operator class and ordering options; the
 * access method, expressions and partial predicate must be equal, and the other index must hold this one's INCLUDE
 * columns. Only a B-tree serves left prefixes.
 * An invalid index (a failed CREATE INDEX CONCURRENTLY) serves nothing and is flagged invalid instead.
 */
function shapeOf(row: IndexRow): IndexShape {
  const columns = row.indkey.split(' ');
  const classes = row.indclass.split(' ');
  const options = row.indoption.split(' ');
  const keys = Number(row.key_columns);
  return {
    group: String(row.table_oid),
    name: row.name,
    parts: columns.slice(0, keys).map((attnum, i) => `${attnum}:${classes[i]}:${options[i]}`),
    extra: JSON.stringify([row.method, row.expressions, row.predicate]),
    included: columns.slice(keys),
    unique: row.is_unique,
    primary: row.is_primary,
    prefixServes: row.method === 'btree',
    comparable: row.is_valid,
  };
}

/** Marks invalid indexes, and duplicate or redundant ones with the indexes that make them so. */
export function flagIndexes<R extends IndexRow>(rows: readonly R[]): Array<R & IndexFlags> {
  const duplicateOf = redundancy(rows.map(shapeOf));
  return rows.map((row, i) => ({ ...row, invalid: !row.is_valid, duplicate_of: duplicateOf[i] ?? [] }));
}

export async function collectIndexes(conn: PgConn): Promise<Array<IndexRow & IndexFlags>> {
  return flagIndexes(await conn.rows<IndexRow>(indexesSql));
}
