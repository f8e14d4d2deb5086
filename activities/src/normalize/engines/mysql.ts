// MySQL / MariaDB sections (agent/src/collectors/mysql): sessions and lock waits, global status counters and gauges,
// statement digests, variables, accounts and grants, schema.
import { point, type GenericRule } from '../generic-metrics';
import { type BlockingNode, type Extracted, type SnapshotItem } from '../types';
import type { EngineExtractor } from '../engine-extractor';
import { num, numDividedBy, objectOf, omit, pick, rowsOf, str, type Row } from '../values';

const RULE: GenericRule = {
  objects: ['globalStatus', 'statusGauges', 'connections'],
  arrays: {},
  counters: { globalStatus: 'all' },
};

function runtime(data: Record<string, unknown>, out: Extracted): void {
  const waits = rowsOf(data.lockWaits);
  const blockedBy = new Map<string, string[]>();
  for (const w of waits) {
    const id = str(w.waitingThreadId) ?? '';
    blockedBy.set(id, [...(blockedBy.get(id) ?? []), str(w.blockingThreadId) ?? '']);
  }
  const c = objectOf(data.connections);
  const sessions = rowsOf(data.sessions).map((s) => ({
    id: str(s.id) ?? '',
    user: str(s.user),
    database: str(s.db),
    application: null,
    client: str(s.host),
    state: str(s.command),
    waitType: s.state ? 'state' : null,
    wait: str(s.state),
    query: str(s.query),
    durationSeconds: numDividedBy(s.timeMs, 1000) ?? num(s.timeSeconds),
    blockedBy: blockedBy.get(str(s.id) ?? '') ?? [],
  }));
  const byState: Record<string, number> = {};
  for (const s of sessions) byState[s.state ?? 'unknown'] = (byState[s.state ?? 'unknown'] ?? 0) + 1;
  // Blocking tree from the lock-wait pairs: roots are blockers that do not wait themselves.
  const waitersOf = new Map<string, string[]>();
  for (const [waiter, blockers] of blockedBy) for (const b of blockers) waitersOf.set(b, [...(waitersOf.get(b) ?? []), waiter]);
  const tree = (id: string, seen: Set<string>): BlockingNode => ({
    id,
    waiters: (waitersOf.get(id) ?? []).filter((w) => !seen.has(w)).map((w) => tree(w, new Set([...seen, w]))),
  });
  out.activity = {
    sessions,
    lockWaits: waits.map((w) => ({
      id: str(w.waitingThreadId) ?? '',
      blockedBy: [str(w.blockingThreadId) ?? ''],
      lockType: str(w.lockType),
      mode: str(w.lockMode),
      object: str(w.lockTable),
      waitSeconds: numDividedBy(w.waitMs, 1000),
    })),
    blocking: [...waitersOf.keys()].filter((b) => !blockedBy.has(b)).map((b) => tree(b, new Set([b]))),
    connections: { used: num(c.current) ?? 0, max: num(c.maxConnections), byState },
    replication: rowsOf(data.replicaStatus).map((r) => ({
      name: str(r.connectionName) || `${str(r.sourceHost) ?? ''}:${str(r.sourcePort) ?? ''}`,
      state: `io=${str(r.ioRunning) ?? '?'} sql=${str(r.sqlRunning) ?? '?'}`,
      lagSeconds: num(r.secondsBehindSource),
      lagBytes: null,
    })),
  };
  point(out.metrics, 'connections.used', c.current, 'gauge');
  point(out.metrics, 'connections.max', c.maxConnections, 'gauge');
  point(out.metrics, 'sessions.active', c.active, 'gauge');
  point(out.metrics, 'locks.waiting', waits.length, 'gauge');
  for (const r of rowsOf(data.replicaStatus)) {
    point(out.metrics, 'replication.lag_seconds', r.secondsBehindSource, 'gauge', { replica: str(r.connectionName) || 'default' });
  }
}

