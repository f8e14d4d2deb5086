import { userSchema } from './catalog-filter';
import type { PgConn } from './pool';
import type { PgRow } from './sections';

// https://www.postgresql.org/docs/current/catalog-pg-namespace.html
export const schemasSql = `
SELECT n.nspname AS name, pg_get_userbyid(n.nspowner) AS owner,
       EXISTS (SELECT 1 FROM pg_depend d
                WHERE d.classid = 'pg_namespace'::regclass AND d.objid = n.oid AND d.deptype = 'e') AS extension_owned
  FROM pg_namespace n
 WHERE ${userSchema('n')}
 ORDER BY n.nspname`;

export async function collectSchemas(conn: PgConn): Promise<PgRow<'schemas'>[]> {
  return conn.rows<PgRow<'schemas'>>(schemasSql);
}
