import { extractMongodb } from './engines/mongodb';
import { extractMysql } from './engines/mysql';
import { extractPostgresql } from './engines/postgresql';
import { extractRedis } from './engines/redis';
import { emptyExtracted, type Extracted } from './types';

const BY_ENGINE: Record<string, (category: string, data: Record<string, unknown>) => Extracted> = {
  postgresql: extractPostgresql,
  mysql: extractMysql,
  redis: extractRedis,
  mongodb: extractMongodb,
};

/** What one collection contributes, by engine. Pure: the unit tests call it on recorded payloads. */
export function extractCollection(engine: string, category: string, data: Record<string, unknown>): Extracted {
  const extract = BY_ENGINE[engine];
  return extract ? extract(category, data) : emptyExtracted();
}
