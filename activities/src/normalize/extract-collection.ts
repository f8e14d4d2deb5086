import { currentSectionNames, METRICS, type Category, type CollectionData, type Engine } from '@logstag/schema';
import { isMonitoringStatement } from '@logstag/store';
import type { EngineExtractor } from './engine-extractor';
import { mongodbExtractor } from './engines/mongodb';
import { mysqlExtractor } from './engines/mysql';
import { postgresqlExtractor } from './engines/postgresql';
import { redisExtractor } from './engines/redis';
import { genericMetrics } from './generic-metrics';
import { emptyExtracted, type Extracted, type QueryStat } from './types';

const BY_ENGINE: { readonly [E in Engine]: EngineExtractor<E> } = {
  postgresql: postgresqlExtractor,
  mysql: mysqlExtractor,
  redis: redisExtractor,
  mongodb: mongodbExtractor,
};

const isEngine = (engine: string): engine is Engine => Object.hasOwn(BY_ENGINE, engine);

/**
 * What one collection contributes, by engine: its category's sections through the engine's extractor, then the
 * catalog's metric families. Data of schemaVersion 1 (the default: what deployed agents and the recorded fixtures
 * send) is read through its old section names. Pure: the unit tests call it on recorded payloads.
 */
export function extractCollection(engine: string, category: string, data: Record<string, unknown>, schemaVersion: unknown = 1): Extracted {
  if (!isEngine(engine)) return emptyExtracted();
  const sections = currentSectionNames(engine, schemaVersion, data);
  const extractor = BY_ENGINE[engine] as EngineExtractor<Engine>;
  const out = emptyExtracted();
  // The payload passed its version's schema at ingest; the extractors' readers stay tolerant of version 1's values.
  const typed = sections as CollectionData<Engine, Category>;
  out.version = extractor.version(typed);
  (extractor.categories[category as Category] as ((d: typeof typed, o: Extracted) => void) | undefined)?.(typed, out);
  // A collection that failed as a whole (deadline, target down) sends no data: its extractor reads every list as
  // empty, and its snapshots would say that every setting, privilege and table was removed, then re-added by the next
  // collection. It is no evidence about them: it contributes no snapshot.
  if (!Object.keys(data).some((k) => k !== 'server' && k !== '_delta')) out.snapshots = {};
  out.metrics.push(...genericMetrics(engine, sections));
  const slowest = slowestStatementMean(engine, out.queries);
  if (slowest !== null) out.metrics.push({ metric: METRICS.statementsSlowestMean.name, labels: {}, value: slowest, kind: 'gauge' });
  const seconds = deltaSeconds(data);
  if (seconds !== undefined) for (const m of out.metrics) if (m.kind === 'delta') m.seconds = seconds;
  return out;
}

/**
 * The seconds this collection's deltas cover (`_delta.seconds`: since the previous successful collection of the
 * category). Rates are read per second of it, not per second of a chart's bucket. Absent on a baseline collection.
 */
export function deltaSeconds(data: Readonly<Record<string, unknown>>): number | undefined {
  const d = data._delta;
  if (d === null || typeof d !== 'object') return undefined;
  const s = (d as Record<string, unknown>).seconds;
  return typeof s === 'number' && Number.isFinite(s) && s > 0 ? s : undefined;
}

/**
 * The highest mean time per call (ms) among the application's statements that ran in this collection's interval, or
 * null when none ran: the fleet overview's "slowest statement" column and sparkline, stored as a gauge so that it
 * is rolled up with the other series instead of being computed from every target's statistics at read time. The
 * agent's own and other monitoring statements are left out (isMonitoringStatement), as the Query Explorer hides them.
 */
export function slowestStatementMean(engine: string, queries: readonly QueryStat[]): number | null {
  let slowest: number | null = null;
  for (const q of queries) {
    if (!(q.calls > 0) || !Number.isFinite(q.totalTimeMs) || isMonitoringStatement(engine, q.text)) continue;
    const mean = q.totalTimeMs / q.calls;
    if (slowest === null || mean > slowest) slowest = mean;
  }
  return slowest;
}
