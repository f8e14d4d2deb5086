import type Redis from 'ioredis';
import type { CollectorStep } from '../step';
import type { RedisData } from './sections';
import { collectAclUsers } from './acl';
import { collectClientSummary } from './clients';
import { collectConfig } from './config';
import { keyspaceRows, readInfo } from './info';
import { sampleKeyspace } from './keyspace';
import { collectLatency } from './latency';
import { runtimeSections, serverFacts } from './runtime-info';
import { collectSlowlog } from './slowlog';
import { COMMAND_COUNTERS, collectCommandStats, statsSections } from './stats';

export interface RedisContext {
  /** The target's client, each command timed into the collection's clock. */
  client: Redis;
  /** The ACL user the fixes name. */
  user: string;
  signal: AbortSignal;
  /** The database the connection stays on, and the databases sampled for key patterns. */
  db: number;
  includesDb: (db: number) => boolean;
  maxKeysPerDb: number;
  /** The newest slow log id already sent; the slow log is a ring buffer the server keeps re-listing. */
  slowlog: { lastId: number };
}

/** The ACL rule a step's commands need (agent/setup/redis-acl.txt), and the ACL SETUSER that grants it. */
const acl = (rule: string) => ({ privilege: rule, fix: ({ user }: RedisContext) => `ACL SETUSER ${user} ${rule}` });

/**
 * Redis 6/7, in the order they run. Server statistics and metadata commands only; no command that reads a value is
 * ever sent.
 */
export const REDIS_STEPS: ReadonlyArray<CollectorStep<RedisContext, void, RedisData>> = [
  {
    name: 'info',
    category: 'runtime',
    required: true,
    ...acl('+info'),
    run: async ({ client }, out) => {
      const info = await readInfo(client);
      const runtime = runtimeSections(info);
      out.data.server = serverFacts(info);
      Object.assign(out.data, runtime.data);
      Object.assign(out.counters, runtime.counters);
    },
  },
  {
    name: 'clients',
    category: 'runtime',
    required: false,
    ...acl('+client|list'),
    run: async ({ client }, out) => {
      out.data.client_summary = await collectClientSummary(client);
    },
  },
  {
    name: 'info',
    category: 'workload',
    required: true,
    ...acl('+info'),
    run: async ({ client }, out) => {
      const info = await readInfo(client);
      const stats = statsSections(info);
      out.data.server = serverFacts(info);
      Object.assign(out.data, stats.data);
      Object.assign(out.counters, stats.counters);
      out.data.command_stats = await collectCommandStats(client);
      out.counters.command_stats = { key: ['command'], counters: COMMAND_COUNTERS };
    },
  },
  {
    name: 'slowlog',
    category: 'workload',
    required: false,
    ...acl('+slowlog|get'),
    run: async ({ client, slowlog }, out) => {
      const entries = await collectSlowlog(client, slowlog.lastId);
      out.data.slowlog = entries;
      const last = entries[entries.length - 1];
      if (last) slowlog.lastId = last.id;
    },
  },
  {
    name: 'latency',
    category: 'workload',
    required: false,
    ...acl('+latency|latest'),
    run: async ({ client }, out) => {
      out.data.latency_events = await collectLatency(client);
    },
  },
  {
    name: 'config',
    category: 'operational',
    required: true,
    ...acl('+config|get'),
    run: async ({ client }, out) => {
      const config = await collectConfig(client);
      out.data.config = config.values;
      out.data.password_set = config.passwordSet;
      out.data.masterauth_set = config.masterauthSet;
    },
  },
  {
    name: 'acl_users',
    category: 'operational',
    required: false,
    ...acl('+acl|list'),
    run: async ({ client }, out) => {
      out.data.acl_users = await collectAclUsers(client);
    },
  },
  {
    name: 'keyspace',
    category: 'schema',
    required: true,
    ...acl('+scan +select +type +memory|usage %R~*'),
    run: async ({ client, db, includesDb, maxKeysPerDb, signal }, out) => {
      const dbs = keyspaceRows(await readInfo(client, 'keyspace')).filter((d) => includesDb(d.db));
      out.data.keyspace = dbs;
      out.data.key_patterns = await sampleKeyspace(client, dbs, db, maxKeysPerDb, signal);
    },
  },
];
