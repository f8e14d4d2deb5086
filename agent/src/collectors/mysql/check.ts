import type { CheckResult, TargetSpec } from '../types';
import type { MysqlConn, MysqlConnections } from './connection';
import { versionAtLeast } from './connection';
import { MARIADB_ACCOUNTS_VIEW, mariadbAccountsSql, mysql8AccountsSql } from './accounts';
import { asMysqlError, describeConnectError } from './errors';
import { replicaStatusSql } from './replica';

/** The account as the server authenticated it (`user@host`), quoted for a GRANT statement. */
async function grantee(conn: MysqlConn): Promise<string> {
  const [row] = await conn.query('SELECT CURRENT_USER() AS u');
  const u = String(row?.['u'] ?? 'logstag_monitor@%');
  const at = u.lastIndexOf('@');
  return `'${u.slice(0, at)}'@'${u.slice(at + 1)}'`;
}

/** Runs a probe query; returns the error message when it is refused. */
async function probe(conn: MysqlConn, sql: string): Promise<string | null> {
  try {
    await conn.query(sql);
    return null;
  } catch (err) {
    const e = asMysqlError(err);
    return `${e.code ?? 'error'}: ${e.message}`;
  }
}

function where(target: TargetSpec): string {
  return target.socket ?? `${target.host ?? '127.0.0.1'}:${target.port ?? 3306}`;
}

/** The view agent/setup/mysql.sql creates on MariaDB; repeated here so a failed check prints a runnable fix. */
export function mariadbAccountsViewSql(who: string): string {
  return [
    'CREATE DATABASE IF NOT EXISTS logstag;',
    `CREATE OR REPLACE SQL SECURITY DEFINER VIEW ${MARIADB_ACCOUNTS_VIEW} AS SELECT User AS user, Host AS host,`,
    "  JSON_VALUE(Priv, '$.plugin') AS plugin, JSON_VALUE(Priv, '$.access') AS access,",
    "  JSON_VALUE(Priv, '$.account_locked') AS account_locked, JSON_VALUE(Priv, '$.password_last_changed') AS password_last_changed,",
    "  JSON_VALUE(Priv, '$.password_lifetime') AS password_lifetime, JSON_VALUE(Priv, '$.is_role') AS is_role,",
    "  JSON_VALUE(Priv, '$.default_role') AS default_role, JSON_VALUE(Priv, '$.max_user_connections') AS max_user_connections,",
    "  JSON_VALUE(Priv, '$.max_statement_time') AS max_statement_time,",
    "  IFNULL(JSON_VALUE(Priv, '$.authentication_string'), '') <> '' AS has_password FROM mysql.global_priv;",
    `GRANT SELECT ON ${MARIADB_ACCOUNTS_VIEW} TO ${who};`,
  ].join('\n');
}

export const MYSQL8_ACCOUNT_COLUMNS =
  'User, Host, plugin, account_locked, password_expired, password_last_changed, password_lifetime, max_user_connections, ' +
  'Select_priv, Insert_priv, Update_priv, Delete_priv, Create_priv, Drop_priv, Reload_priv, Shutdown_priv, Process_priv, ' +
  'File_priv, Grant_priv, References_priv, Index_priv, Alter_priv, Show_db_priv, Super_priv, Create_tmp_table_priv, ' +
  'Lock_tables_priv, Execute_priv, Repl_slave_priv, Repl_client_priv, Create_view_priv, Show_view_priv, ' +
  'Create_routine_priv, Alter_routine_priv, Create_user_priv, Event_priv, Trigger_priv, Create_tablespace_priv';

/**
 * Everything the collectors need, probed with the statements they run (a probe is exact where parsing SHOW GRANTS is
 * not: roles, wildcards and partial revokes all count). Never throws: every failure becomes a failed check with a fix.
 */
export async function checkMysql(connections: MysqlConnections, target: TargetSpec): Promise<CheckResult[]> {
  const results: CheckResult[] = [];
  try {
    await connections.withConnection(async (conn) => {
      results.push({ check: 'reachable', ok: true, detail: `connected to ${where(target)}` });
      results.push({ check: 'authentication', ok: true, detail: `logged in as ${target.user ?? '(default user)'}` });
      results.push(...(await checkWithConnection(conn)));
    });
  } catch (err) {
    const { check, detail } = describeConnectError(err, where(target));
    if (check === 'authentication') {
      results.push({ check: 'reachable', ok: true, detail: `${where(target)} answers` });
      results.push({
        check: 'authentication',
        ok: false,
        detail,
        fix: `Check the password reference for target ${target.name}, or (re)create the user with agent/setup/mysql.sql: ALTER USER '${target.user ?? 'logstag_monitor'}'@'%' IDENTIFIED BY '<password>';`,
      });
    } else if (results.length === 0) {
      results.push({ check: 'reachable', ok: false, detail });
    } else {
      results.push({ check: 'connection', ok: false, detail: `lost the connection during checks: ${asMysqlError(err).message}` });
    }
  }
  return results;
}

