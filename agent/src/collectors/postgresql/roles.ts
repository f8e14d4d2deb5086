import type { PgConn } from './pool';
import type { PgRow, PgSection } from './sections';

// https://www.postgresql.org/docs/current/view-pg-roles.html
// pg_roles shows '********' for every role, so whether a password is set, and how it is hashed, is only in pg_authid,
// which only a superuser may read. The least-privilege monitoring user (pg_monitor) cannot: then password_set and
// password_encryption are null and password_readable is false ("not readable"). When the user can (a superuser as
// monitoring user), the facts are derived in SQL from the hash's prefix; the hash itself never leaves the server.
// https://www.postgresql.org/docs/current/catalog-pg-authid.html
const roleColumns = `r.oid,
       r.rolname,
       r.rolsuper,
       r.rolinherit,
       r.rolcreaterole,
       r.rolcreatedb,
       r.rolcanlogin,
       r.rolreplication,
       r.rolbypassrls,
       r.rolconnlimit,
       r.rolvaliduntil,
       (r.rolname ~ '^pg_') AS builtin`;

export const rolesSql = `
SELECT ${roleColumns},
       NULL::boolean AS password_set,
       NULL::text AS password_encryption,
       false AS password_readable
  FROM pg_roles r
 ORDER BY r.rolname`;

export const rolesWithPasswordFactsSql = `
SELECT ${roleColumns},
       (a.rolpassword IS NOT NULL) AS password_set,
       CASE WHEN a.rolpassword IS NULL THEN NULL
            WHEN a.rolpassword LIKE 'SCRAM-SHA-256$%' THEN 'scram-sha-256'
            WHEN a.rolpassword ~ '^md5[0-9a-f]{32}$' THEN 'md5'
            ELSE 'plain' END AS password_encryption,
       true AS password_readable
  FROM pg_roles r
  JOIN pg_authid a ON a.oid = r.oid
 ORDER BY r.rolname`;

export const authidReadableSql = `SELECT has_table_privilege('pg_catalog.pg_authid', 'SELECT') AS readable`;

// https://www.postgresql.org/docs/current/catalog-pg-auth-members.html
// inherit_option/set_option exist from 16; before it inheritance was a property of the member role.
export function membershipsSql(versionNum: number): string {
  return `
SELECT g.rolname AS role,
       m.rolname AS member,
       gr.rolname AS grantor,
       am.admin_option,
       ${versionNum >= 160000 ? 'am.inherit_option, am.set_option' : 'm.rolinherit AS inherit_option, true AS set_option'}
  FROM pg_auth_members am
  JOIN pg_roles g ON g.oid = am.roleid
  JOIN pg_roles m ON m.oid = am.member
  LEFT JOIN pg_roles gr ON gr.oid = am.grantor
 ORDER BY 1, 2`;
}

// https://www.postgresql.org/docs/current/runtime-config-connection.html#GUC-PASSWORD-ENCRYPTION
export const authSettingsSql = `
SELECT current_setting('password_encryption') AS password_encryption,
       current_setting('ssl') AS ssl`;

export async function collectRoles(conn: PgConn): Promise<PgRow<'roles'>[]> {
  // rolvaliduntil arrives as an ISO timestamp, or the string 'infinity' (see the timestamptz parser in pool.ts).
  const [check] = await conn.rows<{ readable: boolean }>(authidReadableSql);
  return conn.rows<PgRow<'roles'>>(check?.readable === true ? rolesWithPasswordFactsSql : rolesSql);
}

export async function collectMemberships(conn: PgConn): Promise<PgRow<'memberships'>[]> {
  return conn.rows<PgRow<'memberships'>>(membershipsSql(conn.server.versionNum));
}

export async function collectAuthSettings(conn: PgConn): Promise<PgSection<'auth'>> {
  const [row] = await conn.rows<PgSection<'auth'>>(authSettingsSql);
  return row ?? {};
}
