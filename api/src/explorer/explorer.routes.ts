import type { Router } from 'express';
import type { Kysely } from 'kysely';
import type { Database } from '@logstag/store';
import type { ApiRegistry } from '../http/api-registry';
import { activityRoutes } from './activity.routes';
import { assetsRoutes } from './assets.routes';
import { databasesRoutes } from './databases.routes';
import { fleetRoutes } from './fleet.routes';
import { queriesRoutes } from './queries.routes';
import { ExplorerRegistry } from './registry';
import { schemaRoutes } from './schema.routes';

/** Database, Activity, Query and Schema Explorers, and Assets. */
export function explorerRoutes(api: ApiRegistry, { db }: { db: Kysely<Database> }): Router {
  const registry = new ExplorerRegistry(api);
  databasesRoutes(registry, db);
  fleetRoutes(registry, db);
  activityRoutes(registry, db);
  queriesRoutes(registry, db);
  schemaRoutes(registry, db);
  assetsRoutes(registry, db);
  return registry.router;
}
