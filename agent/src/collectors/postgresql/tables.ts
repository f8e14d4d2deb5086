import { MAX_RELATIONS_PER_DATABASE, userSchema } from './catalog-filter';
import { hasSqlState } from './failure';
import type { PgConn } from './pool';
import type { PgRow } from './sections';

// https://www.postgresql.org/docs/current/catalog-pg-class.html and
// https://www.postgresql.org/docs/current/functions-admin.html#FUNCTIONS-ADMIN-DBSIZE
// Sizes come from the size functions, which read file sizes, never rows. They take a brief AccessShareLock, so a table
// held by ACCESS EXCLUSIVE (a long ALTER TABLE) would stop the query at lock_timeout; the caller then retries with
// relpages-based estimates instead (exactSizes = false). reltuples is the planner's estimate (-1: never analyzed, 14+).
export function tablesSql(exactSizes: boolean): string {
  const sized = "c.relkind IN ('r', 'm', 'p', 't')";
  const sizes = exactSizes
    ? `CASE WHEN ${sized} THEN pg_table_size(c.oid) END AS table_bytes,
       CASE WHEN ${sized} THEN pg_indexes_size(c.oid) END AS indexes_bytes,
       CASE WHEN ${sized} THEN pg_total_relation_size(c.oid) END AS total_bytes`
    : `CASE WHEN ${sized} THEN c.relpages::bigint * current_setting('block_size')::int END AS table_bytes,
       NULL::bigint AS indexes_bytes,
       NULL::bigint AS total_bytes`;
  return `
SELECT n.nspname AS schema,
       c.relname AS name,
       c.relkind,
       c.relpersistence,
       pg_get_userbyid(c.relowner) AS owner,
       CASE WHEN c.reltuples < 0 THEN NULL ELSE c.reltuples::float8 END AS estimated_rows,
       c.relpages,
       ${sizes},
       ${exactSizes} AS sizes_exact,
       EXISTS (SELECT 1 FROM pg_constraint k WHERE k.conrelid = c.oid AND k.contype = 'p') AS has_primary_key,
       c.relispartition,
       (SELECT pn.nspname || '.' || pc.relname FROM pg_inherits i JOIN pg_class pc ON pc.oid = i.inhparent
          JOIN pg_namespace pn ON pn.oid = pc.relnamespace WHERE i.inhrelid = c.oid AND c.relispartition) AS partition_of,
       c.relrowsecurity AS row_security,
       c.reloptions
  FROM pg_class c
  JOIN pg_namespace n ON n.oid = c.relnamespace
 WHERE c.relkind IN ('r', 'p', 'v', 'm', 'f') AND ${userSchema('n')}
 ORDER BY c.relpages DESC, n.nspname, c.relname
 LIMIT ${MAX_RELATIONS_PER_DATABASE}`;
}

export interface Tables {
  rows: PgRow<'tables'>[];
  /** Why sizes are estimates, when they are. */
  warning?: string;
}

export async function collectTables(conn: PgConn): Promise<Tables> {
  try {
    return { rows: await conn.rows<PgRow<'tables'>>(tablesSql(true)) };
  } catch (error) {
    if (!(hasSqlState(error) && error.code === '55P03')) throw error;
    return {
      rows: await conn.rows<PgRow<'tables'>>(tablesSql(false)),
      warning: `exact sizes skipped: a table was locked exclusively (${error.message}); sizes are relpages estimates`,
    };
  }
}