function workload(data: Record<string, unknown>, out: Extracted): void {
  const g = objectOf(data.globalStatus);
  const gauges = objectOf(data.statusGauges);
  point(out.metrics, 'transactions.commits', g.Com_commit, 'delta');
  point(out.metrics, 'transactions.rollbacks', g.Com_rollback, 'delta');
  point(out.metrics, 'ops.total', g.Questions, 'delta');
  point(out.metrics, 'cache.hits', g.Innodb_buffer_pool_read_requests, 'delta');
  point(out.metrics, 'cache.misses', g.Innodb_buffer_pool_reads, 'delta');
  point(out.metrics, 'threads.running', gauges.Threads_running, 'gauge');
  point(out.metrics, 'threads.connected', gauges.Threads_connected, 'gauge');
  point(out.metrics, 'memory.used_bytes', gauges.Memory_used, 'gauge');
  point(out.metrics, 'buffer_pool.pages_data', gauges.Innodb_buffer_pool_pages_data, 'gauge');
  point(out.metrics, 'buffer_pool.pages_total', gauges.Innodb_buffer_pool_pages_total, 'gauge');
  for (const d of rowsOf(data.statementDigests)) {
    if (!(num(d.calls) ?? 0)) continue;
    out.queries.push({
      fingerprint: `${str(d.schemaName) ?? ''}/${str(d.digest) ?? ''}`,
      database: str(d.schemaName),
      text: str(d.digestText),
      calls: num(d.calls) ?? 0,
      totalTimeMs: (num(d.totalTimeUs) ?? 0) / 1000,
      rows: (num(d.rowsSent) ?? 0) + (num(d.rowsAffected) ?? 0),
      blocksHit: 0,
      blocksRead: num(d.rowsExamined) ?? 0,
    });
  }
}

function operational(data: Record<string, unknown>, out: Extracted): void {
  out.snapshots.settings = Object.entries(objectOf(data.variables)).map(([name, value]) => ({ type: 'setting', name, def: { setting: value } }));
  const access: SnapshotItem[] = [];
  for (const a of rowsOf(data.accounts)) {
    access.push({ type: a.isRole === true ? 'role' : 'user', name: `${str(a.user)}@${str(a.host)}`, def: omit(a, ['user', 'host', 'passwordLastChanged']) });
  }
  for (const g of rowsOf(data.grants)) {
    const on = g.level === 'role' ? `role ${str(g.role)}` : g.level === 'global' ? '*.*' : `${str(g.database) ?? '*'}.${str(g.table) ?? '*'}`;
    access.push({ type: 'privilege', name: `${str(g.user)}@${str(g.host)} on ${on}`, def: pick(g, ['level', 'privileges', 'adminOption']) });
  }
  out.snapshots.access = access;
}

function schema(data: Record<string, unknown>, out: Extracted): void {
  const items: SnapshotItem[] = [];
  for (const s of rowsOf(data.schemas)) items.push({ type: 'database', name: str(s.name) ?? '', def: pick(s, ['charset', 'collation']) });
  const q = (r: Row, name: unknown) => `${str(r.schema)}.${str(name)}`;
  for (const t of rowsOf(data.tables)) {
    items.push({
      type: 'table',
      name: q(t, t.name),
      def: pick(t, ['type', 'engine', 'rowFormat', 'collation', 'createOptions', 'hasPrimaryKey']),
      stats: pick(t, ['rowEstimate', 'dataLength', 'indexLength', 'dataFree']),
    });
  }
  for (const c of rowsOf(data.columns)) {
    items.push({ type: 'column', name: `${q(c, c.table)}.${str(c.name)}`, def: pick(c, ['position', 'columnType', 'nullable', 'default', 'key', 'extra', 'collation']) });
  }
  for (const i of rowsOf(data.indexes)) {
    items.push({
      type: 'index',
      name: `${q(i, i.table)}.${str(i.name)}`,
      def: { table: i.table, columns: i.columns, unique: i.unique, primary: i.primary, method: i.type },
      stats: { scans: num(i.accesses), unused: i.unused === true, invalid: false, duplicateOf: Array.isArray(i.duplicateOf) ? i.duplicateOf : [] },
    });
  }
  out.snapshots.schema = items;
}

export const mysqlExtractor: EngineExtractor = {
  version: (data) => str(objectOf(data.server).version),
  categories: { runtime, workload, operational, schema },
  rule: RULE,
};
