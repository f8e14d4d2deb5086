import * as z from 'zod/mini';
import { counterRows, flag, json, num, numbers, row, text, texts } from './fields';

// MongoDB sections, as agent/src/collectors/mongodb writes them: field names as MongoDB's commands report them (in
// camelCase), numbers read from BSON. Command shapes keep field names and operators, never values.

export const mongoServer = row({ host: text, version: text, process: text, uptimeSeconds: num, storageEngine: text });

/** serverStatus.connections: current and available are gauges, totalCreated and rejected counters (deltas). */
export const mongoConnections = row({ current: num, available: num, active: num, totalCreated: num, rejected: num });

/** serverStatus opcounters (deltas): insert, query, update, delete, getmore, command. */
export const mongoOpcounters = numbers;

export const mongoWiredTigerCache = row({
  bytesInCache: num,
  maxBytesConfigured: num,
  trackedDirtyBytes: num,
  pagesReadIntoCache: num,
  pagesWrittenFromCache: num,
  unmodifiedPagesEvicted: num,
  modifiedPagesEvicted: num,
  pagesEvictedByApplicationThreads: num,
});

export const mongoTickets = row({ kind: text, out: num, available: num, totalTickets: num });
export const mongoGlobalLock = row({ queueTotal: num, queueReaders: num, queueWriters: num, activeReaders: num, activeWriters: num });
export const mongoLocks = counterRows({ resource: text, mode: text, acquireCount: num, acquireWaitCount: num, timeAcquiringMicros: num, deadlockCount: num });
export const mongoMem = row({ residentMb: num, virtualMb: num });

/** An active operation from $currentOp, its command reduced to a shape. */
export const mongoOperation = row({
  opid: json,
  shard: text,
  type: text,
  desc: text,
  connectionId: num,
  client: text,
  appName: text,
  driver: text,
  users: texts,
  active: flag,
  op: text,
  ns: text,
  commandName: text,
  commandShape: json,
  originatingCommandShape: json,
  planSummary: text,
  secsRunning: num,
  microsecsRunning: num,
  numYields: num,
  waitingForLock: flag,
  locks: json,
  waitingForFlowControl: flag,
  waitingForLatch: text,
});

export const mongoReplicaSet = row({
  set: text,
  myState: num,
  term: num,
  primary: text,
  self: text,
  heartbeatIntervalMillis: num,
  majorityVoteCount: num,
  writeMajorityCount: num,
  lastCommittedOpTime: json,
});

export const mongoReplicaMember = row({
  id: num,
  name: text,
  state: num,
  stateStr: text,
  health: num,
  self: flag,
  uptimeSeconds: num,
  optimeSeconds: num,
  lagSeconds: num,
  pingMs: num,
  syncSourceHost: text,
  lastHeartbeatMessage: text,
  configVersion: num,
});

export const mongoConnPool = row({
  totalInUse: num,
  totalAvailable: num,
  totalCreated: num,
  totalRefreshing: num,
  numClientConnections: num,
  pools: texts,
});

export const mongoConnPoolHosts = counterRows({
  host: text,
  inUse: num,
  available: num,
  leased: num,
  created: num,
  refreshing: num,
  acquisitions: num,
});

export const mongoTop = counterRows({
  ns: text,
  totalTime: num,
  totalCount: num,
  readLockTime: num,
  readLockCount: num,
  writeLockTime: num,
  writeLockCount: num,
  queriesTime: num,
  queriesCount: num,
  getmoreTime: num,
  getmoreCount: num,
  insertTime: num,
  insertCount: num,
  updateTime: num,
  updateCount: num,
  removeTime: num,
  removeCount: num,
  commandsTime: num,
  commandsCount: num,
});

export const mongoProfilerLevel = row({ db: text, level: num, slowms: num, error: text });

/** One profiled execution (system.profile), its command reduced to a shape. */
export const mongoProfilerEntry = row({
  db: text,
  op: text,
  ns: text,
  commandName: text,
  commandShape: json,
  originatingCommandShape: json,
  ts: text,
  millis: num,
  cpuNanos: num,
  keysExamined: num,
  docsExamined: num,
  nreturned: num,
  nMatched: num,
  nModified: num,
  ninserted: num,
  ndeleted: num,
  numYield: num,
  responseLength: num,
  planSummary: text,
  queryHash: text,
  planCacheKey: text,
  fromPlanCache: flag,
  replanned: flag,
  hasSortStage: flag,
  usedDisk: flag,
  errName: text,
  appName: text,
  user: text,
});

export const mongoBuildInfo = row({
  version: text,
  versionArray: json,
  gitVersion: text,
  modules: json,
  allocator: text,
  javascriptEngine: text,
  openssl: text,
  distmod: text,
  targetArch: text,
  bits: num,
  debug: flag,
  storageEngines: json,
});

