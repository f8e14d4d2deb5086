import type { MysqlConn } from './connection';
import { num, str } from './text';

/**
 * Accounts and their password policy, never the hash. MariaDB 10.4+ keeps accounts as JSON in mysql.global_priv,
 * whose one `Priv` column also holds authentication_string, so granting SELECT on it would hand out every password
 * hash. agent/setup/mysql.sql instead creates the definer view logstag.mariadb_accounts that extracts only the
 * non-secret keys, and the monitoring user reads that. MySQL 8 has real columns in mysql.user, granted column by column.
 * https://mariadb.com/kb/en/mysql-global_priv-table/
 * https://dev.mysql.com/doc/refman/8.0/en/grant-tables.html#grant-tables-user-db
 */
export const MARIADB_ACCOUNTS_VIEW = 'logstag.mariadb_accounts';

// Every column of the view: has_password was added to it later (issue 14), and a view made by an older setup file
// lacks it; the account's password is then "not readable" (null) rather than the whole collection failing.
export const mariadbAccountsSql = `SELECT * FROM ${MARIADB_ACCOUNTS_VIEW} ORDER BY user, host`;

export const mysql8AccountsSql = `SELECT User AS user, Host AS host, plugin, account_locked, password_expired,
    UNIX_TIMESTAMP(password_last_changed) AS password_last_changed, password_lifetime, max_user_connections,
    Select_priv, Insert_priv, Update_priv, Delete_priv, Create_priv, Drop_priv, Reload_priv, Shutdown_priv, Process_priv,
    File_priv, Grant_priv, References_priv, Index_priv, Alter_priv, Show_db_priv, Super_priv, Create_tmp_table_priv,
    Lock_tables_priv, Execute_priv, Repl_slave_priv, Repl_client_priv, Create_view_priv, Show_view_priv,
    Create_routine_priv, Alter_routine_priv, Create_user_priv, Event_priv, Trigger_priv, Create_tablespace_priv
  FROM mysql.user ORDER BY User, Host`;

/** MySQL 8's mysql.user column → privilege name, for the columns granted in agent/setup/mysql.sql. */
export const MYSQL8_PRIV_COLUMNS: Record<string, string> = {
  Select_priv: 'SELECT', Insert_priv: 'INSERT', Update_priv: 'UPDATE', Delete_priv: 'DELETE', Create_priv: 'CREATE',
  Drop_priv: 'DROP', Reload_priv: 'RELOAD', Shutdown_priv: 'SHUTDOWN', Process_priv: 'PROCESS', File_priv: 'FILE',
  Grant_priv: 'GRANT OPTION', References_priv: 'REFERENCES', Index_priv: 'INDEX', Alter_priv: 'ALTER',
  Show_db_priv: 'SHOW DATABASES', Super_priv: 'SUPER', Create_tmp_table_priv: 'CREATE TEMPORARY TABLES',
  Lock_tables_priv: 'LOCK TABLES', Execute_priv: 'EXECUTE', Repl_slave_priv: 'REPLICATION SLAVE',
  Repl_client_priv: 'REPLICATION CLIENT', Create_view_priv: 'CREATE VIEW', Show_view_priv: 'SHOW VIEW',
  Create_routine_priv: 'CREATE ROUTINE', Alter_routine_priv: 'ALTER ROUTINE', Create_user_priv: 'CREATE USER',
  Event_priv: 'EVENT', Trigger_priv: 'TRIGGER', Create_tablespace_priv: 'CREATE TABLESPACE',
};

/**
 * MariaDB's `access` bitmask, bit by bit (privilege.h of 10.5+; the mysql.user view decodes bits 0–29 the same way).
 * https://github.com/MariaDB/server/blob/10.11/sql/privilege.h
 */
export const MARIADB_ACCESS_BITS = [
  'SELECT', 'INSERT', 'UPDATE', 'DELETE', 'CREATE', 'DROP', 'RELOAD', 'SHUTDOWN', 'PROCESS', 'FILE', 'GRANT OPTION',
  'REFERENCES', 'INDEX', 'ALTER', 'SHOW DATABASES', 'SUPER', 'CREATE TEMPORARY TABLES', 'LOCK TABLES', 'EXECUTE',
  'REPLICATION SLAVE', 'BINLOG MONITOR', 'CREATE VIEW', 'SHOW VIEW', 'CREATE ROUTINE', 'ALTER ROUTINE', 'CREATE USER',
  'EVENT', 'TRIGGER', 'CREATE TABLESPACE', 'DELETE HISTORY', 'SET USER', 'FEDERATED ADMIN', 'CONNECTION ADMIN',
  'READ_ONLY ADMIN', 'REPLICATION SLAVE ADMIN', 'REPLICATION MASTER ADMIN', 'BINLOG ADMIN', 'BINLOG REPLAY',
  'SLAVE MONITOR',
] as const;

