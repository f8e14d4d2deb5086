import { MAX_RELATIONS_PER_DATABASE, userSchema } from './catalog-filter';
import type { PgConn } from './pool';
import type { PgRow } from './sections';

// https://www.postgresql.org/docs/current/ddl-priv.html and
// https://www.postgresql.org/docs/current/functions-info.html (aclexplode, acldefault)
// information_schema.role_table_grants only lists grants that involve the current user, which a monitoring role
// never is; exploding the ACLs from the catalogs shows every grant. A NULL ACL means the built-in default.
const grantee = "CASE WHEN a.grantee = 0 THEN 'PUBLIC' ELSE pg_get_userbyid(a.grantee) END";

export const tablePrivilegesSql = `
SELECT n.nspname AS schema,
       c.relname AS table,
       c.relkind,
       ${grantee} AS grantee,
       pg_get_userbyid(a.grantor) AS grantor,
       array_agg(a.privilege_type ORDER BY a.privilege_type)::text[] AS privileges,
       coalesce(array_agg(a.privilege_type ORDER BY a.privilege_type) FILTER (WHERE a.is_grantable), '{}')::text[] AS grantable,
       (c.relacl IS NULL) AS default_acl
  FROM pg_class c
  JOIN pg_namespace n ON n.oid = c.relnamespace
  CROSS JOIN LATERAL aclexplode(coalesce(c.relacl, acldefault('r', c.relowner))) a
 WHERE c.relkind IN ('r', 'p', 'v', 'm', 'f') AND ${userSchema('n')}
 GROUP BY n.nspname, c.relname, c.relkind, a.grantee, a.grantor, c.relacl IS NULL
 ORDER BY 1, 2, 4
 LIMIT ${MAX_RELATIONS_PER_DATABASE * 4}`;

export const schemaPrivilegesSql = `
SELECT n.nspname AS schema,
       pg_get_userbyid(n.nspowner) AS owner,
       ${grantee} AS grantee,
       pg_get_userbyid(a.grantor) AS grantor,
       array_agg(a.privilege_type ORDER BY a.privilege_type)::text[] AS privileges,
       coalesce(array_agg(a.privilege_type ORDER BY a.privilege_type) FILTER (WHERE a.is_grantable), '{}')::text[] AS grantable,
       (n.nspacl IS NULL) AS default_acl
  FROM pg_namespace n
  CROSS JOIN LATERAL aclexplode(coalesce(n.nspacl, acldefault('n', n.nspowner))) a
 WHERE ${userSchema('n')}
 GROUP BY n.nspname, n.nspowner, a.grantee, a.grantor, n.nspacl IS NULL
 ORDER BY 1, 3`;

// Database-level grants (CONNECT, CREATE, TEMPORARY) are cluster-wide and read once.
export const databasePrivilegesSql = `
SELECT d.datname,
       ${grantee} AS grantee,
       pg_get_userbyid(a.grantor) AS grantor,
       array_agg(a.privilege_type ORDER BY a.privilege_type)::text[] AS privileges,
       (d.datacl IS NULL) AS default_acl
  FROM pg_database d
  CROSS JOIN LATERAL aclexplode(coalesce(d.datacl, acldefault('d', d.datdba))) a
 GROUP BY d.datname, a.grantee, a.grantor, d.datacl IS NULL
 ORDER BY 1, 2`;

export async function collectTablePrivileges(conn: PgConn): Promise<PgRow<'table_privileges'>[]> {
  return conn.rows<PgRow<'table_privileges'>>(tablePrivilegesSql);
}

export async function collectSchemaPrivileges(conn: PgConn): Promise<PgRow<'schema_privileges'>[]> {
  return conn.rows<PgRow<'schema_privileges'>>(schemaPrivilegesSql);
}

export async function collectDatabasePrivileges(conn: PgConn, includeDatabase: (name: string) => boolean): Promise<PgRow<'database_privileges'>[]> {
  const rows = await conn.rows<PgRow<'database_privileges'> & { datname: string }>(databasePrivilegesSql);
  return rows.filter((row) => includeDatabase(row.datname));
}
