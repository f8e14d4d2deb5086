// MongoDB sections (agent/src/collectors/mongodb): serverStatus parts, currentOp, replica set, top, profiler,
// parameters and command-line options, users and roles, databases/collections/indexes.
import { createHash } from 'node:crypto';
import { stableJson } from '@logstag/store';
import { point, type GenericRule } from '../generic-metrics';
import { type Extracted, type QueryStat, type SnapshotItem } from '../types';
import type { EngineExtractor } from '../engine-extractor';
import { isRow, num, numDividedBy, objectOf, omit, rowsOf, str, type Row } from '../values';

const RULE: GenericRule = {
  objects: ['connections', 'opcountersRepl', 'wiredTigerCache', 'globalLock', 'network', 'mem', 'asserts', 'connPool', 'oplog'],
  arrays: { tickets: { labels: ['kind'] }, locks: { labels: ['resource', 'mode'] }, top: { labels: ['ns'] } },
  counters: {
    connections: ['totalCreated', 'rejected'],
    opcountersRepl: 'all',
    wiredTigerCache: ['pagesReadIntoCache', 'pagesWrittenFromCache', 'unmodifiedPagesEvicted', 'modifiedPagesEvicted', 'pagesEvictedByApplicationThreads'],
    locks: ['acquireCount', 'acquireWaitCount', 'timeAcquiringMicros', 'deadlockCount'],
    network: 'all',
    asserts: 'all',
    connPool: ['totalCreated'],
    top: 'all',
  },
};

function runtime(data: Record<string, unknown>, out: Extracted): void {
  const c = objectOf(data.connections);
  // MongoDB reports connections in use and still available; the limit is their sum.
  const maxConnections = isRow(data.connections) ? (num(c.current) ?? 0) + (num(c.available) ?? 0) : null;
  const ops = rowsOf(data.currentOp);
  const waits = rowsOf(data.lockWaits);
  out.activity = {
    sessions: ops.map((o) => ({
      id: str(o.opid) ?? '',
      user: Array.isArray(o.users) ? o.users.map(String).join(',') || null : null,
      database: str(o.ns)?.split('.')[0] ?? null,
      application: str(o.appName) ?? str(o.driver),
      client: str(o.client),
      state: o.active === true ? 'active' : 'idle',
      waitType: o.waitingForLock === true ? 'Lock' : o.waitingForLatch ? 'Latch' : o.waitingForFlowControl === true ? 'FlowControl' : null,
      wait: o.waitingForLock === true ? 'lock' : str(o.waitingForLatch),
      query: o.commandShape ? stableJson(o.commandShape) : str(o.commandName),
      durationSeconds: numDividedBy(o.microsecsRunning, 1e6) ?? num(o.secsRunning),
      blockedBy: [],
    })),
    lockWaits: waits.map((w) => ({
      id: str(w.opid) ?? '',
      blockedBy: [],
      lockType: str(w.resource) ?? null,
      mode: str(w.mode) ?? null,
      object: str(w.ns) ?? null,
      waitSeconds: num(w.secsRunning),
    })),
    blocking: [],
    connections: maxConnections !== null ? { used: num(c.current) ?? 0, max: maxConnections, byState: { active: num(c.active) ?? 0 } } : null,
    replication: rowsOf(data.replicaMembers).map((m) => ({ name: str(m.name) ?? '', state: str(m.stateStr), lagSeconds: num(m.lagSeconds), lagBytes: null })),
  };
  point(out.metrics, 'connections.used', c.current, 'gauge');
  point(out.metrics, 'connections.max', maxConnections, 'gauge');
  point(out.metrics, 'sessions.active', ops.filter((o) => o.active === true).length, 'gauge');
  const cache = objectOf(data.wiredTigerCache);
  point(out.metrics, 'cache.used_bytes', cache.bytesInCache, 'gauge');
  point(out.metrics, 'cache.max_bytes', cache.maxBytesConfigured, 'gauge');
  point(out.metrics, 'cache.misses', cache.pagesReadIntoCache, 'delta');
  const mem = objectOf(data.mem);
  if (num(mem.residentMb) !== null) point(out.metrics, 'memory.used_bytes', (num(mem.residentMb) ?? 0) * 1024 * 1024, 'gauge');
  for (const m of rowsOf(data.replicaMembers)) if (m.self !== true) point(out.metrics, 'replication.lag_seconds', m.lagSeconds, 'gauge', { replica: str(m.name) ?? '' });
  for (const [op, v] of Object.entries(objectOf(data.opcounters))) point(out.metrics, 'ops', v, 'delta', { op });
}

