// PostgreSQL sections (agent/src/collectors/postgresql): runtime → activity + connection/replication series,
// workload → database/statement counters (deltas), operational → settings and access snapshots, schema → schema snapshot.
import { point, type GenericRule } from '../generic-metrics';
import { type ActivityView, type BlockingNode, type Extracted, type SessionView, type SnapshotItem } from '../types';
import type { EngineExtractor } from '../engine-extractor';
import { isRow, num, objectOf, omit, pick, rowsOf, str, type Row } from '../values';

const RULE: GenericRule = {
  objects: ['bgwriter', 'checkpointer', 'wal', 'archiver', 'recovery'],
  arrays: {
    database_stats: { labels: ['datname'] },
    replication_slots: { labels: ['slot_name'] },
    table_maintenance: { labels: ['datname', 'schema', 'table'] },
    databases: { labels: ['datname'] },
  },
  counters: { database_stats: 'all', bgwriter: 'all', checkpointer: 'all', wal: 'all', archiver: 'all' },
};

function sessionOf(r: Row, blockedBy: Map<string, string[]>): SessionView {
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
  };
}

function blockingOf(v: unknown): BlockingNode[] {
  return rowsOf(v).map((n) => ({ id: str(n.pid) ?? '', waiters: blockingOf(n.waiters) }));
}

function runtime(data: Record<string, unknown>, out: Extracted): void {
  const lockRows = rowsOf(data.lock_waits);
  const blockedBy = new Map(lockRows.map((l) => [str(l.pid) ?? '', (Array.isArray(l.blocking_pids) ? l.blocking_pids : []).map(String)]));
  const sessions = rowsOf(data.sessions).map((r) => sessionOf(r, blockedBy));
  const c = objectOf(data.connections);
  const byState: Record<string, number> = {};
  for (const [k, v] of Object.entries(objectOf(c.by_state))) byState[k] = num(v) ?? 0;
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
    replication: rowsOf(data.replication).map((r) => ({
      name: str(r.application_name) || str(r.client_addr) || str(r.pid) || '',
      state: str(r.state),
      lagSeconds: num(r.replay_lag_seconds),
      lagBytes: num(r.replay_lag_bytes),
    })),
  };
  out.activity = activity;
  point(out.metrics, 'connections.used', c.total, 'gauge');
  point(out.metrics, 'connections.max', c.max_connections, 'gauge');
  for (const [state, n] of Object.entries(byState)) point(out.metrics, 'connections.by_state', n, 'gauge', { state });
  point(out.metrics, 'sessions.active', sessions.filter((s) => s.state === 'active').length, 'gauge');
  point(out.metrics, 'locks.waiting', lockRows.length, 'gauge');
  for (const r of rowsOf(data.replication)) {
    const replica = str(r.application_name) || str(r.client_addr) || '';
    point(out.metrics, 'replication.lag_seconds', r.replay_lag_seconds, 'gauge', { replica });
    point(out.metrics, 'replication.lag_bytes', r.replay_lag_bytes, 'gauge', { replica });
  }
  const recovery = objectOf(data.recovery);
  if (recovery.in_recovery === true) point(out.metrics, 'replication.lag_seconds', recovery.replay_delay_seconds, 'gauge', { replica: 'self' });
}

function workload(data: Record<string, unknown>, out: Extracted): void {
  for (const d of rowsOf(data.database_stats)) {
    const database = str(d.datname) ?? '';
    point(out.metrics, 'transactions.commits', d.xact_commit, 'delta', { database });
    point(out.metrics, 'transactions.rollbacks', d.xact_rollback, 'delta', { database });
    point(out.metrics, 'cache.hits', d.blks_hit, 'delta', { database });
    point(out.metrics, 'cache.misses', d.blks_read, 'delta', { database });
    point(out.metrics, 'deadlocks', d.deadlocks, 'delta', { database });
  }
  // pg_stat_statements rows are per (user, database, queryid, toplevel): one fingerprint per database and queryid.
  const byFingerprint = new Map<string, Row[]>();
  for (const s of rowsOf(data.statements)) {
    if (!(num(s.calls) ?? 0)) continue;
    const fp = `${str(s.datname) ?? ''}/${str(s.queryid) ?? ''}`;
    byFingerprint.set(fp, [...(byFingerprint.get(fp) ?? []), s]);
  }
  for (const [fingerprint, rows] of byFingerprint) {
    const sum = (f: string) => rows.reduce((a, r) => a + (num(r[f]) ?? 0), 0);
    out.queries.push({
      fingerprint,
      database: str(rows[0]?.datname),
      text: rows.map((r) => str(r.query)).find((t) => t !== null) ?? null,
      calls: sum('calls'),
      totalTimeMs: sum('total_exec_time') + sum('total_plan_time'),
      rows: sum('rows'),
      blocksHit: sum('shared_blks_hit'),
      blocksRead: sum('shared_blks_read'),
    });
  }
}

