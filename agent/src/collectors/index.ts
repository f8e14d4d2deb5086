import type { Engine } from '@logstag/schema';
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

/** The one place that maps an engine to its collector; the runner never names an engine itself. */
export const collectorFactories: Readonly<Record<Engine, CollectorFactory>> = Object.freeze({
  postgresql: lazyFactory('postgresql', async () => (await import('./postgresql/index')).createPostgresqlCollector),
  mysql: lazyFactory('mysql', async () => (await import('./mysql/index')).createMysqlCollector),
  mongodb: lazyFactory('mongodb', async () => (await import('./mongodb/index')).createMongodbCollector),
  redis: lazyFactory('redis', async () => (await import('./redis/index')).createRedisCollector),
});
