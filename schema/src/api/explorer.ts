import * as z from 'zod/mini';
import type { BlockingNode, LockWaitView, SessionView } from '../activity-views';
import { collectorErrorSchema } from '../payload';
import { isoTime, pageOf } from './common';

// The explorers' answers (api/src/explorer/*.routes.ts). Names, query text and labels in them come from monitored
// databases: untrusted, rendered as text only.

const labels = z.record(z.string(), z.string());
const nullableText = z.nullable(z.string());

/** A collector's failure as the target's last payload reported it; kept as sent, so fields may be added. */
export const collectorErrorViewSchema = z.looseObject(collectorErrorSchema.shape);

export const TARGET_STATUSES = ['ok', 'failing', 'unknown'] as const;
export const TARGET_HEALTH = ['healthy', 'failing', 'stale', 'unknown'] as const;
export const targetViewSchema = z.object({
  targetId: z.string(),
  engine: z.string(),
  version: nullableText,
  agentId: nullableText,
  tags: labels,
  status: z.enum(TARGET_STATUSES),
  health: z.enum(TARGET_HEALTH),
  lastSeen: z.nullable(isoTime),
  /** The time of the last payload of each category. */
  lastPayloads: labels,
  errors: z.array(collectorErrorViewSchema),
});
export type TargetView = z.infer<typeof targetViewSchema>;

/** One target of the fleet overview: what an operator checks first, each over the range asked for. */
export const fleetTargetSchema = z.object({
  target: targetViewSchema,
  connectionsUsed: z.nullable(z.number()),
  connectionsMax: z.nullable(z.number()),
  /** Connections used as a share of the limit, 0–1. */
  connectionsRatio: z.nullable(z.number()),
  /** Commits (PostgreSQL, MySQL/MariaDB) or operations (Redis, MongoDB) per second over the range. */
  throughputPerSecond: z.nullable(z.number()),
  throughputLabel: z.string(),
  /** Reads served from memory over the range, 0–1. */
  cacheHitRatio: z.nullable(z.number()),
  /** Sessions waiting for a lock at the newest collection. */
  blockedSessions: z.nullable(z.number()),
  /** The largest replica lag at the newest collection. */
  replicationLagSeconds: z.nullable(z.number()),
  /** The highest mean time per call (ms) of the application's statements in any collection interval of the range. */
  slowestStatementMeanMs: z.nullable(z.number()),
  /** Throughput per second in twelve buckets over the range (null: no data in the bucket). */
  sparkline: z.array(z.object({ ts: isoTime, value: z.nullable(z.number()) })),
  /** The other columns on the same buckets: gauges at their highest in the bucket, the cache hit ratio of its reads. */
  sparklines: z.object({
    connections: z.array(z.nullable(z.number())),
    cacheHit: z.array(z.nullable(z.number())),
    slowestStatement: z.array(z.nullable(z.number())),
    blocked: z.array(z.nullable(z.number())),
    lag: z.array(z.nullable(z.number())),
  }),
});
export type FleetTarget = z.infer<typeof fleetTargetSchema>;
export const fleetSchema = z.object({ from: isoTime, to: isoTime, stepSeconds: z.number(), items: z.array(fleetTargetSchema) });
export type Fleet = z.infer<typeof fleetSchema>;
export type CollectorErrorView = z.infer<typeof collectorErrorViewSchema>;

/** What the store writes: instant values (gauge) or amounts per collection interval (delta, from counters). */
export const METRIC_KINDS = ['gauge', 'delta'] as const;
export const metricKindSchema = z.enum(METRIC_KINDS);
export const RESOLUTIONS = ['raw', '1m', '1h'] as const;

export const metricSeriesInfoSchema = z.object({ metric: z.string(), labels, kind: metricKindSchema, lastValue: z.number(), lastTs: isoTime, firstTs: isoTime });
export type MetricSeriesInfo = z.infer<typeof metricSeriesInfoSchema>;

export const seriesPointSchema = z.object({
  ts: isoTime,
  avg: z.nullable(z.number()),
  min: z.number(),
  max: z.number(),
  sum: z.number(),
  count: z.number(),
  /** Deltas only: the bucket's sum per second of the collection intervals its deltas cover (the same at every zoom). */
  ratePerSecond: z.optional(z.number()),
});
export type SeriesPoint = z.infer<typeof seriesPointSchema>;

