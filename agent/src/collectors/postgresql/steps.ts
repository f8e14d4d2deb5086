import type { CollectorStep } from '../step';
import { activitySql, collectActivity, type QueryTextOptions } from './activity';
import { collectBgwriter, numericCounters } from './bgwriter';
import { collectColumns } from './columns';
import { collectConnections, connectionsSql } from './connections';
import { collectConstraints, collectForeignKeys } from './constraints';
import { collectDatabaseStats, databaseStatsCounters } from './database-stats';
import { collectDatabases } from './databases';
import { collectExtensions } from './extensions';
import { quoteIdent } from './failure';
import { collectIndexes } from './indexes';
import { collectIndexUsage } from './index-usage';
import { collectSchemaFingerprint } from './schema-fingerprint';
import { collectLockWaits, lockWaitsSql } from './locks';
import type { PgConn } from './pool';
import type { PgRow, PostgresqlData } from './sections';
import { collectDatabasePrivileges, collectSchemaPrivileges, collectTablePrivileges } from './privileges';
import {
  collectRecovery,
  collectReplication,
  collectReplicationSlots,
  recoverySql,
  replicationSlotsSql,
  replicationSql,
} from './replication';
import { collectAuthSettings, collectMemberships, collectRoles } from './roles';
import { collectSchemas } from './schemas';
import { collectSequences } from './sequences';
import { collectSettings } from './settings';
import type { StatementsCollector } from './statements';
import { collectTableMaintenance } from './table-maintenance';
import { collectTables } from './tables';
import { collectArchiver, collectWal } from './wal';

/** A cluster-wide step's view of the target: the primary database's session and the target's options. */
export interface PostgresqlContext {
  conn: PgConn;
  includeDatabase: (name: string) => boolean;
  text: QueryTextOptions;
  /** Remembers the statement texts already sent (see statements.ts). */
  statements: StatementsCollector;
}

/** A per-database step's view: a session on that database. */
export interface PostgresqlDatabaseContext {
  conn: PgConn;
  datname: string;
}

export interface PostgresqlStep extends CollectorStep<PostgresqlContext, void, PostgresqlData> {
  /** The step's one statement, sent ahead with the category's others in one round trip (see prefetch.ts). */
  prefetch?: (versionNum: number) => string;
}

/** pg_monitor holds pg_read_all_stats, pg_read_all_settings and pg_stat_scan_tables: what every step may need. */
const PG_MONITOR = { privilege: 'pg_monitor', fix: () => 'GRANT pg_monitor TO <monitoring user>;' } as const;

/**
 * The cluster-wide steps, on the primary database's session. Each fills the payload section of its name, except
 * `locks` (lock_waits and blocking_tree) and `bgwriter` (bgwriter and checkpointer). `statements` is also disabled by
 * the name users know it by, `pg_stat_statements`. Required: without them the payload says nothing useful.
 */
export const POSTGRESQL_STEPS: readonly PostgresqlStep[] = [
  {
    name: 'sessions',
    category: 'runtime',
    required: true,
    ...PG_MONITOR,
    prefetch: activitySql,
    run: async ({ conn, includeDatabase, text }, out) => {
      out.data.sessions = await collectActivity(conn, includeDatabase, text);
    },
  },
  {
    name: 'locks',
    category: 'runtime',
    required: false,
    ...PG_MONITOR,
    prefetch: lockWaitsSql,
    run: async ({ conn }, out) => {
      const locks = await collectLockWaits(conn);
      out.data.lock_waits = locks.lock_waits;
      out.data.blocking_tree = locks.blocking_tree;
    },
  },
  {
    name: 'connections',
    category: 'runtime',
    required: true,
    ...PG_MONITOR,
    prefetch: connectionsSql,
    run: async ({ conn }, out) => {
      out.data.connections = await collectConnections(conn);
    },
  },
  {
    name: 'replication',
    category: 'runtime',
    required: false,
    ...PG_MONITOR,
    prefetch: () => replicationSql,
    run: async ({ conn }, out) => {
      out.data.replication = await collectReplication(conn);
    },
  },
  {
    name: 'replication_slots',
    category: 'runtime',
    required: false,
    ...PG_MONITOR,
    prefetch: replicationSlotsSql,
    run: async ({ conn }, out) => {
      out.data.replication_slots = await collectReplicationSlots(conn);
    },
  },
  {
    name: 'recovery',
    category: 'runtime',
    required: false,
    ...PG_MONITOR,
    prefetch: () => recoverySql,
    run: async ({ conn }, out) => {
      out.data.recovery = await collectRecovery(conn);
    },
  },
  {
    name: 'database_stats',
    category: 'workload',
    required: true,
    ...PG_MONITOR,
    run: async ({ conn, includeDatabase }, out) => {
      out.data.database_stats = await collectDatabaseStats(conn, includeDatabase);
      out.counters.database_stats = databaseStatsCounters(conn.server.versionNum);
    },
  },
  {
    name: 'statements',
    category: 'workload',
    required: false,
    ...PG_MONITOR,
    run: async ({ conn, includeDatabase, text, statements }, out) => {
      const collected = await statements.collect(conn, includeDatabase, text);
      out.data.statements = collected.rows;
      out.counters.statements = collected.counters;
      if (collected.hidden > 0) {
        out.report({
          collector: 'statements',
          code: 'insufficient_privilege',
          message: `${collected.hidden} statements of other users are hidden from ${conn.server.currentUser}`,
          fix: `GRANT pg_monitor TO ${quoteIdent(conn.server.currentUser)};`,
        });
      }
    },
  },
  {
    name: 'bgwriter',
    category: 'workload',
    required: false,
    ...PG_MONITOR,
    run: async ({ conn }, out) => {
      const stats = await collectBgwriter(conn);
      out.data.bgwriter = stats.bgwriter;
      out.data.checkpointer = stats.checkpointer;
      out.counters.bgwriter = numericCounters(stats.bgwriter);
      out.counters.checkpointer = numericCounters(stats.checkpointer);
    },
  },
  {
    name: 'wal',
    category: 'workload',
    required: false,
    ...PG_MONITOR,
    run: async ({ conn }, out) => {
      const wal = await collectWal(conn);
      out.data.wal = wal;
      out.counters.wal = numericCounters(wal);
    },
  },
  {
    name: 'archiver',
    category: 'workload',
    required: false,
    ...PG_MONITOR,
    run: async ({ conn }, out) => {
      const archiver = await collectArchiver(conn);
      out.data.archiver = archiver;
      out.counters.archiver = numericCounters(archiver);
    },
  },
  {
    name: 'settings',
    category: 'operational',
    required: true,
    ...PG_MONITOR,
    run: async ({ conn }, out) => {
      out.data.settings = await collectSettings(conn);
    },
  },
  {
    name: 'roles',
    category: 'operational',
    required: false,
    ...PG_MONITOR,
    run: async ({ conn }, out) => {
      out.data.roles = await collectRoles(conn);
    },
  },
  {
    name: 'memberships',
    category: 'operational',
    required: false,
    ...PG_MONITOR,
    run: async ({ conn }, out) => {
      out.data.memberships = await collectMemberships(conn);
    },
  },
  {
    name: 'auth',
    category: 'operational',
    required: false,
    ...PG_MONITOR,
    run: async ({ conn }, out) => {
      out.data.auth = await collectAuthSettings(conn);
    },
  },
  {
    name: 'databases',
    category: 'operational',
    required: true,
    ...PG_MONITOR,
    run: async ({ conn, includeDatabase }, out) => {
      out.data.databases = await collectDatabases(conn, includeDatabase);
    },
  },
  {
    name: 'database_privileges',
    category: 'operational',
    required: false,
    ...PG_MONITOR,
    run: async ({ conn, includeDatabase }, out) => {
      out.data.database_privileges = await collectDatabasePrivileges(conn, includeDatabase);
    },
  },
];

