import type { Router } from 'express';
import type { Kysely } from 'kysely';
import type { Database } from '@logstag/store';
import { publicRoute } from '../auth/access';
import { activityRoutes } from './activity.routes';
import { assetsRoutes } from './assets.routes';
import { databasesRoutes } from './databases.routes';
import { openApiDocument } from './openapi';
import { queriesRoutes } from './queries.routes';
import { ExplorerRegistry } from './registry';
import { schemaRoutes } from './schema.routes';

/** Database, Activity, Query and Schema Explorers, Assets, and their OpenAPI document. */
export function explorerRoutes({ db }: { db: Kysely<Database> }): Router {
  const registry = new ExplorerRegistry();
  databasesRoutes(registry, db);
  activityRoutes(registry, db);
  queriesRoutes(registry, db);
  schemaRoutes(registry, db);
  assetsRoutes(registry, db);
  const doc = openApiDocument(registry.docs);
  // The contract is public, like any published API reference; the data behind it is not.
  registry.router.get('/api/openapi.json', publicRoute(), (_req, res) => {
    res.json(doc);
  });
  return registry.router;
}
