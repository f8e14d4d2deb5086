import { MAX_COLUMNS_PER_DATABASE, userSchema } from './catalog-filter';
import type { PgConn } from './pool';
import type { PgRow } from './sections';

// https://www.postgresql.org/docs/current/catalog-pg-attribute.html and
// https://www.postgresql.org/docs/current/catalog-pg-attrdef.html
// Default expressions are schema metadata (nextval(...), now()); they are never evaluated.
export const columnsSql = `
SELECT n.nspname AS schema,
       c.relname AS table,
       a.attnum AS position,
       a.attname AS name,
       format_type(a.atttypid, a.atttypmod) AS type,
       NOT a.attnotnull AS nullable,
       pg_get_expr(d.adbin, d.adrelid) AS default,
       nullif(a.attidentity, '') AS identity,
       nullif(a.attgenerated, '') AS generated
  FROM pg_attribute a
  JOIN pg_class c ON c.oid = a.attrelid
  JOIN pg_namespace n ON n.oid = c.relnamespace
  LEFT JOIN pg_attrdef d ON d.adrelid = a.attrelid AND d.adnum = a.attnum
 WHERE a.attnum > 0 AND NOT a.attisdropped AND c.relkind IN ('r', 'p', 'v', 'm', 'f') AND ${userSchema('n')}
 ORDER BY n.nspname, c.relname, a.attnum
 LIMIT ${MAX_COLUMNS_PER_DATABASE}`;

export async function collectColumns(conn: PgConn): Promise<PgRow<'columns'>[]> {
  return conn.rows<PgRow<'columns'>>(columnsSql);
}
