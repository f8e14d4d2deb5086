import type { Category } from '@logstag/schema/core';
import { Collection } from '../collection';
import type { CollectionResultWithCounters, CollectorFactory, CollectorLogger, EngineCollector, TargetSpec } from '../types';
import { checkRedis } from './check';
import { RedisConnection } from './connection';
import { readRedisFailure } from './failure';
import { DEFAULT_MAX_KEYS_PER_DB } from './keyspace';
import { REDIS_STEPS } from './steps';
import { timedClient } from './timed-client';

export interface RedisCollectorOptions {
  /** Key names sampled per database for key patterns (SCAN, TYPE, MEMORY USAGE only). */
  maxKeysPerDb?: number;
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
  private readonly maxKeysPerDb: number;
  private readonly slowlog = { lastId: -1 };

  constructor(
    private readonly target: TargetSpec,
    private readonly logger: CollectorLogger,
    options: RedisCollectorOptions,
  ) {
    this.conn = new RedisConnection(target);
    this.maxKeysPerDb = options.maxKeysPerDb ?? DEFAULT_MAX_KEYS_PER_DB;
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
    const { target, logger } = this;
    const collection = new Collection({ category, signal, logger, disabled: target.disabledCollectors, readFailure: readRedisFailure });
    return collection.collect(async () => {
      const started = performance.now();
      const dialling = !this.conn.ready;
      const client = timedClient(await this.conn.get(), collection.clock);
      if (dialling) collection.clock.connected(started);
      await collection.runSteps(REDIS_STEPS, {
        client,
        user: target.user ?? 'default',
        signal,
        db: this.conn.db,
        includesDb: (db) => this.includesDb(db),
        maxKeysPerDb: this.maxKeysPerDb,
        slowlog: this.slowlog,
      });
    });
  }

  close(): Promise<void> {
    return this.conn.close();
  }
}
