import * as z from 'zod/mini';
import { counterRows, flag, num, numbers, row, strings, text, texts, values } from './fields';

// Redis sections, as agent/src/collectors/redis writes them: INFO sections under Redis's own field names (they change
// between versions, so they are records), the agent's summaries in camelCase.

export const redisServer = row({ version: text, mode: text, os: text, uptimeSeconds: num, runId: text });

/** INFO replication, with its `slaveN` lines parsed into `replicas` (ip, port, state, offset, lag). */
export const redisReplication = row({
  role: text,
  connected_slaves: num,
  master_repl_offset: num,
  replicas: z.optional(z.array(values)),
});

export const redisKeyspace = row({ db: num, keys: num, expires: num, avgTtlMs: num });

const counts = z.optional(numbers);
export const redisClientSummary = row({
  total: num,
  byFlag: counts,
  byCommand: counts,
  byUser: counts,
  byName: counts,
  byDb: counts,
  idleBuckets: counts,
  maxIdleSeconds: num,
  maxAgeSeconds: num,
  totalMemoryBytes: num,
  outputBufferBytes: num,
  maxOutputBufferBytes: num,
  queryBufferBytes: num,
});

export const redisSlowlogEntry = row({ id: num, timestamp: text, durationUs: num, command: text, argumentCount: num, clientName: text });
export const redisLatencyEvent = row({ event: text, timestamp: text, latestMs: num, maxMs: num });
export const redisErrorStats = counterRows({ error: text, count: num });
export const redisCommandStats = counterRows({ command: text, calls: num, usec: num, rejectedCalls: num, failedCalls: num });

export const redisAclUser = row({
  user: text,
  enabled: flag,
  noPassword: flag,
  passwordCount: num,
  commands: texts,
  keyPatterns: texts,
  channelPatterns: texts,
  selectors: texts,
  flags: texts,
});

export const redisKeyPattern = row({ db: num, pattern: text, type: text, count: num, memoryBytes: num });
export const redisKeyspaceSample = row({ db: num, totalKeys: num, sampledKeys: num, patterns: z.optional(z.array(redisKeyPattern)) });

export const REDIS_SECTIONS = {
  runtime: {
    server: redisServer,
    clients: values,
    memory: values,
    persistence: values,
    replication: redisReplication,
    /** INFO cpu: seconds of CPU, counters (deltas). */
    cpu: values,
    keyspace: z.array(redisKeyspace),
    client_summary: redisClientSummary,
  },
  workload: {
    server: redisServer,
    /** INFO stats counters (deltas). */
    stats: numbers,
    /** INFO stats point-in-time values. */
    stats_gauges: values,
    error_stats: redisErrorStats,
    command_stats: redisCommandStats,
    slowlog: z.array(redisSlowlogEntry),
    latency_events: z.array(redisLatencyEvent),
  },
  operational: {
    server: redisServer,
    /** CONFIG GET of the parameters health rules read; requirepass and masterauth only as whether they are set. */
    config: strings,
    password_set: z.boolean(),
    masterauth_set: z.boolean(),
    acl_users: z.array(redisAclUser),
  },
  schema: {
    server: redisServer,
    keyspace: z.array(redisKeyspace),
    key_patterns: z.array(redisKeyspaceSample),
  },
} as const;
