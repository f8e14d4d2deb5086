import type { Engine } from '../domain';
import type { HealthInput, HealthItem } from './input';

/**
 * What each engine's rules read of the store, so a report loads only that (issue 17's bench: a target with 5,000
 * tables stores 55,000 series and a 10 MB schema snapshot, most of which no rule reads). The evaluator enforces it: a
 * rule asking for a series or schema item type not declared here is skipped with a reason naming the omission (never
 * a pass), and activities/test/health-needs.test.ts proves the catalog gives the same results on the narrowed input
 * as on everything, per engine.
 */
export interface HealthNeeds {
  /** Series the rules read: exact metric names, or families ending in '.' (`replication_slots.`). */
  series: readonly string[];
  /** Item types of the schema snapshot the rules read (settings and access snapshots are small: read whole). */
  schemaTypes: readonly string[];
  /** Of the schema snapshot's column items, the rules read only columns fed by a sequence (PostgreSQL's int4-key rule). */
  sequenceFedColumnsOnly: boolean;
}

export const HEALTH_NEEDS: Readonly<Record<Engine, HealthNeeds>> = {
  postgresql: {
    series: [
      'archiver.failed_count',
      'bgwriter.buffers_backend_fsync',
      'checkpointer.num_requested',
      'checkpointer.num_timed',
      'database_stats.blks_hit',
      'database_stats.blks_read',
      'database_stats.deadlocks',
      'database_stats.temp_bytes',
      'database_stats.xact_commit',
      'database_stats.xact_rollback',
      'databases.mxid_age',
      'databases.xid_age',
      'recovery.',
      'replication_slots.',
      'table_maintenance.last_analyze',
      'table_maintenance.last_autoanalyze',
      'table_maintenance.last_autovacuum',
      'table_maintenance.last_vacuum',
      'table_maintenance.n_dead_tup',
      'table_maintenance.n_live_tup',
      'table_maintenance.n_mod_since_analyze',
      'table_maintenance.xid_age_with_toast',
    ],
    schemaTypes: ['table', 'index', 'column', 'constraint', 'foreign_key', 'sequence'],
    sequenceFedColumnsOnly: true,
  },
  mysql: { series: ['globalStatus.', 'statusGauges.'], schemaTypes: ['database', 'table', 'index'], sequenceFedColumnsOnly: true },
  redis: { series: ['clients.', 'keyspace.', 'memory.', 'persistence.', 'stats.', 'statsGauges.'], schemaTypes: [], sequenceFedColumnsOnly: true },
  mongodb: { series: ['asserts.', 'connections.', 'globalLock.', 'oplog.', 'tickets.', 'wiredTigerCache.'], schemaTypes: ['index'], sequenceFedColumnsOnly: true },
};

/** Whether the engine's declared needs cover this metric (an exact name, or a family it belongs to). */
export function seriesNeeded(engine: Engine, metric: string): boolean {
  return HEALTH_NEEDS[engine].series.some((s) => (s.endsWith('.') ? metric.startsWith(s) : metric === s));
}

/** Whether a `series:<prefix>` need can be met from the declared series (the prefix is, or holds, a declared one). */
export function seriesPrefixNeeded(engine: Engine, prefix: string): boolean {
  return HEALTH_NEEDS[engine].series.some((s) => s.startsWith(prefix) || (s.endsWith('.') && prefix.startsWith(s)));
}

const SEQUENCE_DEFAULT = 'nextval(';

/** Whether a schema snapshot item is one the engine's rules read. The store's SQL applies the same test. */
export function schemaItemNeeded(engine: Engine, item: Pick<HealthItem, 'type' | 'def'>): boolean {
  const needs = HEALTH_NEEDS[engine];
  if (!needs.schemaTypes.includes(item.type)) return false;
  if (item.type !== 'column' || !needs.sequenceFedColumnsOnly) return true;
  const d = item.def.default;
  return typeof d === 'string' && d.startsWith(SEQUENCE_DEFAULT);
}

/** The input as the store loads it for a report: only what the catalog reads (pure; the tests compare results). */
export function narrowHealthInput(input: HealthInput): HealthInput {
  return {
    ...input,
    schema: input.schema ? { ts: input.schema.ts, items: input.schema.items.filter((i) => schemaItemNeeded(input.engine, i)) } : null,
    series: input.series.filter((s) => seriesNeeded(input.engine, s.metric)),
  };
}