/** Profiler entries are single executions: grouped by query shape into one stat per shape and collection. */
function profiled(data: Record<string, unknown>): QueryStat[] {
  const groups = new Map<string, { text: string; ns: string | null; rows: Row[] }>();
  for (const e of rowsOf(data.profilerEntries)) {
    const text = `${str(e.op) ?? 'op'} ${str(e.ns) ?? ''} ${stableJson(e.commandShape ?? null)}`;
    const fp = `${str(e.ns) ?? ''}/${str(e.queryHash) ?? createHash('sha256').update(text).digest('hex').slice(0, 16)}`;
    const g = groups.get(fp) ?? { text, ns: str(e.ns), rows: [] };
    g.rows.push(e);
    groups.set(fp, g);
  }
  return [...groups].map(([fingerprint, g]) => ({
    fingerprint,
    database: g.ns?.split('.')[0] ?? null,
    text: g.text,
    calls: g.rows.length,
    totalTimeMs: g.rows.reduce((a, r) => a + (num(r.millis) ?? 0), 0),
    rows: g.rows.reduce((a, r) => a + (num(r.nreturned) ?? num(r.nModified) ?? 0), 0),
    blocksHit: 0,
    blocksRead: g.rows.reduce((a, r) => a + (num(r.docsExamined) ?? 0), 0),
  }));
}

function workload(data: Record<string, unknown>, out: Extracted): void {
  for (const [op, v] of Object.entries(objectOf(data.opcounters))) point(out.metrics, 'ops', v, 'delta', { op });
  const total = Object.values(objectOf(data.opcounters)).reduce<number>((a, v) => a + (num(v) ?? 0), 0);
  if (isRow(data.opcounters)) point(out.metrics, 'ops.total', total, 'delta');
  out.queries.push(...profiled(data));
}

/** cmdLineOpts.parsed as dotted settings (net.port, storage.dbPath…); redacted values stay redacted. */
function flatten(prefix: string, v: unknown, out: SnapshotItem[]): void {
  if (isRow(v)) for (const [k, inner] of Object.entries(v)) flatten(prefix ? `${prefix}.${k}` : k, inner, out);
  else out.push({ type: 'setting', name: prefix, def: { setting: v } });
}

function operational(data: Record<string, unknown>, out: Extracted): void {
  const settings: SnapshotItem[] = [];
  flatten('', objectOf(objectOf(data.cmdLineOpts).parsed), settings);
  for (const [name, value] of Object.entries(objectOf(data.parameters))) settings.push({ type: 'parameter', name, def: { setting: value } });
  out.snapshots.settings = settings;
  const access: SnapshotItem[] = rowsOf(data.users).map((u) => ({ type: 'user', name: `${str(u.user)}@${str(u.db)}`, def: omit(u, ['user', 'db']) }));
  for (const r of rowsOf(data.roles)) access.push({ type: 'role', name: `${str(r.role)}@${str(r.db)}`, def: omit(r, ['role', 'db']) });
  out.snapshots.access = access;
}

function schema(data: Record<string, unknown>, out: Extracted): void {
  const items: SnapshotItem[] = [];
  for (const d of rowsOf(data.databases)) items.push({ type: 'database', name: str(d.name) ?? '', def: {}, stats: omit(d, ['name']) });
  for (const c of rowsOf(data.collections)) items.push({ type: 'collection', name: `${str(c.db)}.${str(c.name)}`, def: { type: c.type, options: c.options ?? {} }, stats: objectOf(c.storage) });
  for (const i of rowsOf(data.indexes)) {
    items.push({
      type: 'index',
      name: `${str(i.db)}.${str(i.collection)}.${str(i.name)}`,
      def: { table: i.collection, key: i.key, unique: i.unique, sparse: i.sparse, hidden: i.hidden, expireAfterSeconds: i.expireAfterSeconds, partialFilter: i.partialFilterExpressionShape },
      stats: { sizeBytes: num(i.sizeBytes), scans: num(i.accessesOps), unused: i.unused === true, invalid: false, duplicateOf: Array.isArray(i.duplicateOf) ? i.duplicateOf : [] },
    });
  }
  out.snapshots.schema = items;
}

export const mongodbExtractor: EngineExtractor = {
  version: (data) => str(objectOf(data.server).version) ?? str(objectOf(data.buildInfo).version),
  categories: { runtime, workload, operational, schema },
  rule: RULE,
};
