import { MAX_RELATIONS_PER_DATABASE, userSchema } from './catalog-filter';
import type { PgConn } from './pool';
import type { PgRow } from './sections';

// https://www.postgresql.org/docs/current/catalog-pg-constraint.html
// Constraints inherited by partitions repeat the parent's; only the parent's row is kept (conparentid = 0).
export const constraintsSql = `
SELECT n.nspname AS schema,
       c.relname AS table,
       k.conname AS name,
       k.contype AS type,
       pg_get_constraintdef(k.oid) AS definition,
       k.convalidated AS validated,
       k.condeferrable AS deferrable,
       k.condeferred AS deferred
  FROM pg_constraint k
  JOIN pg_class c ON c.oid = k.conrelid
  JOIN pg_namespace n ON n.oid = c.relnamespace
 WHERE k.conparentid = 0 AND ${userSchema('n')}
 ORDER BY n.nspname, c.relname, k.conname
 LIMIT ${MAX_RELATIONS_PER_DATABASE * 4}`;

// A foreign key without an index starting with its columns makes every DELETE/UPDATE on the referenced table scan
// the referencing one (and lock it longer): has_index answers that. Partial indexes do not count.
const columnNames = (rel: string, keys: string) => `
       ARRAY(SELECT a.attname::text FROM unnest(${keys}) WITH ORDINALITY u(attnum, ord)
               JOIN pg_attribute a ON a.attrelid = ${rel} AND a.attnum = u.attnum ORDER BY u.ord)`;

export const foreignKeysSql = `
SELECT n.nspname AS schema,
       c.relname AS table,
       k.conname AS name,
       ${columnNames('k.conrelid', 'k.conkey')} AS columns,
       rn.nspname AS referenced_schema,
       rc.relname AS referenced_table,
       ${columnNames('k.confrelid', 'k.confkey')} AS referenced_columns,
       k.confupdtype AS on_update,
       k.confdeltype AS on_delete,
       k.confmatchtype AS match_type,
       k.convalidated AS validated,
       EXISTS (SELECT 1 FROM pg_index x
                WHERE x.indrelid = k.conrelid AND x.indpred IS NULL
                  AND (string_to_array(x.indkey::text, ' ')::int2[])[1:cardinality(k.conkey)] @> k.conkey
                  AND (string_to_array(x.indkey::text, ' ')::int2[])[1:cardinality(k.conkey)] <@ k.conkey) AS has_index
  FROM pg_constraint k
  JOIN pg_class c ON c.oid = k.conrelid
  JOIN pg_namespace n ON n.oid = c.relnamespace
  JOIN pg_class rc ON rc.oid = k.confrelid
  JOIN pg_namespace rn ON rn.oid = rc.relnamespace
 WHERE k.contype = 'f' AND k.conparentid = 0 AND ${userSchema('n')}
 ORDER BY n.nspname, c.relname, k.conname
 LIMIT ${MAX_RELATIONS_PER_DATABASE}`;

export async function collectConstraints(conn: PgConn): Promise<PgRow<'constraints'>[]> {
  return conn.rows<PgRow<'constraints'>>(constraintsSql);
}

export async function collectForeignKeys(conn: PgConn): Promise<PgRow<'foreign_keys'>[]> {
  return conn.rows<PgRow<'foreign_keys'>>(foreignKeysSql);
}