export const mongoHostInfo = row({
  hostname: text,
  memSizeMb: num,
  memLimitMb: num,
  numCores: num,
  numPhysicalCores: num,
  cpuArch: text,
  numaEnabled: flag,
  osType: text,
  osName: text,
  osVersion: text,
  kernelVersion: text,
  libcVersion: text,
  pageSize: num,
  maxOpenFiles: num,
});

/** getCmdLineOpts with secret options redacted: `parsed` is the options document. */
export const mongoCmdLineOpts = row({ argv: texts, parsed: json });

export const mongoReplicaSetConfig = row({
  id: text,
  version: num,
  protocolVersion: num,
  writeConcernMajorityJournalDefault: flag,
  members: z.optional(
    z.array(
      row({ id: num, host: text, arbiterOnly: flag, hidden: flag, buildIndexes: flag, priority: num, votes: num, secondaryDelaySecs: num, tags: json }),
    ),
  ),
  settings: z.optional(
    row({
      chainingAllowed: flag,
      heartbeatIntervalMillis: num,
      heartbeatTimeoutSecs: num,
      electionTimeoutMillis: num,
      catchUpTimeoutMillis: num,
      getLastErrorDefaults: json,
    }),
  ),
});

export const mongoOplog = row({
  sizeBytes: num,
  maxSizeBytes: num,
  usedPercent: num,
  count: num,
  storageSizeBytes: num,
  firstEntrySeconds: num,
  lastEntrySeconds: num,
  windowSeconds: num,
  windowError: z.optional(z.nullable(row({ code: text, message: text }))),
});

export const mongoUser = row({ user: text, db: text, roles: json, mechanisms: json, authenticationRestrictions: json });
/** rolesInfo of one role, as MongoDB reports it (privileges included), without credentials. */
export const mongoRole = row({ role: text, db: text });

export const mongoDatabase = row({
  name: text,
  sizeOnDisk: num,
  empty: flag,
  db: text,
  collections: num,
  views: num,
  objects: num,
  dataSize: num,
  storageSize: num,
  indexes: num,
  indexSize: num,
  totalSize: num,
  freeStorageSize: num,
  fsUsedSize: num,
  fsTotalSize: num,
});

export const mongoCollStats = row({
  db: text,
  collection: text,
  shards: texts,
  size: num,
  count: num,
  storageSize: num,
  freeStorageSize: num,
  totalIndexSize: num,
  totalSize: num,
  nindexes: num,
  capped: flag,
  maxSize: num,
  indexSizes: z.optional(numbers),
});

export const mongoCollection = row({ db: text, name: text, type: text, options: json, storage: z.optional(z.nullable(mongoCollStats)) });

export const mongoIndex = row({
  db: text,
  collection: text,
  name: text,
  key: json,
  unique: flag,
  sparse: flag,
  hidden: flag,
  expireAfterSeconds: num,
  partialFilterExpressionShape: json,
  collationLocale: text,
  version: num,
  sizeBytes: num,
  accessesOps: num,
  accessesSince: text,
  unused: flag,
  duplicateOf: texts,
});

export const MONGODB_SECTIONS = {
  runtime: {
    server: mongoServer,
    connections: mongoConnections,
    opcounters: mongoOpcounters,
    opcounters_repl: mongoOpcounters,
    wired_tiger_cache: mongoWiredTigerCache,
    tickets: z.array(mongoTickets),
    global_lock: mongoGlobalLock,
    locks: mongoLocks,
    network: numbers,
    mem: mongoMem,
    asserts: numbers,
    current_op: z.array(mongoOperation),
    /** The operations of `current_op` waiting for a lock. */
    lock_waits: z.array(mongoOperation),
    replica_set: mongoReplicaSet,
    replica_members: z.array(mongoReplicaMember),
    conn_pool: mongoConnPool,
    conn_pool_hosts: mongoConnPoolHosts,
  },
  workload: {
    server: mongoServer,
    opcounters: mongoOpcounters,
    opcounters_repl: mongoOpcounters,
    top: mongoTop,
    profiler_levels: z.array(mongoProfilerLevel),
    profiler_entries: z.array(mongoProfilerEntry),
  },
  operational: {
    server: mongoServer,
    build_info: mongoBuildInfo,
    host_info: mongoHostInfo,
    cmd_line_opts: mongoCmdLineOpts,
    /** getParameter of the parameters health rules read, values as MongoDB reports them. */
    parameters: z.record(z.string(), z.unknown()),
    replica_set_config: mongoReplicaSetConfig,
    oplog: mongoOplog,
    users: z.array(mongoUser),
    roles: z.array(mongoRole),
  },
  schema: {
    server: mongoServer,
    databases: z.array(mongoDatabase),
    collections: z.array(mongoCollection),
    indexes: z.array(mongoIndex),
  },
} as const;
