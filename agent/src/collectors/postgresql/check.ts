import type { CheckResult, TargetSpec } from '../types';
import { hasSqlState, quoteIdent } from './failure';
import type { PgConn, TargetPool } from './pool';
import { MISSING_EXTENSION_FIX } from './statements';

export const MIN_VERSION_NUM = 120000;

export interface CheckOptions {
  statementsEnabled: boolean;
  includeDatabase: (name: string) => boolean;
}

/** Runs every check it can; a failed connection ends the list with the reason. Never throws. */
export async function runChecks(target: TargetSpec, pool: TargetPool, options: CheckOptions): Promise<CheckResult[]> {
  try {
    return await pool.use(undefined, async (conn) => {
      const results: CheckResult[] = [
        { check: 'reachable', ok: true, detail: `${where(target)} answered: PostgreSQL ${conn.server.version}` },
        { check: 'authentication', ok: true, detail: `logged in as ${conn.server.currentUser} to database ${conn.server.database}` },
        checkVersion(conn),
      ];
      const steps: Array<() => Promise<CheckResult[]>> = [
        async () => [await checkMonitorRole(conn)],
        async () => (options.statementsEnabled ? checkStatements(conn) : []),
        async () => checkDatabases(conn, target, options.includeDatabase),
      ];
      for (const step of steps) {
        try {
          results.push(...(await step()));
        } catch (error) {
          results.push({ check: 'query', ok: false, detail: `a check query failed: ${messageOf(error)}` });
        }
      }
      return results;
    });
  } catch (error) {
    return describeConnectFailure(error, target);
  }
}

function checkVersion(conn: PgConn): CheckResult {
  const ok = conn.server.versionNum >= MIN_VERSION_NUM;
  return {
    check: 'version',
    ok,
    detail: ok
      ? `PostgreSQL ${conn.server.version} (server_version_num ${conn.server.versionNum})`
      : `PostgreSQL ${conn.server.version} is older than 12, the oldest version the agent supports`,
  };
}

// pg_monitor (10+) bundles pg_read_all_settings, pg_read_all_stats and pg_stat_scan_tables. USAGE, not mere
// membership: a NOINHERIT role holding pg_monitor does not get its privileges without SET ROLE.
const monitorRoleSql = `
SELECT (SELECT rolsuper FROM pg_roles WHERE rolname = current_user) AS is_superuser,
       pg_has_role(current_user, 'pg_monitor', 'USAGE') AS has_pg_monitor`;

async function checkMonitorRole(conn: PgConn): Promise<CheckResult> {
  const [row] = await conn.rows<{ is_superuser: boolean; has_pg_monitor: boolean }>(monitorRoleSql);
  if (row?.is_superuser) {
    return { check: 'privilege:pg_monitor', ok: true, detail: `${conn.server.currentUser} is a superuser (a role with only pg_monitor is enough and safer)` };
  }
  if (row?.has_pg_monitor) return { check: 'privilege:pg_monitor', ok: true, detail: `${conn.server.currentUser} has the privileges of pg_monitor` };
  return {
    check: 'privilege:pg_monitor',
    ok: false,
    detail: `${conn.server.currentUser} lacks pg_monitor: other sessions' queries, replication and settings stay hidden`,
    fix: `GRANT pg_monitor TO ${quoteIdent(conn.server.currentUser)};`,
  };
}

const statementsExtensionSql = `
SELECT n.nspname AS schema
  FROM pg_extension e JOIN pg_namespace n ON n.oid = e.extnamespace
 WHERE e.extname = 'pg_stat_statements'`;

async function checkStatements(conn: PgConn): Promise<CheckResult[]> {
  const [extension] = await conn.rows<{ schema: string }>(statementsExtensionSql);
  const results: CheckResult[] = [];
  if (!extension) {
    results.push({
      check: 'extension:pg_stat_statements',
      ok: false,
      detail: `pg_stat_statements is not installed in database ${conn.server.database}: no per-query statistics`,
      fix: MISSING_EXTENSION_FIX.replace('CREATE EXTENSION', 'CREATE EXTENSION IF NOT EXISTS'),
    });
  } else {
    results.push({ check: 'extension:pg_stat_statements', ok: true, detail: `installed in schema ${extension.schema}` });
  }
  results.push(await checkPreloaded(conn, extension?.schema));
  return results;
}

/**
 * The extension only collects when its library was loaded at server start. Reading shared_preload_libraries needs
 * pg_read_all_settings; when the extension exists a one-row probe of the view is the direct proof either way.
 */
async function checkPreloaded(conn: PgConn, schema: string | undefined): Promise<CheckResult> {
  let libraries: string | null = null;
  try {
    const [row] = await conn.rows<{ libraries: string }>("SELECT current_setting('shared_preload_libraries') AS libraries");
    libraries = row?.libraries ?? '';
  } catch (error) {
    if (!hasSqlState(error)) throw error;
  }
  const listed = libraries === null ? null : libraries.split(',').map((l) => l.trim().replace(/^"|"$/g, '')).includes('pg_stat_statements');
  let loaded = listed;
  if (schema !== undefined) {
    try {
      await conn.rows(`SELECT 1 FROM ${quoteIdent(schema)}.pg_stat_statements(false) LIMIT 1`);
      loaded = true;
    } catch (error) {
      if (hasSqlState(error) && error.code === '55000') loaded = false;
      else if (!hasSqlState(error)) throw error;
    }
  }
  if (loaded === true) return { check: 'preload:pg_stat_statements', ok: true, detail: 'pg_stat_statements is in shared_preload_libraries' };
  const newList = libraries ? `${libraries}, pg_stat_statements` : 'pg_stat_statements';
  return {
    check: 'preload:pg_stat_statements',
    ok: false,
    detail:
      loaded === false
        ? 'shared_preload_libraries does not include pg_stat_statements (a server restart is needed after changing it)'
        : 'cannot read shared_preload_libraries (needs pg_monitor) to confirm pg_stat_statements is preloaded',
    fix: loaded === false ? `ALTER SYSTEM SET shared_preload_libraries = '${newList.replaceAll("'", "''")}';` : `GRANT pg_monitor TO ${quoteIdent(conn.server.currentUser)};`,
  };
}

