import { genericMetrics, type GenericRule } from './generic-metrics';
import { emptyExtracted, type Extracted } from './types';

/** What an engine contributes: its own sections per category, its generic-metrics rule, and where its version is. */
export interface EngineExtractor {
  version(data: Record<string, unknown>): string | null;
  categories: Partial<Record<string, (data: Record<string, unknown>, out: Extracted) => void>>;
  rule: GenericRule;
}

/** One collection through an engine's extractor: its category's sections, then the generic numeric series. */
export function runExtractor(engine: EngineExtractor, category: string, data: Record<string, unknown>): Extracted {
  const out = emptyExtracted();
  out.version = engine.version(data);
  engine.categories[category]?.(data, out);
  out.metrics.push(...genericMetrics(data, engine.rule));
  return out;
}
