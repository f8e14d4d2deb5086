// MySQL / MariaDB sections (agent/src/collectors/mysql): sessions and lock waits, global status counters and gauges,
// statement digests, variables, accounts and grants, schema.
import { METRICS, type CollectionData } from '@logstag/schema';
import type { EngineExtractor } from '../engine-extractor';
import { point } from '../generic-metrics';
import { objectIn, omitFields, pickFields, rowsIn } from '../section-readers';
import { type BlockingNode, type Extracted, type SnapshotItem } from '../types';
import { num, numDividedBy, str } from '../values';

type Data<C extends 'runtime' | 'workload' | 'operational' | 'schema'> = CollectionData<'mysql', C>;

function runtime(data: Data<'runtime'>, out: Extracted): void {
  const waits = rowsIn(data.lock_waits);
  const blockedBy = new Map<string, string[]>();
  // What a waiting thread waits on: the processlist only says "Updating" or "Sending data" during an InnoDB row-lock
  // wait, so the wait chart read "no wait data" while an UPDATE waited for minutes (issue 14).
  const lockOf = new Map<string, string>();
  for (const w of waits) {
    const id = str(w.waitingThreadId) ?? '';
    blockedBy.set(id, [...(blockedBy.get(id) ?? []), str(w.blockingThreadId) ?? '']);
    lockOf.set(id, /^TABLE$/i.test(str(w.lockType) ?? '') ? 'table lock' : 'row lock');
  }
  const c = objectIn(data.connections);
  const sessions = rowsIn(data.sessions).map((s) => ({
    id: str(s.id) ?? '',
    user: str(s.user),
    database: str(s.db),
    application: null,
    client: str(s.host),
    state: str(s.command),
    waitType: lockOf.has(str(s.id) ?? '') ? 'Lock' : s.state ? 'state' : null,
    wait: lockOf.get(str(s.id) ?? '') ?? str(s.state),
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
    replication: rowsIn(data.replica_status).map((r) => ({
      name: str(r.connectionName) || `${str(r.sourceHost) ?? ''}:${str(r.sourcePort) ?? ''}`,
      state: `io=${str(r.ioRunning) ?? '?'} sql=${str(r.sqlRunning) ?? '?'}`,
      lagSeconds: num(r.secondsBehindSource),
      lagBytes: null,
    })),
  };
  point(out.metrics, METRICS.connectionsUsed, c.current);
  point(out.metrics, METRICS.connectionsMax, c.maxConnections);
  point(out.metrics, METRICS.sessionsActive, c.active);
  point(out.metrics, METRICS.locksWaiting, waits.length);
  for (const r of rowsIn(data.replica_status)) {
    point(out.metrics, METRICS.replicationLagSeconds, r.secondsBehindSource, { replica: str(r.connectionName) || 'default' });
  }
}

function workload(data: Data<'workload'>, out: Extracted): void {
  const g = objectIn(data.global_status);
  const gauges = objectIn(data.status_gauges);
  point(out.metrics, METRICS.transactionsCommits, g['Com_commit']);
  point(out.metrics, METRICS.transactionsRollbacks, g['Com_rollback']);
  point(out.metrics, METRICS.opsTotal, g['Questions']);
  point(out.metrics, METRICS.cacheHits, g['Innodb_buffer_pool_read_requests']);
  point(out.metrics, METRICS.cacheMisses, g['Innodb_buffer_pool_reads']);
  point(out.metrics, METRICS.threadsRunning, gauges['Threads_running']);
  point(out.metrics, METRICS.threadsConnected, gauges['Threads_connected']);
  point(out.metrics, METRICS.memoryUsedBytes, gauges['Memory_used']);
  point(out.metrics, METRICS.bufferPoolPagesData, gauges['Innodb_buffer_pool_pages_data']);
  point(out.metrics, METRICS.bufferPoolPagesTotal, gauges['Innodb_buffer_pool_pages_total']);
  for (const d of rowsIn(data.statement_digests)) {
    if (!(num(d.calls) ?? 0)) continue;
    out.queries.push({
      fingerprint: `${str(d.schemaName) ?? ''}/${str(d.digest) ?? ''}`,
      database: str(d.schemaName),
      text: str(d.digestText),
      calls: num(d.calls) ?? 0,
      totalTimeMs: (num(d.totalTimeUs) ?? 0) / 1000,
      rows: (num(d.rowsSent) ?? 0) + (num(d.rowsAffected) ?? 0),
      blocksHit: 0,
      // Kept for the health rules that read rows examined from it (issue 17); the explorers read scans.rowsExamined.
      blocksRead: num(d.rowsExamined) ?? 0,
      scans: { rowsExamined: num(d.rowsExamined), noIndexUsed: num(d.noIndexUsed), fullScans: num(d.fullScans), fullJoins: num(d.fullJoins), tmpDiskTables: num(d.tmpDiskTables) },
    });
  }
}

function operational(data: Data<'operational'>, out: Extracted): void {
  out.snapshots.settings = Object.entries(objectIn(data.variables)).map(([name, value]) => ({ type: 'setting', name, def: { setting: value } }));
  const access: SnapshotItem[] = [];
  for (const a of rowsIn(data.accounts)) {
    access.push({ type: a.isRole === true ? 'role' : 'user', name: `${str(a.user)}@${str(a.host)}`, def: omitFields(a, ['user', 'host', 'passwordLastChanged']) });
  }
  for (const g of rowsIn(data.grants)) {
    const on = g.level === 'role' ? `role ${str(g.role)}` : g.level === 'global' ? '*.*' : `${str(g.database) ?? '*'}.${str(g.table) ?? '*'}`;
    access.push({ type: 'privilege', name: `${str(g.user)}@${str(g.host)} on ${on}`, def: pickFields(g, ['level', 'privileges', 'adminOption']) });
  }
  out.snapshots.access = access;
}

/** The largest value of an integer column type (`int(11) unsigned`, `bigint`), as a number; null for other types. */
export function integerTypeMax(columnType: string | null): number | null {
  const m = /^(tinyint|smallint|mediumint|int|integer|bigint)\b.*?(\bunsigned\b)?$/i.exec((columnType ?? '').trim());
  if (!m) return null;
  const bits: Record<string, number> = { tinyint: 8, smallint: 16, mediumint: 24, int: 32, integer: 32, bigint: 64 };
  const b = bits[m[1]!.toLowerCase()]!;
  return m[2] ? 2 ** b - 1 : 2 ** (b - 1) - 1;
}

function schema(data: Data<'schema'>, out: Extracted): void {
  const items: SnapshotItem[] = [];
  // AUTO_INCREMENT headroom: the next id against the largest value of the table's auto-increment column.
  const autoColumnType = new Map<string, string | null>();
  for (const c of rowsIn(data.columns)) if (/auto_increment/i.test(str(c.extra) ?? '')) autoColumnType.set(`${str(c.schema)}.${str(c.table)}`, str(c.columnType));
  const headroom = (t: { schema?: string | null; name?: string | null; autoIncrement?: unknown }) => {
    const next = num(t.autoIncrement);
    const key = `${str(t.schema)}.${str(t.name)}`;
    if (next === null || !autoColumnType.has(key)) return {};
    const max = integerTypeMax(autoColumnType.get(key) ?? null);
    return { autoIncrement: next, autoIncrementMax: max, autoIncrementPercent: max ? Math.round((next / max) * 10000) / 100 : null };
  };
  for (const s of rowsIn(data.schemas)) items.push({ type: 'database', name: str(s.name) ?? '', def: pickFields(s, ['charset', 'collation']) });
  const q = (r: { schema?: string | null }, name: unknown) => `${str(r.schema)}.${str(name)}`;
  for (const t of rowsIn(data.tables)) {
    items.push({
      type: 'table',
      name: q(t, t.name),
      def: pickFields(t, ['type', 'engine', 'rowFormat', 'collation', 'createOptions', 'hasPrimaryKey']),
      stats: { ...pickFields(t, ['rowEstimate', 'dataLength', 'indexLength', 'dataFree']), ...headroom(t) },
    });
  }
  for (const c of rowsIn(data.columns)) {
    items.push({ type: 'column', name: `${q(c, c.table)}.${str(c.name)}`, def: pickFields(c, ['position', 'columnType', 'nullable', 'default', 'key', 'extra', 'collation']) });
  }
  for (const i of rowsIn(data.indexes)) {
    items.push({
      type: 'index',
      name: `${q(i, i.table)}.${str(i.name)}`,
      def: { table: i.table, columns: i.columns, unique: i.unique, primary: i.primary, method: i.type },
      stats: { scans: num(i.accesses), unused: i.unused === true, invalid: false, duplicateOf: Array.isArray(i.duplicateOf) ? i.duplicateOf : [] },
    });
  }
  out.snapshots.schema = items;
}

export const mysqlExtractor: EngineExtractor<'mysql'> = {
  version: (data) => str(objectIn(data.server).version),
  categories: { runtime, workload, operational, schema },
};
