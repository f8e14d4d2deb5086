import type { PgConn } from './pool';
import type { PgRow } from './sections';

// https://www.postgresql.org/docs/current/catalog-pg-extension.html and
// https://www.postgresql.org/docs/current/view-pg-available-extensions.html
// Extensions are per database. default_version is what ALTER EXTENSION … UPDATE would move to.
export const extensionsSql = `
SELECT e.extname AS name,
       e.extversion AS version,
       n.nspname AS schema,
       a.default_version,
       (a.default_version IS NOT NULL AND a.default_version <> e.extversion) AS update_available
  FROM pg_extension e
  JOIN pg_namespace n ON n.oid = e.extnamespace
  LEFT JOIN pg_available_extensions a ON a.name = e.extname
 ORDER BY e.extname`;

export async function collectExtensions(conn: PgConn): Promise<PgRow<'extensions'>[]> {
  return conn.rows<PgRow<'extensions'>>(extensionsSql);
}