async function checkWithConnection(conn: MysqlConn): Promise<CheckResult[]> {
  const out: CheckResult[] = [];
  const f = conn.flavour;
  const mariadb = f.kind === 'mariadb';
  const supported = mariadb ? versionAtLeast(f, 10, 5) : versionAtLeast(f, 8, 0);
  out.push({
    check: 'version',
    ok: supported,
    detail: `${mariadb ? 'MariaDB' : 'MySQL'} ${f.version}${supported ? '' : ' is not supported (MariaDB 10.5+ or MySQL 8.0+)'}`,
    ...(supported ? {} : { fix: 'Upgrade the server to MariaDB 10.11 / MySQL 8.0 or later.' }),
  });
  const who = await grantee(conn);

  const processErr = await probe(conn, 'SELECT COUNT(*) FROM information_schema.INNODB_TRX');
  out.push({
    check: 'privilege:PROCESS',
    ok: processErr === null,
    detail: processErr ?? 'sees all sessions and InnoDB transactions',
    ...(processErr ? { fix: `GRANT PROCESS ON *.* TO ${who};` } : {}),
  });

  // MariaDB 10.5.9 split SHOW SLAVE STATUS off REPLICATION CLIENT (now an alias of BINLOG MONITOR) into SLAVE MONITOR.
  const replicaPriv = mariadb && versionAtLeast(f, 10, 5, 9) ? 'SLAVE MONITOR' : 'REPLICATION CLIENT';
  const replicaErr = await probe(conn, replicaStatusSql(f));
  out.push({
    check: `privilege:${replicaPriv}`,
    ok: replicaErr === null,
    detail: replicaErr ?? 'can read replica status',
    ...(replicaErr ? { fix: `GRANT ${replicaPriv} ON *.* TO ${who};` } : {}),
  });

  const psErr =
    (await probe(conn, 'SELECT 1 FROM performance_schema.events_statements_summary_by_digest LIMIT 0')) ??
    (await probe(conn, 'SELECT 1 FROM performance_schema.table_io_waits_summary_by_index_usage LIMIT 0')) ??
    (await probe(conn, 'SELECT 1 FROM performance_schema.setup_consumers LIMIT 0'));
  out.push({
    check: 'privilege:SELECT performance_schema',
    ok: psErr === null,
    detail: psErr ?? 'can read performance_schema',
    ...(psErr ? { fix: `GRANT SELECT ON performance_schema.* TO ${who};` } : {}),
  });

  const accountsErr = await probe(conn, `SELECT * FROM (${mariadb ? mariadbAccountsSql : mysql8AccountsSql}) a LIMIT 0`);
  out.push({
    check: mariadb ? `privilege:SELECT ${MARIADB_ACCOUNTS_VIEW}` : 'privilege:SELECT mysql.user columns',
    ok: accountsErr === null,
    detail: accountsErr ?? 'can read accounts without password hashes',
    ...(accountsErr
      ? { fix: mariadb ? mariadbAccountsViewSql(who) : `GRANT SELECT (${MYSQL8_ACCOUNT_COLUMNS}) ON mysql.user TO ${who};` }
      : {}),
  });

  const grantTables = mariadb
    ? ['mysql.db', 'mysql.tables_priv', 'mysql.roles_mapping']
    : ['mysql.db', 'mysql.tables_priv', 'mysql.role_edges', 'mysql.global_grants'];
  const missingGrantTables: string[] = [];
  for (const table of grantTables) if (await probe(conn, `SELECT 1 FROM ${table} LIMIT 0`)) missingGrantTables.push(table);
  out.push({
    check: 'privilege:SELECT grant tables',
    ok: missingGrantTables.length === 0,
    detail: missingGrantTables.length ? `cannot read ${missingGrantTables.join(', ')}` : `can read ${grantTables.join(', ')}`,
    ...(missingGrantTables.length
      ? { fix: missingGrantTables.map((t) => `GRANT SELECT ON ${t} TO ${who};`).join('\n') }
      : {}),
  });

  // information_schema lists only objects the account holds some privilege on. REFERENCES reads no rows and shows
  // tables, columns and indexes; SHOW VIEW shows tables and indexes but not columns.
  const globalPrivs = (
    await conn.query(
      `SELECT PRIVILEGE_TYPE AS p FROM information_schema.USER_PRIVILEGES WHERE GRANTEE = ?`,
      [who],
    )
  ).map((r) => String(r['p']));
  const seesCatalog = globalPrivs.some((p) => p === 'SELECT' || p === 'REFERENCES');
  out.push({
    check: 'privilege:REFERENCES',
    ok: seesCatalog,
    detail: seesCatalog
      ? 'information_schema lists every table with its columns and indexes'
      : globalPrivs.includes('SHOW VIEW')
        ? 'with SHOW VIEW alone, information_schema lists tables but hides their columns from this account'
        : 'without a global privilege on tables, information_schema hides tables, columns and indexes from this account',
    ...(seesCatalog ? {} : { fix: `GRANT REFERENCES ON *.* TO ${who};` }),
  });

  const [ps] = await conn.query('SELECT @@GLOBAL.performance_schema AS on_');
  const psOn = Number(ps?.['on_']) === 1;
  out.push({
    check: 'setting:performance_schema',
    ok: psOn,
    detail: psOn ? 'performance_schema is ON' : 'performance_schema is OFF: no statement digests or index usage',
    ...(psOn ? {} : { fix: 'Add `performance_schema = ON` under [mysqld] in my.cnf and restart the server (not dynamic).' }),
  });
  if (psOn && psErr === null) {
    const consumers = await conn.query(
      `SELECT NAME AS name, ENABLED AS enabled FROM performance_schema.setup_consumers
       WHERE NAME IN ('global_instrumentation', 'thread_instrumentation', 'statements_digest')`,
    );
    const off = consumers.filter((r) => r['enabled'] !== 'YES').map((r) => String(r['name']));
    out.push({
      check: 'setting:statements_digest consumer',
      ok: off.length === 0,
      detail: off.length ? `disabled consumers: ${off.join(', ')}` : 'statement digests are collected',
      ...(off.length
        ? {
            fix:
              `UPDATE performance_schema.setup_consumers SET ENABLED = 'YES' WHERE NAME IN (${off.map((n) => `'${n}'`).join(', ')});` +
              ` -- and to keep it across restarts, in my.cnf [mysqld]: ${off.map((n) => `performance_schema_consumer_${n} = ON`).join(', ')}`,
          }
        : {}),
    });
  }
  return out;
}
