import type { Engine } from '@logstag/schema/core';
import type * as PostgresqlCollector from './postgresql/index';
import type { CollectorFactory, EngineCollector } from './types';

/**
 * Loads an engine's collector (and its driver) on first use. The drivers are most of the agent's memory: the MongoDB
 * driver's BSON serializer alone allocates a 17 MB buffer at import, and an agent watching only PostgreSQL should not
 * carry it. A factory or driver that fails to load fails that target's check/collect, never the others'.
 */
function lazyFactory(engine: Engine, load: () => Promise<CollectorFactory>): CollectorFactory {
  return (target, logger) => {
    let inner: Promise<EngineCollector> | undefined;
    const collector = () => (inner ??= load().then((factory) => factory(target, logger)));
    return {
      engine,
      check: async () => (await collector()).check(),
      collect: async (category, signal) => (await collector()).collect(category, signal),
      close: async () => {
        // Never opened: nothing to close, and no reason to load the driver now.
        if (inner) await (await inner).close();
      },
    };
  };
}

/**
 * pg decides as it loads whether it runs on Cloudflare Workers: without a global `navigator` (node 20 has none) it
 * constructs a `Response`, and on node 20 that first touch of the global loads node's whole fetch implementation
 * (undici), which then stays: 13 MB more RSS in a bare process, in an agent that never uses fetch. So the global reads
 * as undefined while the PostgreSQL collector and its driver load (once, for every target), and is put back after.
 */
let postgresqlModule: Promise<typeof PostgresqlCollector> | undefined;
function loadPostgresql(): Promise<typeof PostgresqlCollector> {
  postgresqlModule ??= (async () => {
    const response = Object.getOwnPropertyDescriptor(globalThis, 'Response');
    if (!response?.configurable) return import('./postgresql/index');
    Object.defineProperty(globalThis, 'Response', { value: undefined, configurable: true, writable: true, enumerable: false });
    try {
      return await import('./postgresql/index');
    } finally {
      Object.defineProperty(globalThis, 'Response', response);
    }
  })();
  return postgresqlModule;
}

/** The one place that maps an engine to its collector; the runner never names an engine itself. */
export const collectorFactories: Readonly<Record<Engine, CollectorFactory>> = Object.freeze({
  postgresql: lazyFactory('postgresql', async () => (await loadPostgresql()).createPostgresqlCollector),
  mysql: lazyFactory('mysql', async () => (await import('./mysql/index')).createMysqlCollector),
  mongodb: lazyFactory('mongodb', async () => (await import('./mongodb/index')).createMongodbCollector),
  redis: lazyFactory('redis', async () => (await import('./redis/index')).createRedisCollector),
});
