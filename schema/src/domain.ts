import * as z from 'zod/mini';

/** Database engines the agent monitors. MariaDB is reported as `mysql` with its flavour in the data. */
export const ENGINES = ['postgresql', 'mysql', 'mongodb', 'redis'] as const;
export const engineSchema = z.enum(ENGINES);
export type Engine = z.infer<typeof engineSchema>;

/**
 * Collection categories and their default intervals. Runtime signals change by the second, schema metadata by the day;
 * collecting each at its own pace keeps the agent light on the monitored database.
 */
export const CATEGORIES = ['runtime', 'workload', 'operational', 'schema'] as const;
export const categorySchema = z.enum(CATEGORIES);
export type Category = z.infer<typeof categorySchema>;

export const DEFAULT_INTERVAL_SECONDS: Readonly<Record<Category, number>> = Object.freeze({
  runtime: 10,
  workload: 60,
  operational: 600,
  schema: 14_400,
});
