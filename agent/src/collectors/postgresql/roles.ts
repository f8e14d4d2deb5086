import type { PgConn } from './pool';
import type { PgRow, PgSection } from './sections';

// https://www.postgresql.org/docs/current/view-pg-roles.html
// pg_roles, never pg_authid: the agent must not be able to read password hashes even by mistake. The price is that
// pg_roles shows '********' for every role, so whether a password is set is not knowable here (password_set: null).
export const rolesSql = `
SELECT r.oid,
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
       NULL::boolean AS password_set,
       (r.rolname ~ '^pg_') AS builtin
  FROM pg_roles r
 ORDER BY r.rolname`;

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
  return conn.rows<PgRow<'roles'>>(rolesSql);
}

export async function collectMemberships(conn: PgConn): Promise<PgRow<'memberships'>[]> {
  return conn.rows<PgRow<'memberships'>>(membershipsSql(conn.server.versionNum));
}

export async function collectAuthSettings(conn: PgConn): Promise<PgSection<'auth'>> {
  const [row] = await conn.rows<PgSection<'auth'>>(authSettingsSql);
  return row ?? {};
}