export const metricSeriesSchema = z.object({
  targetId: z.string(),
  metric: z.string(),
  kind: metricKindSchema,
  resolution: z.enum(RESOLUTIONS),
  stepSeconds: z.number(),
  from: isoTime,
  to: isoTime,
  /** The metric's first point, when it is inside the range: the data starts there, not at the range's start. */
  dataSince: z.optional(isoTime),
  series: z.array(z.object({ labels, points: z.array(seriesPointSchema) })),
});
export type MetricSeries = z.infer<typeof metricSeriesSchema>;

export const sessionViewSchema = z.object({
  id: z.string(),
  user: nullableText,
  database: nullableText,
  application: nullableText,
  client: nullableText,
  state: nullableText,
  waitType: nullableText,
  wait: nullableText,
  query: nullableText,
  durationSeconds: z.nullable(z.number()),
  blockedBy: z.array(z.string()),
  transactionSeconds: z.optional(z.nullable(z.number())),
  xminAge: z.optional(z.nullable(z.number())),
  backendType: z.optional(z.nullable(z.string())),
  queryId: z.optional(z.nullable(z.string())),
});
export const lockWaitViewSchema = z.object({
  id: z.string(),
  blockedBy: z.array(z.string()),
  lockType: nullableText,
  mode: nullableText,
  object: nullableText,
  waitSeconds: z.nullable(z.number()),
});
/** A blocker and, below it, the sessions waiting on it (recursive: named, so the OpenAPI document can refer to it). */
export const blockingNodeSchema: z.ZodMiniType<BlockingNode> = z
  .object({
    id: z.string(),
    get waiters() {
      return z.array(blockingNodeSchema);
    },
  })
  .register(z.globalRegistry, { id: 'BlockingNode' });

export const sessionsPageSchema = z.object({ snapshotTs: z.nullable(isoTime), total: z.number(), items: z.array(sessionViewSchema), nextCursor: nullableText });
export type SessionsPage = z.infer<typeof sessionsPageSchema>;

export const waitCountSchema = z.object({ waitType: z.string(), wait: z.string(), samples: z.number() });
export type WaitCount = z.infer<typeof waitCountSchema>;
const breakdownFields = { from: isoTime, to: isoTime, snapshots: z.number(), waits: z.array(waitCountSchema) };
export const waitBreakdownSchema = z.object(breakdownFields);
export type WaitBreakdown = z.infer<typeof waitBreakdownSchema>;
/** With `step`: the range's breakdown and the same per bucket (the first from `from`, the last to `to`). */
export const waitBucketsSchema = z.object({ ...breakdownFields, stepSeconds: z.number(), buckets: z.array(z.object(breakdownFields)) });
export type WaitBuckets = z.infer<typeof waitBucketsSchema>;

export const blockingViewSchema = z.object({
  snapshotTs: z.nullable(isoTime),
  tree: z.array(blockingNodeSchema),
  lockWaits: z.array(lockWaitViewSchema),
  sessions: z.array(sessionViewSchema),
});
export type BlockingView = z.infer<typeof blockingViewSchema>;

/** Connections at one snapshot, as normalization stores them. */
export const connectionsSnapshotSchema = z.object({ used: z.number(), max: z.nullable(z.number()), byState: z.record(z.string(), z.number()) });
export type ConnectionsSnapshot = z.infer<typeof connectionsSnapshotSchema>;
export const connectionsViewSchema = z.object({
  resolution: z.nullable(z.enum(RESOLUTIONS)),
  stepSeconds: z.nullable(z.number()),
  used: z.array(seriesPointSchema),
  max: z.array(seriesPointSchema),
  latest: z.nullable(z.object({ ts: isoTime, ...z.partial(connectionsSnapshotSchema).shape })),
});
export type ConnectionsView = z.infer<typeof connectionsViewSchema>;

