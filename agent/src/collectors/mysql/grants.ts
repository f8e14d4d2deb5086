import type { MysqlConn } from './connection';
import { str } from './text';

/**
 * Grants below the global level, read from the grant tables rather than SHOW GRANTS: SHOW GRANTS FOR another account
 * needs SELECT on the whole mysql schema (password hashes included) and prints `IDENTIFIED BY PASSWORD '<hash>'`.
 * mysql.db, mysql.tables_priv and the role tables hold no secrets. Global privileges come with the accounts.
 * https://mariadb.com/kb/en/mysql-db-table/
 * https://mariadb.com/kb/en/mysql-tables_priv-table/
 * https://mariadb.com/kb/en/mysql-roles_mapping-table/
 * https://dev.mysql.com/doc/refman/8.0/en/grant-tables.html
 */
export const databaseGrantsSql = 'SELECT * FROM mysql.db ORDER BY User, Host, Db';
export const tableGrantsSql = `SELECT User AS user, Host AS host, Db AS db, Table_name AS table_name,
    Table_priv AS table_priv, Column_priv AS column_priv
  FROM mysql.tables_priv ORDER BY User, Host, Db, Table_name LIMIT 10000`;
export const mariadbRoleGrantsSql = `SELECT User AS user, Host AS host, Role AS role, Admin_option AS admin_option
  FROM mysql.roles_mapping ORDER BY User, Host, Role`;
export const mysql8RoleGrantsSql = `SELECT TO_USER AS user, TO_HOST AS host, FROM_USER AS role, FROM_HOST AS role_host,
    WITH_ADMIN_OPTION AS admin_option
  FROM mysql.role_edges ORDER BY TO_USER, TO_HOST, FROM_USER`;
/** MySQL 8 dynamic privileges (BACKUP_ADMIN, …) live outside mysql.user. */
export const mysql8DynamicGrantsSql = `SELECT USER AS user, HOST AS host, PRIV AS privilege, WITH_GRANT_OPTION AS grant_option
  FROM mysql.global_grants ORDER BY USER, HOST, PRIV`;

export interface GrantRow {
  user: string;
  host: string;
  level: 'global' | 'database' | 'table' | 'role';
  database?: string;
  table?: string;
  role?: string;
  privileges: string[];
  adminOption?: boolean;
}

/** `Select_priv` → `SELECT`, `Create_tmp_table_priv` → `CREATE TMP TABLE` (names as the column says). */
function privilegeName(column: string): string {
  return column.replace(/_priv$/i, '').replace(/_/g, ' ').toUpperCase();
}

export async function collectGrants(conn: MysqlConn): Promise<GrantRow[]> {
  const out: GrantRow[] = [];
  for (const r of await conn.query(databaseGrantsSql)) {
    const privileges = Object.keys(r)
      .filter((k) => /_priv$/i.test(k) && r[k] === 'Y')
      .map(privilegeName);
    out.push({ user: String(r['User']), host: String(r['Host']), level: 'database', database: String(r['Db']), privileges });
  }
  for (const r of await conn.query(tableGrantsSql)) {
    const privileges = [...setList(r['table_priv']), ...setList(r['column_priv']).map((p) => `${p} (columns)`)];
    out.push({
      user: String(r['user']),
      host: String(r['host']),
      level: 'table',
      database: String(r['db']),
      table: String(r['table_name']),
      privileges,
    });
  }
  const mariadb = conn.flavour.kind === 'mariadb';
  for (const r of await conn.query(mariadb ? mariadbRoleGrantsSql : mysql8RoleGrantsSql)) {
    out.push({
      user: String(r['user']),
      host: String(r['host']),
      level: 'role',
      role: String(r['role']),
      privileges: [],
      adminOption: r['admin_option'] === 'Y',
    });
  }
  if (!mariadb) {
    for (const r of await conn.query(mysql8DynamicGrantsSql)) {
      out.push({ user: String(r['user']), host: String(r['host']), level: 'global', privileges: [String(r['privilege'])] });
    }
  }
  return out;
}

/** SET columns arrive as `Select,Insert`. */
function setList(v: unknown): string[] {
  const s = str(v);
  return s ? s.split(',').filter(Boolean).map((p) => p.toUpperCase()) : [];
}
