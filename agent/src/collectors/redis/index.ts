import type Redis from 'ioredis';
import type { Category, CollectorError } from '@logstag/schema';
import type {
  CollectionResultWithCounters,
  CollectorFactory,
  CollectorLogger,
  CounterSpec,
  EngineCollector,
  TargetSpec,
} from '../types';
import { collectAclUsers } from './acl';
import { checkRedis } from './check';
import { collectClientSummary } from './clients';
import { collectConfig } from './config';
import { RedisConnection } from './connection';
import { keyspaceRows, readInfo } from './info';
import { DEFAULT_MAX_KEYS_PER_DB, sampleKeyspace } from './keyspace';
import { collectLatency } from './latency';
import { runtimeSections, serverFacts } from './runtime-info';
import { collectSlowlog } from './slowlog';
import { COMMAND_COUNTERS, collectCommandStats, statsSections } from './stats';
import { timedClient } from './timed-client';
import { QueryClock } from '../query-clock';

export interface RedisCollectorOptions {
  /** Key names sampled per database for key patterns (SCAN, TYPE, MEMORY USAGE only). */
  maxKeysPerDb?: number;
}

interface Output {
  data: Record<string, unknown>;
  counters: Record<string, CounterSpec>;
}

interface Section {
  name: string;
  required: boolean;
  /** The ACL rule that a NOPERM failure of this section asks for. */
  rule: string;
  run: (client: Redis, out: Output, signal: AbortSignal) => Promise<void>;
}

/**
 * Redis 6/7. Server statistics and metadata commands only; no command that reads a value is ever sent (see
 * agent/setup/redis-acl.txt for the exact command list the collector needs).
 */
export const createRedisCollectorWith =
  (options: RedisCollectorOptions): CollectorFactory =>
  (target, logger) =>
    new RedisCollector(target, logger, options);

export const createRedisCollector: CollectorFactory = createRedisCollectorWith({});

class RedisCollector implements EngineCollector {
  readonly engine = 'redis' as const;
  private readonly conn: RedisConnection;
  /** The newest slow log id already sent; the slow log is a ring buffer the server keeps re-listing. */
  private lastSlowlogId = -1;
  private readonly sections: Record<Category, Section[]>;

  constructor(
    private readonly target: TargetSpec,
    private readonly logger: CollectorLogger,
    options: RedisCollectorOptions,
  ) {
    this.conn = new RedisConnection(target);
    const maxKeys = options.maxKeysPerDb ?? DEFAULT_MAX_KEYS_PER_DB;
    this.sections = {
      runtime: [
        {
          name: 'info',
          required: true,
          rule: '+info',
          run: async (c, o) => {
            const info = await readInfo(c);
            const r = runtimeSections(info);
            o.data['server'] = serverFacts(info);
            Object.assign(o.data, r.data);
            Object.assign(o.counters, r.counters);
          },
        },
        {
          name: 'clients',
          required: false,
          rule: '+client|list',
          run: async (c, o) => {
            o.data['clientSummary'] = await collectClientSummary(c);
          },
        },
      ],
      workload: [
        {
          name: 'info',
          required: true,
          rule: '+info',
          run: async (c, o) => {
            const info = await readInfo(c);
            const s = statsSections(info);
            o.data['server'] = serverFacts(info);
            Object.assign(o.data, s.data);
            Object.assign(o.counters, s.counters);
            o.data['commandStats'] = await collectCommandStats(c);
            o.counters['commandStats'] = { key: ['command'], counters: COMMAND_COUNTERS };
          },
        },
        {
          name: 'slowlog',
          required: false,
          rule: '+slowlog|get',
          run: async (c, o) => {
            const entries = await collectSlowlog(c, this.lastSlowlogId);
            o.data['slowlog'] = entries;
            const last = entries[entries.length - 1];
            if (last) this.lastSlowlogId = last.id;
          },
        },
        {
          name: 'latency',
          required: false,
          rule: '+latency|latest',
          run: async (c, o) => {
            o.data['latencyEvents'] = await collectLatency(c);
          },
        },
      ],
      operational: [
        {
          name: 'config',
          required: true,
          rule: '+config|get',
          run: async (c, o) => {
            const cfg = await collectConfig(c);
            o.data['config'] = cfg.values;
            o.data['passwordSet'] = cfg.passwordSet;
            o.data['masterauthSet'] = cfg.masterauthSet;
          },
        },
        {
          name: 'acl_users',
          required: false,
          rule: '+acl|list',
          run: async (c, o) => {
            o.data['aclUsers'] = await collectAclUsers(c);
          },
        },
      ],
      schema: [
        {
          name: 'keyspace',
          required: true,
          rule: '+scan +select +type +memory|usage %R~*',
          run: async (c, o, signal) => {
            const dbs = keyspaceRows(await readInfo(c, 'keyspace')).filter((d) => this.includesDb(d.db));
            o.data['keyspace'] = dbs;
            o.data['keyPatterns'] = await sampleKeyspace(c, dbs, this.conn.db, maxKeys, signal);
          },
        },
      ],
    };
  }

  /** databases include/exclude name Redis databases as `db0` or `0`. */
  private includesDb(db: number): boolean {
    const names = [`db${db}`, String(db)];
    const { include, exclude } = this.target.databases;
    if (include.length && !include.some((n) => names.includes(n))) return false;
    return !exclude.some((n) => names.includes(n));
  }

  check() {
    return checkRedis(this.conn, this.target, this.target.disabledCollectors);
  }

  async collect(category: Category, signal: AbortSignal): Promise<CollectionResultWithCounters> {
    signal.throwIfAborted();
    const clock = new QueryClock();
    const started = performance.now();
    const dialling = !this.conn.ready;
    const client = timedClient(await this.conn.get(), clock);
    if (dialling) clock.connected(started);
    const out: Output = { data: {}, counters: {} };
    const errors: CollectorError[] = [];
    for (const section of this.sections[category]) {
      if (this.target.disabledCollectors.includes(section.name)) continue;
      signal.throwIfAborted();
      try {
        await section.run(client, out, signal);
      } catch (err) {
        if (section.required || signal.aborted) throw err;
        const message = err instanceof Error ? err.message : String(err);
        this.logger.warn({ collector: section.name }, 'optional collector failed');
        errors.push({
          collector: section.name,
          message: message.slice(0, 2000),
          ...(/^NOPERM/.test(message)
            ? { code: 'NOPERM', fix: `ACL SETUSER ${this.target.user ?? 'default'} ${section.rule}` }
            : {}),
        });
      }
    }
    return { data: out.data, errors, counters: out.counters, timing: clock.timing() };
  }

  close(): Promise<void> {
    return this.conn.close();
  }
}