export function decodeMariadbAccess(access: unknown): string[] {
  if (access === null || access === undefined || access === '') return [];
  let mask: bigint;
  try {
    mask = BigInt(String(access));
  } catch {
    return [];
  }
  const known = (1n << BigInt(MARIADB_ACCESS_BITS.length)) - 1n;
  if ((mask & known) === known) return ['ALL PRIVILEGES'];
  return MARIADB_ACCESS_BITS.filter((_, bit) => (mask >> BigInt(bit)) & 1n);
}

export interface AccountRow {
  user: string;
  host: string;
  isRole: boolean;
  plugin: string | null;
  accountLocked: boolean;
  passwordExpired: boolean;
  /** Days; null = the server default (default_password_lifetime), 0 = never expires. */
  passwordLifetimeDays: number | null;
  passwordLastChanged: string | null;
  maxUserConnections: number | null;
  globalPrivileges: string[];
  defaultRole?: string | null;
  /**
   * Whether the account has a password (issue 14's account facts). MariaDB: from the view's has_password; null when the
   * view predates it. MySQL 8: null, not readable: it is in authentication_string, which the monitoring user is not
   * granted (the column holds the hash).
   */
  hasPassword: boolean | null;
  /** Global WITH GRANT OPTION (database- and table-level grant options are in the grants, as GRANT). */
  grantOption: boolean;
}

function epochToIso(v: unknown): string | null {
  const n = num(v);
  return n ? new Date(n * 1000).toISOString() : null;
}

/** MariaDB's ALL PRIVILEGES (every bit, decoded as one) includes GRANT OPTION. */
const grantOptionOf = (privileges: readonly string[]) => privileges.includes('GRANT OPTION') || privileges.includes('ALL PRIVILEGES');

function yes(v: unknown): boolean {
  return v === true || v === 1 || v === 'Y' || v === 'true' || v === '1';
}

export async function collectAccounts(conn: MysqlConn): Promise<AccountRow[]> {
  return conn.flavour.kind === 'mariadb' ? collectMariadbAccounts(conn) : collectMysql8Accounts(conn);
}

async function collectMariadbAccounts(conn: MysqlConn): Promise<AccountRow[]> {
  const rows = await conn.query(mariadbAccountsSql);
  return rows.map((r) => {
    const lastChanged = num(r['password_last_changed']);
    return {
      user: String(r['user']),
      host: String(r['host']),
      isRole: yes(r['is_role']),
      plugin: str(r['plugin']),
      accountLocked: yes(r['account_locked']),
      // MariaDB marks an expired password by password_last_changed = 0.
      passwordExpired: lastChanged === 0,
      passwordLifetimeDays: num(r['password_lifetime']),
      passwordLastChanged: epochToIso(lastChanged),
      maxUserConnections: num(r['max_user_connections']),
      globalPrivileges: decodeMariadbAccess(r['access']),
      defaultRole: str(r['default_role']),
      hasPassword: 'has_password' in r && r['has_password'] !== null ? yes(r['has_password']) : null,
      grantOption: grantOptionOf(decodeMariadbAccess(r['access'])),
    };
  });
}

async function collectMysql8Accounts(conn: MysqlConn): Promise<AccountRow[]> {
  const rows = await conn.query(mysql8AccountsSql);
  return rows.map((r) => ({
    user: String(r['user']),
    host: String(r['host']),
    isRole: false,
    plugin: str(r['plugin']),
    accountLocked: yes(r['account_locked']),
    passwordExpired: yes(r['password_expired']),
    passwordLifetimeDays: num(r['password_lifetime']),
    passwordLastChanged: epochToIso(r['password_last_changed']),
    maxUserConnections: num(r['max_user_connections']),
    globalPrivileges: Object.entries(MYSQL8_PRIV_COLUMNS)
      .filter(([col]) => yes(r[col]))
      .map(([, priv]) => priv),
    hasPassword: null,
    grantOption: yes(r['Grant_priv']),
  }));
}

