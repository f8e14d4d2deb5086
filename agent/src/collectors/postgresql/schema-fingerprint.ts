import { userSchema } from './catalog-filter';
import type { PgConn } from './pool';
import type { PgRow } from './sections';

// A cheap summary of a database's schema for the 10-minute operational collection: the number of relations and an
// order-independent hash (a sum of hashtext) of every relation's columns and every index's key. Reads the catalogs
// only (pg_class, pg_attribute, pg_index), no sizes, no statistics. When it changes between two collections the
// runner starts the full schema collection at once, so a table created at 10:00 is in the Schema Explorer by about
// 10:10 instead of at the next 4-hourly run. https://www.postgresql.org/docs/current/catalog-pg-class.html
export const schemaFingerprintSql = `
SELECT (SELECT count(*) FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
         WHERE ${userSchema('n')} AND c.relkind IN ('r', 'p', 'v', 'm', 'f', 'S', 'i'))::int AS relations,
       ((SELECT coalesce(sum(hashtext(concat_ws(':', n.nspname, c.relname, c.relkind::text, a.attnum, a.attname,
                                                format_type(a.atttypid, a.atttypmod), a.attnotnull))::bigint), 0)
           FROM pg_attribute a
           JOIN pg_class c ON c.oid = a.attrelid
           JOIN pg_namespace n ON n.oid = c.relnamespace
          WHERE ${userSchema('n')} AND c.relkind IN ('r', 'p', 'v', 'm', 'f') AND a.attnum > 0 AND NOT a.attisdropped)
        + (SELECT coalesce(sum(hashtext(concat_ws(':', n.nspname, i.relname, x.indkey::text, x.indisunique,
                                                  x.indexprs::text, x.indpred::text))::bigint), 0)
             FROM pg_index x
             JOIN pg_class i ON i.oid = x.indexrelid
             JOIN pg_namespace n ON n.oid = i.relnamespace
            WHERE ${userSchema('n')}))::text AS digest`;

export async function collectSchemaFingerprint(conn: PgConn): Promise<PgRow<'schema_fingerprint'>[]> {
  return conn.rows<PgRow<'schema_fingerprint'>>(schemaFingerprintSql);
}