export const TOP_ORDERS = ['totalTime', 'calls', 'meanTime', 'rows'] as const;
export type TopOrder = (typeof TOP_ORDERS)[number];
export const topQuerySchema = z.object({
  fingerprint: z.string(),
  database: nullableText,
  text: nullableText,
  calls: z.number(),
  totalTimeMs: z.number(),
  meanTimeMs: z.number(),
  rows: z.number(),
  blocksHit: z.number(),
  blocksRead: z.number(),
  /** MySQL/MariaDB digests (null elsewhere): rows examined, executions without an index, full table scans and joins, on-disk temporary tables. */
  rowsExamined: z.optional(z.nullable(z.number())),
  noIndexUsed: z.optional(z.nullable(z.number())),
  fullScans: z.optional(z.nullable(z.number())),
  fullJoins: z.optional(z.nullable(z.number())),
  tmpDiskTables: z.optional(z.nullable(z.number())),
  /** PostgreSQL (null elsewhere): temporary-file blocks read and written, time reading and writing blocks (ms). */
  tempBlksRead: z.optional(z.nullable(z.number())),
  tempBlksWritten: z.optional(z.nullable(z.number())),
  blkReadTimeMs: z.optional(z.nullable(z.number())),
  blkWriteTimeMs: z.optional(z.nullable(z.number())),
  /** The standard deviation of the execution time over the range (PostgreSQL; null when not collected). */
  stddevTimeMs: z.optional(z.nullable(z.number())),
  /** The statement reads only catalogs or is a monitoring command (the agent's own among them). */
  monitoring: z.optional(z.boolean()),
  /** Total time (ms) in each of the range's sparkline buckets, oldest first; null: the statement did not run then. */
  sparkline: z.optional(z.array(z.nullable(z.number()))),
});
export type TopQuery = z.infer<typeof topQuerySchema>;
export const topQueriesSchema = z.object({
  from: isoTime,
  to: isoTime,
  orderBy: z.enum(TOP_ORDERS),
  /** The time of all the target's statements in the range: each item's share of it is what to look at first. */
  allTimeMs: z.optional(z.number()),
  /** The databases of the target's statements in the range, for the database filter, and how many statements are monitoring. */
  databases: z.optional(z.array(z.object({ name: nullableText, statements: z.number(), monitoring: z.number() }))),
  /**
   * The users seen running the target's statements in the range (PostgreSQL roles), for the user filter. Empty for
   * engines whose statistics have no user (MySQL/MariaDB digests are per schema and digest) and before users were stored.
   */
  users: z.optional(z.array(z.object({ name: z.string(), statements: z.number() }))),
  items: z.array(topQuerySchema),
  nextCursor: nullableText,
});
export type TopQueries = z.infer<typeof topQueriesSchema>;

/** Applications seen with the target's statements in sampled activity (PostgreSQL 14+ query_id), for the application filter. */
export const queryApplicationsSchema = z.object({
  from: isoTime,
  to: isoTime,
  /** Always 'sampled activity': pg_stat_statements has no application; sessions show which statement they run or last ran. */
  basis: z.literal('sampled activity'),
  items: z.array(z.object({ application: z.string(), statements: z.number(), lastSeen: isoTime })),
});
export type QueryApplications = z.infer<typeof queryApplicationsSchema>;

export const queryDetailSchema = z.object({
  fingerprint: z.string(),
  engine: z.string(),
  database: nullableText,
  text: nullableText,
  firstSeen: isoTime,
  lastSeen: isoTime,
  stepSeconds: z.number(),
  totals: z.object({
    calls: z.number(),
    totalTimeMs: z.number(),
    rows: z.number(),
    stddevTimeMs: z.optional(z.nullable(z.number())),
    blocksHit: z.optional(z.number()),
    blocksRead: z.optional(z.number()),
    tempBlksWritten: z.optional(z.nullable(z.number())),
    blkReadTimeMs: z.optional(z.nullable(z.number())),
    rowsExamined: z.optional(z.nullable(z.number())),
    noIndexUsed: z.optional(z.nullable(z.number())),
  }),
  series: z.array(
    z.object({ ts: isoTime, calls: z.number(), totalTimeMs: z.number(), meanTimeMs: z.nullable(z.number()), rows: z.number(), blocksHit: z.number(), blocksRead: z.number() }),
  ),
  /** PostgreSQL: the statement's calls, time and rows per user over the range. */
  users: z.optional(z.array(z.object({ name: z.string(), calls: z.number(), totalTimeMs: z.number(), rows: z.number() }))),
  /** PostgreSQL 14+: the applications seen running it in sampled activity, first and last sighting (not every run is sampled). */
  applications: z.optional(z.array(z.object({ application: z.string(), firstSeen: isoTime, lastSeen: isoTime }))),
});
export type QueryDetail = z.infer<typeof queryDetailSchema>;

