import { mongodbExtractor } from './engines/mongodb';
import { mysqlExtractor } from './engines/mysql';
import { postgresqlExtractor } from './engines/postgresql';
import { redisExtractor } from './engines/redis';
import { runExtractor, type EngineExtractor } from './engine-extractor';
import { emptyExtracted, type Extracted } from './types';

const BY_ENGINE: Record<string, EngineExtractor> = {
  postgresql: postgresqlExtractor,
  mysql: mysqlExtractor,
  redis: redisExtractor,
  mongodb: mongodbExtractor,
};

/** What one collection contributes, by engine. Pure: the unit tests call it on recorded payloads. */
export function extractCollection(engine: string, category: string, data: Record<string, unknown>): Extracted {
  const extractor = BY_ENGINE[engine];
  return extractor ? runExtractor(extractor, category, data) : emptyExtracted();
}
