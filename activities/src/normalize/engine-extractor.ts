import type { Category, CollectionData, Engine } from '@logstag/schema';
import type { Extracted } from './types';

/**
 * What an engine contributes: its own sections per category, read as @logstag/schema types them, and where its
 * version is. The generic series of its sections are the catalog's metric families (generic-metrics.ts).
 */
export interface EngineExtractor<E extends Engine> {
  version(data: CollectionData<E, Category>): string | null;
  categories: { [C in Category]?: (data: CollectionData<E, C>, out: Extracted) => void };
}