const databasesSql = `
SELECT datname, datallowconn, datistemplate, has_database_privilege(oid, 'CONNECT') AS can_connect
  FROM pg_database
 ORDER BY datname`;

/** CONNECT on every monitored database: per-database collectors (schema, vacuum state) visit each of them. */
async function checkDatabases(conn: PgConn, target: TargetSpec, includeDatabase: (name: string) => boolean): Promise<CheckResult[]> {
  const rows = await conn.rows<{ datname: string; datallowconn: boolean; datistemplate: boolean; can_connect: boolean }>(databasesSql);
  const results: CheckResult[] = [];
  for (const row of rows) {
    if (row.datistemplate || !row.datallowconn || !includeDatabase(row.datname)) continue;
    results.push(
      row.can_connect
        ? { check: `connect:${row.datname}`, ok: true, detail: `${conn.server.currentUser} may connect to ${row.datname}` }
        : {
            check: `connect:${row.datname}`,
            ok: false,
            detail: `${conn.server.currentUser} has no CONNECT privilege on database ${row.datname}`,
            fix: `GRANT CONNECT ON DATABASE ${quoteIdent(row.datname)} TO ${quoteIdent(conn.server.currentUser)};`,
          },
    );
  }
  const existing = new Set(rows.map((r) => r.datname));
  for (const name of target.databases.include) {
    if (/[*?]/.test(name) || existing.has(name)) continue;
    results.push({ check: `connect:${name}`, ok: false, detail: `database ${name} listed in databases.include does not exist` });
  }
  return results;
}

function where(target: TargetSpec): string {
  return target.socket ? `socket ${target.socket}` : `${target.host ?? 'localhost'}:${target.port ?? 5432}`;
}

function messageOf(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}

/** Node's network error codes, also looked for inside the AggregateError of a multi-address connect. */
function networkCode(error: unknown): string | undefined {
  const code = (error as { code?: unknown } | null)?.code;
  if (typeof code === 'string') return code;
  if (error instanceof AggregateError) return error.errors.map(networkCode).find((c) => c !== undefined);
  return undefined;
}

/** Turns a failed connection into checks a person can act on. Credentials never appear in these messages. */
export function describeConnectFailure(error: unknown, target: TargetSpec): CheckResult[] {
  const at = where(target);
  const reachable = (detail: string): CheckResult => ({ check: 'reachable', ok: true, detail });
  if (hasSqlState(error)) {
    const answered = reachable(`${at} answered`);
    switch (error.code) {
      case '28P01':
        return [answered, { check: 'authentication', ok: false, detail: `password authentication failed for user ${target.user ?? '(default)'}: check the password reference in the target's config` }];
      case '28000':
        return [answered, { check: 'authentication', ok: false, detail: `the server refused the login: ${error.message} (pg_hba.conf or role)` }];
      case '3D000':
        return [answered, { check: 'authentication', ok: true, detail: 'credentials accepted' }, { check: 'database', ok: false, detail: error.message }];
      case '53300':
        return [answered, { check: 'connections', ok: false, detail: `no connection slot left: ${error.message}` }];
      case '57P03':
        return [answered, { check: 'available', ok: false, detail: `the server is not accepting connections yet: ${error.message}` }];
      default:
        return [answered, { check: 'authentication', ok: false, detail: `${error.code}: ${error.message}` }];
    }
  }
  const code = networkCode(error);
  const message = messageOf(error);
  let detail: string;
  if (code === 'ECONNREFUSED') detail = `connection refused by ${at}: nothing is listening there (is PostgreSQL running, are host, port and listen_addresses right?)`;
  else if (code === 'ENOTFOUND' || code === 'EAI_AGAIN' || code === 'EAI_NONAME') detail = `host name ${target.host ?? ''} does not resolve (DNS lookup failed: ${code})`;
  else if (code === 'ETIMEDOUT' || /timeout/i.test(message)) detail = `no answer from ${at} in time (firewall, wrong address or an overloaded server)`;
  else if (code === 'EHOSTUNREACH' || code === 'ENETUNREACH') detail = `${at} is unreachable from this host (${code}: routing or firewall)`;
  else if (code === 'ENOENT' && target.socket) detail = `no PostgreSQL socket at ${target.socket}`;
  else if (/ssl|tls|certificate/i.test(`${code ?? ''} ${message}`)) return [reachable(`${at} answered`), { check: 'tls', ok: false, detail: `TLS handshake failed: ${message}` }];
  else detail = `cannot connect to ${at}: ${code ? `${code}: ` : ''}${message}`;
  return [{ check: 'reachable', ok: false, detail }];
}
