// PostgreSQL sections (agent/src/collectors/postgresql): runtime → activity + connection/replication series,
// workload → database/statement counters (deltas), operational → settings and access snapshots, schema → schema snapshot.
import { METRICS, type CollectionData, type EngineData, type SectionRow } from '@logstag/schema';
import { postgresStatementFingerprint, type StatementIo, type UserStatementStats } from '@logstag/store';
import type { EngineExtractor } from '../engine-extractor';
import { point } from '../generic-metrics';
import { objectIn, omitFields, pickFields, rowsIn } from '../section-readers';
import { type ActivityView, type BlockingNode, type Extracted, type SessionView, type SnapshotItem } from '../types';
import { isRow, num, str } from '../values';

type Data<C extends 'runtime' | 'workload' | 'operational' | 'schema'> = CollectionData<'postgresql', C>;
type PgRow<K extends keyof EngineData<'postgresql'>> = SectionRow<'postgresql', K>;

function sessionOf(r: PgRow<'sessions'>, blockedBy: Map<string, string[]>): SessionView {
  const id = str(r.pid) ?? '';
  return {
    id,
    user: str(r.usename),
    database: str(r.datname),
    application: str(r.application_name) || null,
    client: str(r.client_addr),
    state: str(r.state),
    waitType: str(r.wait_event_type),
    wait: str(r.wait_event),
    query: str(r.query),
    durationSeconds: num(r.query_duration_seconds) ?? num(r.state_duration_seconds),
    blockedBy: blockedBy.get(id) ?? [],
    transactionSeconds: num(r.xact_duration_seconds),
    xminAge: num(r.backend_xmin_age) ?? num(r.backend_xid_age),
    backendType: str(r.backend_type),
    queryId: str(r.query_id),
  };
}

function blockingOf(v: ReadonlyArray<PgRow<'blocking_tree'>> | null | undefined): BlockingNode[] {
  return rowsIn(v).map((n) => ({ id: str(n.pid) ?? '', waiters: blockingOf(n.waiters) }));
}

function runtime(data: Data<'runtime'>, out: Extracted): void {
  const lockRows = rowsIn(data.lock_waits);
  const blockedBy = new Map(lockRows.map((l) => [str(l.pid) ?? '', (Array.isArray(l.blocking_pids) ? l.blocking_pids : []).map(String)]));
  const sessions = rowsIn(data.sessions).map((r) => sessionOf(r, blockedBy));
  const c = objectIn(data.connections);
  const byState: Record<string, number> = {};
  for (const [k, v] of Object.entries(objectIn(c.by_state))) byState[k] = num(v) ?? 0;
  const activity: ActivityView = {
    sessions,
    lockWaits: lockRows.map((l) => ({
      id: str(l.pid) ?? '',
      blockedBy: blockedBy.get(str(l.pid) ?? '') ?? [],
      lockType: str(l.locktype),
      mode: str(l.mode),
      object: l.relation_name ? `${str(l.relation_schema) ?? ''}.${str(l.relation_name)}` : str(l.transactionid),
      waitSeconds: num(l.wait_seconds),
    })),
    blocking: blockingOf(data.blocking_tree),
    connections: isRow(data.connections) ? { used: num(c.total) ?? 0, max: num(c.max_connections), byState } : null,
    replication: rowsIn(data.replication).map((r) => ({
      name: str(r.application_name) || str(r.client_addr) || str(r.pid) || '',
      state: str(r.state),
      lagSeconds: num(r.replay_lag_seconds),
      lagBytes: num(r.replay_lag_bytes),
    })),
  };
  out.activity = activity;
  point(out.metrics, METRICS.connectionsUsed, c.total);
  point(out.metrics, METRICS.connectionsMax, c.max_connections);
  for (const [state, n] of Object.entries(byState)) point(out.metrics, METRICS.connectionsByState, n, { state });
  point(out.metrics, METRICS.sessionsActive, sessions.filter((s) => s.state === 'active').length);
  point(out.metrics, METRICS.locksWaiting, lockRows.length);
  for (const r of rowsIn(data.replication)) {
    const replica = str(r.application_name) || str(r.client_addr) || '';
    point(out.metrics, METRICS.replicationLagSeconds, r.replay_lag_seconds, { replica });
    point(out.metrics, METRICS.replicationLagBytes, r.replay_lag_bytes, { replica });
  }
  const recovery = objectIn(data.recovery);
  if (recovery.in_recovery === true) point(out.metrics, METRICS.replicationLagSeconds, recovery.replay_delay_seconds, { replica: 'self' });
}

/** A statement counter summed over its rows; null when no row has it (an older server or agent does not send it). */
function sumOrNull(rows: ReadonlyArray<PgRow<'statements'>>, field: 'temp_blks_read' | 'temp_blks_written' | 'blk_read_time' | 'blk_write_time' | 'exec_time_sq'): number | null {
  const values = rows.map((r) => num(r[field]));
  return values.some((v) => v !== null) ? values.reduce<number>((a, v) => a + (v ?? 0), 0) : null;
}

