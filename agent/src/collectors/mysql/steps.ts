import type { CollectorStep } from '../step';
import type { MysqlData } from './sections';
import type { TargetSpec } from '../types';
import { collectAccounts } from './accounts';
import { mariadbAccountsViewSql, MYSQL8_ACCOUNT_COLUMNS } from './check';
import { collectColumns } from './columns';
import type { MysqlConn } from './connection';
import { DIGEST_COUNTERS, DIGEST_KEY, type DigestReader } from './digests';
import { collectConnections, collectGlobalStatus } from './global-status';
import { collectGrants } from './grants';
import { collectIndexes } from './indexes';
import { collectLockWaits } from './lock-waits';
import { collectReplicaStatus } from './replica';
import type { SchemaScope } from './schema-filter';
import { collectSessions } from './sessions';
import { collectSchemaFingerprint } from './schema-fingerprint';
import { collectSchemas, collectTables, tablesWithoutPrimaryKey } from './tables';
import { collectGlobalVariables } from './variables';

export interface MysqlContext {
  conn: MysqlConn;
  target: TargetSpec;
  /** The target's statement digests as last read: each workload collection reads only the rows that moved. */
  digests: DigestReader;
  /** Whether a session's or digest's schema is monitored (the target's `databases`). */
  inScope: SchemaScope;
}

const WHO = "'<monitoring user>'@'<host>'";

/** A privilege granted with one GRANT statement. */
const grant = (privilege: string, on: string) => ({ privilege, fix: () => `GRANT ${privilege} ON ${on} TO ${WHO};` });

/**
 * MySQL 8 and MariaDB 10.5+, in the order they run. A required step's failure fails the collection; an optional
 * one's fix is sent when the server refused it for a privilege (ER_…ACCESS_DENIED…).
 */
export const MYSQL_STEPS: ReadonlyArray<CollectorStep<MysqlContext, void, MysqlData>> = [
  {
    name: 'sessions',
    category: 'runtime',
    required: true,
    ...grant('PROCESS', '*.*'),
    run: async ({ conn, target, inScope }, out) => {
      out.data.sessions = await collectSessions(conn, target, inScope);
    },
  },
  {
    name: 'lock_waits',
    category: 'runtime',
    required: false,
    ...grant('PROCESS', '*.*'),
    run: async ({ conn, target }, out) => {
      out.data.lock_waits = await collectLockWaits(conn, target);
    },
  },
  {
    name: 'connections',
    category: 'runtime',
    required: false,
    run: async ({ conn }, out) => {
      out.data.connections = await collectConnections(conn);
    },
  },
  {
    name: 'replica_status',
    category: 'runtime',
    required: false,
    privilege: 'REPLICATION CLIENT (MariaDB: SLAVE MONITOR)',
    fix: ({ conn }) => `GRANT ${conn.flavour.kind === 'mariadb' ? 'SLAVE MONITOR' : 'REPLICATION CLIENT'} ON *.* TO ${WHO};`,
    run: async ({ conn }, out) => {
      out.data.replica_status = await collectReplicaStatus(conn);
    },
  },
  {
    name: 'global_status',
    category: 'workload',
    required: true,
    run: async ({ conn }, out) => {
      const status = await collectGlobalStatus(conn);
      out.data.global_status = status.counters;
      out.data.status_gauges = status.gauges;
      out.counters.global_status = { key: [], counters: Object.keys(status.counters) };
    },
  },
  {
    name: 'statement_digests',
    category: 'workload',
    required: false,
    ...grant('SELECT', 'performance_schema.*'),
    run: async ({ conn, digests }, out) => {
      out.data.statement_digests = await digests.read(conn);
      // Digests that did not run since the previous collection are not sent: the server skips rows without calls.
      out.counters.statement_digests = { key: DIGEST_KEY, counters: DIGEST_COUNTERS, omitIdleBy: 'calls' };
    },
  },
  {
    name: 'variables',
    category: 'operational',
    required: true,
    run: async ({ conn }, out) => {
      const variables = await collectGlobalVariables(conn);
      out.data.key_variables = variables.key;
      out.data.variables = variables.all;
      out.data.omitted_variables = variables.omitted;
    },
  },
  {
    name: 'accounts',
    category: 'operational',
    required: false,
    privilege: 'SELECT on mysql.user without the password columns (MariaDB: on the logstag accounts view)',
    fix: ({ conn }) =>
      conn.flavour.kind === 'mariadb' ? mariadbAccountsViewSql(WHO) : `GRANT SELECT (${MYSQL8_ACCOUNT_COLUMNS}) ON mysql.user TO ${WHO};`,
    run: async ({ conn }, out) => {
      out.data.accounts = await collectAccounts(conn);
    },
  },
  {
    name: 'grants',
    category: 'operational',
    required: false,
    privilege: 'SELECT on the grant tables',
    fix: ({ conn }) =>
      (conn.flavour.kind === 'mariadb'
        ? ['mysql.db', 'mysql.tables_priv', 'mysql.roles_mapping']
        : ['mysql.db', 'mysql.tables_priv', 'mysql.role_edges', 'mysql.global_grants']
      )
        .map((table) => `GRANT SELECT ON ${table} TO ${WHO};`)
        .join('\n'),
    run: async ({ conn }, out) => {
      out.data.grants = await collectGrants(conn);
    },
  },
  {
    name: 'schema_fingerprint',
    category: 'operational',
    required: false,
    run: async ({ conn, target }, out) => {
      out.data.schema_fingerprint = await collectSchemaFingerprint(conn, target);
    },
  },
  {
    name: 'tables',
    category: 'schema',
    required: true,
    run: async ({ conn, target }, out) => {
      out.data.schemas = await collectSchemas(conn, target);
      const tables = await collectTables(conn, target);
      out.data.tables = tables;
      out.data.tables_without_primary_key = tablesWithoutPrimaryKey(tables);
    },
  },
  {
    name: 'columns',
    category: 'schema',
    required: false,
    run: async ({ conn, target }, out) => {
      out.data.columns = await collectColumns(conn, target);
    },
  },
  {
    name: 'indexes',
    category: 'schema',
    required: false,
    ...grant('SELECT', 'performance_schema.*'),
    run: async ({ conn, target }, out) => {
      out.data.indexes = await collectIndexes(conn, target);
    },
  },
];
