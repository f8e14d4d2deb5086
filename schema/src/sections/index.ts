import * as z from 'zod/mini';
import type { Category, Engine } from '../domain';
import { deltaInfo } from './fields';
import { MONGODB_SECTIONS } from './mongodb';
import { MYSQL_SECTIONS } from './mysql';
import { POSTGRESQL_SECTIONS } from './postgresql';
import { REDIS_SECTIONS } from './redis';

export * from './postgresql';
export * from './mysql';
export * from './redis';
export * from './mongodb';
export { deltaInfo } from './fields';

/**
 * Every section the agent sends, by engine and category: the payload contract between the collectors, which build
 * these sections, and the server's extractors, which read them. Section names are snake_case on every engine.
 */
export const SECTIONS = {
  postgresql: POSTGRESQL_SECTIONS,
  mysql: MYSQL_SECTIONS,
  redis: REDIS_SECTIONS,
  mongodb: MONGODB_SECTIONS,
} as const;

type SectionSchemas = (typeof SECTIONS)[Engine][Category];
type DataOf<S extends SectionSchemas> = { -readonly [K in keyof S]?: (S[K] extends z.ZodMiniType ? z.infer<S[K]> : never) | null };

export type DeltaInfo = z.infer<typeof deltaInfo>;

/** The `data` of one engine's collection of one category: its sections, each optional, and the counters' delta info. */
export type CollectionData<E extends Engine, C extends Category> = DataOf<(typeof SECTIONS)[E][C]> & { _delta?: DeltaInfo };

/** Every section an engine's collectors may write, whatever the category (steps of all categories share one type). */
export type EngineData<E extends Engine> = CollectionData<E, 'runtime'> &
  CollectionData<E, 'workload'> &
  CollectionData<E, 'operational'> &
  CollectionData<E, 'schema'>;

/** One section of an engine, as collectors build it (whatever its category). */
export type Section<E extends Engine, K extends keyof EngineData<E>> = NonNullable<EngineData<E>[K]>;
/** One row of an engine's list section. */
export type SectionRow<E extends Engine, K extends keyof EngineData<E>> = Section<E, K> extends ReadonlyArray<infer R> ? R : never;

/** One collection's engine, category and typed data: narrowing on engine and category narrows the data. */
export type TypedCollection = {
  [E in Engine]: { [C in Category]: { engine: E; category: C; data: CollectionData<E, C> } }[Category];
}[Engine];

function dataSchema(sections: Record<string, z.ZodMiniType>): z.ZodMiniType {
  const shape: Record<string, z.ZodMiniType> = { _delta: z.optional(deltaInfo) };
  for (const [name, schema] of Object.entries(sections)) shape[name] = z.optional(z.nullable(schema));
  // Sections it does not declare pass through (a newer agent's), to be kept with the raw payload.
  return z.looseObject(shape);
}

const DATA_SCHEMAS = Object.fromEntries(
  Object.entries(SECTIONS).map(([engine, categories]) => [
    engine,
    Object.fromEntries(Object.entries(categories).map(([category, sections]) => [category, dataSchema(sections)])),
  ]),
) as Record<Engine, Record<Category, z.ZodMiniType>>;

/** The schema of one engine's collection data for one category. */
export function collectionDataSchema(engine: Engine, category: Category): z.ZodMiniType {
  return DATA_SCHEMAS[engine][category];
}

export { VERSION_1_SECTION_NAMES, currentSectionNames } from './version-1';