function workload(data: Data<'workload'>, out: Extracted): void {
  for (const d of rowsIn(data.database_stats)) {
    const database = str(d.datname) ?? '';
    point(out.metrics, METRICS.transactionsCommits, d.xact_commit, { database });
    point(out.metrics, METRICS.transactionsRollbacks, d.xact_rollback, { database });
    point(out.metrics, METRICS.cacheHits, d.blks_hit, { database });
    point(out.metrics, METRICS.cacheMisses, d.blks_read, { database });
    point(out.metrics, METRICS.deadlocks, d.deadlocks, { database });
  }
  // pg_stat_statements rows are per (user, database, queryid, toplevel): one fingerprint per database and queryid.
  const byFingerprint = new Map<string, Array<PgRow<'statements'>>>();
  for (const s of rowsIn(data.statements)) {
    if (!(num(s.calls) ?? 0)) continue;
    const fp = postgresStatementFingerprint(str(s.datname), str(s.queryid));
    byFingerprint.set(fp, [...(byFingerprint.get(fp) ?? []), s]);
  }
  for (const [fingerprint, rows] of byFingerprint) {
    const sum = (f: 'calls' | 'total_exec_time' | 'total_plan_time' | 'rows' | 'shared_blks_hit' | 'shared_blks_read') =>
      rows.reduce((a, r) => a + (num(r[f]) ?? 0), 0);
    out.queries.push({
      fingerprint,
      database: str(rows[0]?.datname),
      text: rows.map((r) => str(r.query)).find((t) => t !== null) ?? null,
      calls: sum('calls'),
      totalTimeMs: sum('total_exec_time') + sum('total_plan_time'),
      rows: sum('rows'),
      blocksHit: sum('shared_blks_hit'),
      blocksRead: sum('shared_blks_read'),
      io: ioOf(rows),
      byUser: byUserOf(rows),
    });
  }
}

function ioOf(rows: ReadonlyArray<PgRow<'statements'>>): StatementIo {
  return {
    tempBlksRead: sumOrNull(rows, 'temp_blks_read'),
    tempBlksWritten: sumOrNull(rows, 'temp_blks_written'),
    blkReadTimeMs: sumOrNull(rows, 'blk_read_time'),
    blkWriteTimeMs: sumOrNull(rows, 'blk_write_time'),
    execTimeSq: sumOrNull(rows, 'exec_time_sq'),
  };
}

/** The role of a pg_stat_statements row whose role was dropped since (pg_roles has no name for its userid). */
export const DROPPED_ROLE = '(dropped role)';

/**
 * The statement's counters per role (pg_stat_statements' userid, named through pg_roles by the agent): the Query
 * Explorer's user filter reads them. Top-level and nested rows of a role are summed, as for the statement.
 */
function byUserOf(rows: ReadonlyArray<PgRow<'statements'>>): Record<string, UserStatementStats> {
  const groups = new Map<string, Array<PgRow<'statements'>>>();
  for (const r of rows) {
    const user = str(r.usename) ?? DROPPED_ROLE;
    groups.set(user, [...(groups.get(user) ?? []), r]);
  }
  // Role names are the monitored server's text: built with fromEntries, a role named __proto__ is a key like any other.
  return Object.fromEntries(
    [...groups].map(([user, own]): [string, UserStatementStats] => {
      const sum = (f: 'calls' | 'total_exec_time' | 'total_plan_time' | 'rows' | 'shared_blks_hit' | 'shared_blks_read') => own.reduce((a, r) => a + (num(r[f]) ?? 0), 0);
      return [user, { calls: sum('calls'), totalTimeMs: sum('total_exec_time') + sum('total_plan_time'), rows: sum('rows'), blocksHit: sum('shared_blks_hit'), blocksRead: sum('shared_blks_read'), ...ioOf(own) }];
    }),
  );
}

const MAINTENANCE_TIMES = ['last_vacuum', 'last_autovacuum', 'last_analyze', 'last_autoanalyze'] as const;