function operational(data: Record<string, unknown>, out: Extracted): void {
  out.snapshots.settings = rowsOf(data.settings).map((s) => ({
    type: 'setting',
    name: str(s.name) ?? '',
    def: pick(s, ['setting', 'unit', 'source', 'pending_restart']),
  }));
  const access: SnapshotItem[] = [];
  for (const r of rowsOf(data.roles)) access.push({ type: 'role', name: str(r.rolname) ?? '', def: omit(r, ['oid', 'rolname']) });
  for (const m of rowsOf(data.memberships)) access.push({ type: 'membership', name: `${str(m.member)} in ${str(m.role)}`, def: omit(m, ['role', 'member', 'grantor']) });
  const privilege = (object: string, r: Row) =>
    access.push({ type: 'privilege', name: `${str(r.grantee)} on ${object}`, def: { privileges: r.privileges, grantable: r.grantable ?? [] } });
  for (const r of rowsOf(data.database_privileges)) privilege(`database ${str(r.datname)}`, r);
  for (const r of rowsOf(data.schema_privileges)) privilege(`schema ${str(r.datname)}.${str(r.schema)}`, r);
  for (const r of rowsOf(data.table_privileges)) privilege(`table ${str(r.datname)}.${str(r.schema)}.${str(r.table)}`, r);
  out.snapshots.access = access;
}

function schema(data: Record<string, unknown>, out: Extracted): void {
  const items: SnapshotItem[] = [];
  const q = (r: Row, name: unknown) => `${str(r.datname)}.${str(r.schema)}.${str(name)}`;
  for (const s of rowsOf(data.schemas)) items.push({ type: 'schema', name: `${str(s.datname)}.${str(s.name)}`, def: pick(s, ['owner']) });
  for (const t of rowsOf(data.tables)) {
    items.push({
      type: 'table',
      name: q(t, t.name),
      def: pick(t, ['relkind', 'relpersistence', 'owner', 'has_primary_key', 'partition_of', 'row_security', 'reloptions']),
      stats: pick(t, ['estimated_rows', 'table_bytes', 'indexes_bytes', 'total_bytes']),
    });
  }
  for (const c of rowsOf(data.columns)) {
    items.push({ type: 'column', name: `${q(c, c.table)}.${str(c.name)}`, def: pick(c, ['position', 'type', 'nullable', 'default', 'identity', 'generated']) });
  }
  for (const i of rowsOf(data.indexes)) {
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
  for (const c of rowsOf(data.constraints)) items.push({ type: 'constraint', name: `${q(c, c.table)}.${str(c.name)}`, def: pick(c, ['type', 'definition', 'validated']) });
  for (const f of rowsOf(data.foreign_keys)) items.push({ type: 'foreign_key', name: `${q(f, f.table)}.${str(f.name)}`, def: omit(f, ['datname', 'schema', 'table', 'name', 'has_index']), stats: { hasIndex: f.has_index } });
  for (const s of rowsOf(data.sequences)) items.push({ type: 'sequence', name: q(s, s.name), def: pick(s, ['data_type', 'increment', 'max_value', 'cycle']) });
  out.snapshots.schema = items;
}

export const postgresqlExtractor: EngineExtractor = {
  version: (data) => str(objectOf(data.server).version),
  categories: { runtime, workload, operational, schema },
  rule: RULE,
};
