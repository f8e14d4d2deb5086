import type { Engine } from '@logstag/schema';
import { createMongodbCollector } from './mongodb/index';
import { createMysqlCollector } from './mysql/index';
import { createPostgresqlCollector } from './postgresql/index';
import { createRedisCollector } from './redis/index';
import type { CollectorFactory } from './types';

/** The one place that maps an engine to its collector; the runner never names an engine itself. */
export const collectorFactories: Readonly<Record<Engine, CollectorFactory>> = Object.freeze({
  postgresql: createPostgresqlCollector,
  mysql: createMysqlCollector,
  mongodb: createMongodbCollector,
  redis: createRedisCollector,
});