function operational(data: Data<'operational'>, out: Extracted): void {
  out.snapshots.settings = rowsIn(data.settings).map((s) => ({
    type: 'setting',
    name: str(s.name) ?? '',
    def: pickFields(s, ['setting', 'unit', 'source', 'pending_restart']),
    // Shown, never compared: a snapshot taken before they were stored does not read as every setting altered.
    stats: pickFields(s, ['context', 'vartype', 'is_default', 'redacted', 'boot_val']),
  }));
  const access: SnapshotItem[] = [];
  for (const r of rowsIn(data.roles)) access.push({ type: 'role', name: str(r.rolname) ?? '', def: omitFields(r, ['oid', 'rolname']) });
  for (const m of rowsIn(data.memberships)) access.push({ type: 'membership', name: `${str(m.member)} in ${str(m.role)}`, def: omitFields(m, ['role', 'member', 'grantor']) });
  const privilege = (object: string, r: { grantee?: string | null; privileges?: string[] | null; grantable?: string[] | null }) =>
    access.push({ type: 'privilege', name: `${str(r.grantee)} on ${object}`, def: { privileges: r.privileges, grantable: r.grantable ?? [] } });
  for (const r of rowsIn(data.database_privileges)) privilege(`database ${str(r.datname)}`, r);
  for (const r of rowsIn(data.schema_privileges)) privilege(`schema ${str(r.datname)}.${str(r.schema)}`, r);
  for (const r of rowsIn(data.table_privileges)) privilege(`table ${str(r.datname)}.${str(r.schema)}.${str(r.table)}`, r);
  out.snapshots.access = access;
  // What the index scan counts (index_usage, a metric family) count from: one point per database.
  const resets = new Map<string, unknown>();
  for (const u of rowsIn(data.index_usage)) if (!resets.has(str(u.datname) ?? '')) resets.set(str(u.datname) ?? '', u.stats_reset);
  for (const [database, reset] of resets) {
    const at = typeof reset === 'string' ? Date.parse(reset) : NaN;
    point(out.metrics, METRICS.statsResetAt, Number.isFinite(at) ? at / 1000 : 0, { database });
  }
  // When each table was last vacuumed and analyzed, by hand or by autovacuum (issue 14): epoch seconds, 0 for never.
  // Gauges of the table_maintenance family's labels, so the Schema Explorer reads them with the table's other numbers.
  for (const t of rowsIn(data.table_maintenance)) {
    const labels = { datname: str(t.datname) ?? '', schema: str(t.schema) ?? '', table: str(t.table) ?? '' };
    for (const field of MAINTENANCE_TIMES) {
      const at = typeof t[field] === 'string' ? Date.parse(t[field]) : NaN;
      out.metrics.push({ metric: `table_maintenance.${field}`, labels, value: Number.isFinite(at) ? at / 1000 : 0, kind: 'gauge' });
    }
  }
}

function schema(data: Data<'schema'>, out: Extracted): void {
  const items: SnapshotItem[] = [];
  const q = (r: { datname?: string | null; schema?: string | null }, name: unknown) => `${str(r.datname)}.${str(r.schema)}.${str(name)}`;
  for (const s of rowsIn(data.schemas)) items.push({ type: 'schema', name: `${str(s.datname)}.${str(s.name)}`, def: pickFields(s, ['owner']) });
  for (const t of rowsIn(data.tables)) {
    items.push({
      type: 'table',
      name: q(t, t.name),
      def: pickFields(t, ['relkind', 'relpersistence', 'owner', 'has_primary_key', 'partition_of', 'row_security', 'reloptions']),
      stats: pickFields(t, ['estimated_rows', 'table_bytes', 'indexes_bytes', 'total_bytes']),
    });
  }
  for (const c of rowsIn(data.columns)) {
    items.push({ type: 'column', name: `${q(c, c.table)}.${str(c.name)}`, def: pickFields(c, ['position', 'type', 'nullable', 'default', 'identity', 'generated']) });
  }
  for (const i of rowsIn(data.indexes)) {
    items.push({
      type: 'index',
      name: q(i, i.name),
      def: { table: i.table, definition: i.definition, unique: i.is_unique, primary: i.is_primary, valid: i.is_valid },
      stats: {
        sizeBytes: num(i.size_bytes),
        scans: num(i.idx_scan),
        unused: num(i.idx_scan) === 0 && i.is_primary !== true && i.is_unique !== true,
        invalid: i.invalid === true || i.is_valid === false,
        duplicateOf: Array.isArray(i.duplicate_of) ? i.duplicate_of : [],
      },
    });
  }
  for (const c of rowsIn(data.constraints)) items.push({ type: 'constraint', name: `${q(c, c.table)}.${str(c.name)}`, def: pickFields(c, ['type', 'definition', 'validated']) });
  for (const f of rowsIn(data.foreign_keys)) {
    items.push({ type: 'foreign_key', name: `${q(f, f.table)}.${str(f.name)}`, def: omitFields(f, ['datname', 'schema', 'table', 'name', 'has_index']), stats: { hasIndex: f.has_index } });
  }
  // Headroom (how much of the sequence's range, or of the column it feeds, is used) and the increment are shown, never
  // compared: the last value moves on every insert, and sequences stored before did not have them.
  for (const s of rowsIn(data.sequences)) {
    items.push({
      type: 'sequence',
      name: q(s, s.name),
      def: pickFields(s, ['data_type', 'max_value', 'cycle']),
      stats: pickFields(s, [
        'increment_by', 'start_value', 'min_value', 'last_value', 'last_value_readable', 'owned_by_table', 'owned_by_column', 'owned_by_column_type',
        'effective_max', 'effective_min', 'percent_used',
      ]),
    });
  }
  out.snapshots.schema = items;
}

export const postgresqlExtractor: EngineExtractor<'postgresql'> = {
  version: (data) => str(objectIn(data.server).version),
  categories: { runtime, workload, operational, schema },
};