const objectRecord = z.record(z.string(), z.unknown());
export const schemaObjectSchema = z.object({
  type: z.string(),
  name: z.string(),
  /** What change detection compares (structure, setting values, privileges). */
  definition: z.nullable(objectRecord),
  /** Shown, never compared (sizes, scan counts). */
  stats: z.nullable(objectRecord),
  /** Indexes only. */
  flags: z.optional(
    z.object({
      unused: z.boolean(),
      invalid: z.boolean(),
      duplicate: z.boolean(),
      duplicateOf: z.array(z.unknown()),
      /** When the scan count behind `unused` was read: the newest counters (10 minutes), else the schema snapshot. */
      scansAt: z.optional(z.nullable(isoTime)),
      /** What the scan count counts from: the statistics' last reset, null when unknown (the server's start). */
      countingSince: z.optional(z.nullable(isoTime)),
    }),
  ),
});
export type SchemaObject = z.infer<typeof schemaObjectSchema>;

/** One server setting or variable of a target, from the latest settings snapshot. */
export const settingViewSchema = z.object({
  name: z.string(),
  value: z.nullable(z.string()),
  unit: z.nullable(z.string()),
  /** The built-in default, where the engine says (PostgreSQL's boot_val). */
  default: z.nullable(z.string()),
  /** Where the value comes from (PostgreSQL: default, configuration file, command line, …). */
  source: z.nullable(z.string()),
  pendingRestart: z.boolean(),
  /** Whether the value is the built-in default; null when the engine does not say. */
  isDefault: z.nullable(z.boolean()),
  /** The last time the value changed, null when it has not since `since`. */
  changedAt: z.nullable(isoTime),
});
export type SettingView = z.infer<typeof settingViewSchema>;
export const settingsViewSchema = z.object({
  snapshotTs: z.nullable(isoTime),
  /** The first settings snapshot: changes are known from then on. */
  since: z.nullable(isoTime),
  items: z.array(settingViewSchema),
});
export type SettingsView = z.infer<typeof settingsViewSchema>;
export const schemaObjectsPageSchema = z.object({ snapshotTs: z.nullable(isoTime), ...pageOf(schemaObjectSchema).shape });
export type SnapshotPage<T> = { snapshotTs: string | null; items: T[]; nextCursor: string | null };

export const SNAPSHOT_KINDS = ['schema', 'settings', 'access'] as const;
export const schemaChangeSchema = z.object({
  id: z.number(),
  ts: isoTime,
  kind: z.enum(SNAPSHOT_KINDS),
  objectType: z.string(),
  objectName: z.string(),
  change: z.enum(['added', 'removed', 'altered']),
  before: z.unknown(),
  after: z.unknown(),
});
export type SchemaChange = z.infer<typeof schemaChangeSchema>;

export const ASSET_HEALTH = ['online', 'offline'] as const;
export type AssetHealth = (typeof ASSET_HEALTH)[number];
export const hostViewSchema = z.object({ hostname: z.string(), agentId: z.string(), facts: objectRecord, lastSeen: isoTime, health: z.enum(ASSET_HEALTH) });
export type HostView = z.infer<typeof hostViewSchema>;
export const agentViewSchema = z.object({
  agentId: z.string(),
  hostname: nullableText,
  version: nullableText,
  firstSeen: isoTime,
  lastHeartbeat: isoTime,
  health: z.enum(ASSET_HEALTH),
});
export type AgentView = z.infer<typeof agentViewSchema>;

// The activity views are declared as interfaces in ../activity-views (normalization writes them): the schemas above
// must describe exactly those, or this fails to compile.
type Same<A, B> = [A] extends [B] ? ([B] extends [A] ? true : false) : false;
const sameViews: [Same<z.infer<typeof sessionViewSchema>, SessionView>, Same<z.infer<typeof lockWaitViewSchema>, LockWaitView>] = [true, true];
void sameViews;