/** The per-database sections: lists of rows, each row tagged with the database it came from. */
type PerDatabaseSection = 'extensions' | 'table_maintenance' | 'index_usage' | 'schema_fingerprint' | 'table_privileges' | 'schema_privileges' | 'schemas' | 'tables' | 'columns' | 'indexes' | 'constraints' | 'foreign_keys' | 'sequences';

/** Appends a database's rows to a cluster-wide section, each tagged with the database it came from. */
function appendRows<K extends PerDatabaseSection>(data: PostgresqlData, section: K, datname: string, rows: ReadonlyArray<PgRow<K>>): void {
  const list = (data[section] ??= []) as Array<PgRow<K>>;
  for (const row of rows) list.push(Object.assign({ datname }, row));
}

/** A per-database step that appends its rows, tagged with their database, to the section of its name. */
function perDatabase<K extends PerDatabaseSection>(
  name: K,
  category: 'operational' | 'schema',
  collect: (conn: PgConn) => Promise<ReadonlyArray<PgRow<K>>>,
): CollectorStep<PostgresqlDatabaseContext, void, PostgresqlData> {
  return {
    name,
    category,
    required: false,
    ...PG_MONITOR,
    run: async ({ conn, datname }, out) => appendRows(out.data, name, datname, await collect(conn)),
  };
}

/**
 * The steps run once per monitored database, on a session there (their errors are named `<step>:<database>`). All
 * optional: one database the role may not read does not hide the others.
 */
export const POSTGRESQL_DATABASE_STEPS: ReadonlyArray<CollectorStep<PostgresqlDatabaseContext, void, PostgresqlData>> = [
  perDatabase('extensions', 'operational', collectExtensions),
  perDatabase('table_maintenance', 'operational', collectTableMaintenance),
  perDatabase('index_usage', 'operational', collectIndexUsage),
  perDatabase('schema_fingerprint', 'operational', collectSchemaFingerprint),
  perDatabase('table_privileges', 'operational', collectTablePrivileges),
  perDatabase('schema_privileges', 'operational', collectSchemaPrivileges),
  perDatabase('schemas', 'schema', collectSchemas),
  {
    name: 'tables',
    category: 'schema',
    required: false,
    ...PG_MONITOR,
    run: async ({ conn, datname }, out) => {
      const tables = await collectTables(conn);
      appendRows(out.data, 'tables', datname, tables.rows);
      // A table locked exclusively leaves sizes as estimates: the rows still go, and the reason as an error entry.
      if (tables.warning) out.report({ collector: `tables:${datname}`.slice(0, 128), code: 'lock_timeout', message: tables.warning });
    },
  },
  perDatabase('columns', 'schema', collectColumns),
  perDatabase('indexes', 'schema', collectIndexes),
  perDatabase('constraints', 'schema', collectConstraints),
  perDatabase('foreign_keys', 'schema', collectForeignKeys),
  perDatabase('sequences', 'schema', collectSequences),
];
