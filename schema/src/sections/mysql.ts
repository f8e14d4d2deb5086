import * as z from 'zod/mini';
import { counterRows, flag, num, numbers, row, strings, text, texts } from './fields';

// MySQL 8 and MariaDB sections, as agent/src/collectors/mysql writes them: fields in the agent's camelCase, status and
// system variables under the server's own names.

export const mysqlServer = row({ flavour: text, version: text });

export const mysqlSession = row({
  id: num,
  user: text,
  host: text,
  db: text,
  command: text,
  timeSeconds: num,
  timeMs: num,
  state: text,
  query: text,
});

export const mysqlLockWait = row({
  waitingThreadId: num,
  waitingTrxId: text,
  waitingQuery: text,
  waitMs: num,
  blockingThreadId: num,
  blockingTrxId: text,
  blockingQuery: text,
  blockingTrxState: text,
  blockingTrxAgeSeconds: num,
  lockTable: text,
  lockIndex: text,
  lockMode: text,
  lockType: text,
});

export const mysqlConnections = row({
  maxConnections: num,
  current: num,
  active: num,
  usedPercent: num,
  byUser: z.optional(z.array(row({ user: text, connections: num, active: num }))),
});

export const mysqlReplicaStatus = row({
  connectionName: text,
  sourceHost: text,
  sourcePort: num,
  ioRunning: text,
  sqlRunning: text,
  secondsBehindSource: num,
  lastIoErrno: num,
  lastIoError: text,
  lastSqlErrno: num,
  lastSqlError: text,
  gtidIoPos: text,
  executedGtidSet: text,
});

/** performance_schema statement digests: counters as deltas, keyed by schema and digest. */
export const mysqlDigests = counterRows({
  schemaName: text,
  digest: text,
  digestText: text,
  calls: num,
  totalTimeUs: num,
  lockTimeUs: num,
  errors: num,
  warnings: num,
  rowsAffected: num,
  rowsSent: num,
  rowsExamined: num,
  tmpTables: num,
  tmpDiskTables: num,
  fullJoins: num,
  fullScans: num,
  sortRows: num,
  noIndexUsed: num,
  maxTimeUs: num,
  firstSeen: text,
  lastSeen: text,
});

export const mysqlAccount = row({
  user: text,
  host: text,
  isRole: flag,
  plugin: text,
  accountLocked: flag,
  passwordExpired: flag,
  passwordLifetimeDays: num,
  passwordLastChanged: text,
  maxUserConnections: num,
  globalPrivileges: texts,
  defaultRole: text,
  /** Whether the account has a password; null when not readable (MySQL 8, or a MariaDB view from an older setup file). */
  hasPassword: flag,
  grantOption: flag,
});

export const mysqlGrant = row({
  user: text,
  host: text,
  level: text,
  database: text,
  table: text,
  role: text,
  privileges: texts,
  adminOption: flag,
});

export const mysqlSchema = row({ name: text, charset: text, collation: text });

export const mysqlTable = row({
  schema: text,
  name: text,
  type: text,
  engine: text,
  rowFormat: text,
  rowEstimate: num,
  avgRowLength: num,
  dataLength: num,
  indexLength: num,
  dataFree: num,
  autoIncrement: num,
  createTime: text,
  updateTime: text,
  collation: text,
  createOptions: text,
  hasPrimaryKey: flag,
});

export const mysqlTableWithoutPrimaryKey = row({ schema: text, name: text, engine: text });

export const mysqlColumn = row({
  schema: text,
  table: text,
  name: text,
  position: num,
  columnType: text,
  dataType: text,
  nullable: flag,
  default: text,
  key: text,
  extra: text,
  charset: text,
  collation: text,
});

export const mysqlIndex = row({
  schema: text,
  table: text,
  name: text,
  unique: flag,
  primary: flag,
  type: text,
  columns: z.optional(z.array(row({ name: text, subPart: num, descending: flag }))),
  cardinality: num,
  accesses: num,
  reads: num,
  writes: num,
  unused: flag,
  duplicateOf: texts,
});

export const MYSQL_SECTIONS = {
  runtime: {
    server: mysqlServer,
    sessions: z.array(mysqlSession),
    lock_waits: z.array(mysqlLockWait),
    connections: mysqlConnections,
    replica_status: z.array(mysqlReplicaStatus),
  },
  workload: {
    server: mysqlServer,
    /** SHOW GLOBAL STATUS counters (deltas), by variable name. */
    global_status: numbers,
    /** SHOW GLOBAL STATUS point-in-time values, by variable name. */
    status_gauges: numbers,
    statement_digests: mysqlDigests,
  },
  operational: {
    server: mysqlServer,
    /** The system variables health rules read first: a subset of `variables`. */
    key_variables: strings,
    /** SHOW GLOBAL VARIABLES but those that may hold credentials. */
    variables: strings,
    /** The names of the variables left out of `variables`. */
    omitted_variables: z.array(z.string()),
    accounts: z.array(mysqlAccount),
    grants: z.array(mysqlGrant),
    /** Per schema, every 10 minutes: columns and index columns counted and hashed (the agent's schema-change trigger). */
    schema_fingerprint: z.array(row({ schema: text, items: num, digest: text })),
  },
  schema: {
    server: mysqlServer,
    schemas: z.array(mysqlSchema),
    tables: z.array(mysqlTable),
    tables_without_primary_key: z.array(mysqlTableWithoutPrimaryKey),
    columns: z.array(mysqlColumn),
    indexes: z.array(mysqlIndex),
  },
} as const;
