// MongoDB sections (agent/src/collectors/mongodb): serverStatus parts, currentOp, replica set, top, profiler,
// parameters and command-line options, users and roles, databases/collections/indexes.
import { createHash } from 'node:crypto';
import { METRICS, type CollectionData, type SectionRow } from '@logstag/schema';
import { stableJson } from '@logstag/store';
import type { EngineExtractor } from '../engine-extractor';
import { point } from '../generic-metrics';
import { objectIn, omitFields, rowsIn } from '../section-readers';
import { type Extracted, type QueryStat, type SnapshotItem } from '../types';
import { isRow, num, numDividedBy, str } from '../values';

type Data<C extends 'runtime' | 'workload' | 'operational' | 'schema'> = CollectionData<'mongodb', C>;

function runtime(data: Data<'runtime'>, out: Extracted): void {
  const c = objectIn(data.connections);
  // MongoDB reports connections in use and still available; the limit is their sum.
  const maxConnections = isRow(data.connections) ? (num(c.current) ?? 0) + (num(c.available) ?? 0) : null;
  const ops = rowsIn(data.current_op);
  const waits = rowsIn(data.lock_waits);
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
    // Lock waits are the operations waiting for a lock: $currentOp names neither the lock's resource nor its mode.
    lockWaits: waits.map((w) => ({ id: str(w.opid) ?? '', blockedBy: [], lockType: null, mode: null, object: str(w.ns) ?? null, waitSeconds: num(w.secsRunning) })),
    blocking: [],
    connections: maxConnections !== null ? { used: num(c.current) ?? 0, max: maxConnections, byState: { active: num(c.active) ?? 0 } } : null,
    replication: rowsIn(data.replica_members).map((m) => ({ name: str(m.name) ?? '', state: str(m.stateStr), lagSeconds: num(m.lagSeconds), lagBytes: null })),
  };
  point(out.metrics, METRICS.connectionsUsed, c.current);
  point(out.metrics, METRICS.connectionsMax, maxConnections);
  point(out.metrics, METRICS.sessionsActive, ops.filter((o) => o.active === true).length);
  const cache = objectIn(data.wired_tiger_cache);
  point(out.metrics, METRICS.cacheUsedBytes, cache.bytesInCache);
  point(out.metrics, METRICS.cacheMaxBytes, cache.maxBytesConfigured);
  point(out.metrics, METRICS.cacheMisses, cache.pagesReadIntoCache);
  const mem = objectIn(data.mem);
  if (num(mem.residentMb) !== null) point(out.metrics, METRICS.memoryUsedBytes, (num(mem.residentMb) ?? 0) * 1024 * 1024);
  for (const m of rowsIn(data.replica_members)) if (m.self !== true) point(out.metrics, METRICS.replicationLagSeconds, m.lagSeconds, { replica: str(m.name) ?? '' });
  for (const [op, v] of Object.entries(objectIn(data.opcounters))) point(out.metrics, METRICS.ops, v, { op });
}

/** Profiler entries are single executions: grouped by query shape into one stat per shape and collection. */
function profiled(data: Data<'workload'>): QueryStat[] {
  const groups = new Map<string, { text: string; ns: string | null; rows: Array<SectionRow<'mongodb', 'profiler_entries'>> }>();
  for (const e of rowsIn(data.profiler_entries)) {
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

function workload(data: Data<'workload'>, out: Extracted): void {
  for (const [op, v] of Object.entries(objectIn(data.opcounters))) point(out.metrics, METRICS.ops, v, { op });
  const total = Object.values(objectIn(data.opcounters)).reduce<number>((a, v) => a + (num(v) ?? 0), 0);
  if (isRow(data.opcounters)) point(out.metrics, METRICS.opsTotal, total);
  out.queries.push(...profiled(data));
}

/** cmdLineOpts.parsed as dotted settings (net.port, storage.dbPath…); redacted values stay redacted. */
function flatten(prefix: string, v: unknown, out: SnapshotItem[]): void {
  if (isRow(v)) for (const [k, inner] of Object.entries(v)) flatten(prefix ? `${prefix}.${k}` : k, inner, out);
  else out.push({ type: 'setting', name: prefix, def: { setting: v } });
}

function operational(data: Data<'operational'>, out: Extracted): void {
  const settings: SnapshotItem[] = [];
  flatten('', objectIn(objectIn(data.cmd_line_opts).parsed as object | undefined), settings);
  for (const [name, value] of Object.entries(objectIn(data.parameters))) settings.push({ type: 'parameter', name, def: { setting: value } });
  out.snapshots.settings = settings;
  const access: SnapshotItem[] = rowsIn(data.users).map((u) => ({ type: 'user', name: `${str(u.user)}@${str(u.db)}`, def: omitFields(u, ['user', 'db']) }));
  for (const r of rowsIn(data.roles)) access.push({ type: 'role', name: `${str(r.role)}@${str(r.db)}`, def: omitFields(r, ['role', 'db']) });
  out.snapshots.access = access;
}

function schema(data: Data<'schema'>, out: Extracted): void {
  const items: SnapshotItem[] = [];
  for (const d of rowsIn(data.databases)) items.push({ type: 'database', name: str(d.name) ?? '', def: {}, stats: omitFields(d, ['name']) });
  for (const c of rowsIn(data.collections)) items.push({ type: 'collection', name: `${str(c.db)}.${str(c.name)}`, def: { type: c.type, options: c.options ?? {} }, stats: objectIn(c.storage) });
  for (const i of rowsIn(data.indexes)) {
    items.push({
      type: 'index',
      name: `${str(i.db)}.${str(i.collection)}.${str(i.name)}`,
      def: { table: i.collection, key: i.key, unique: i.unique, sparse: i.sparse, hidden: i.hidden, expireAfterSeconds: i.expireAfterSeconds, partialFilter: i.partialFilterExpressionShape },
      stats: { sizeBytes: num(i.sizeBytes), scans: num(i.accessesOps), unused: i.unused === true, invalid: false, duplicateOf: Array.isArray(i.duplicateOf) ? i.duplicateOf : [] },
    });
  }
  out.snapshots.schema = items;
}

export const mongodbExtractor: EngineExtractor<'mongodb'> = {
  version: (data) => {
    const d = data as Data<'runtime'> & Data<'operational'>;
    return str(objectIn(d.server).version) ?? str(objectIn(d.build_info).version);
  },
  categories: { runtime, workload, operational, schema },
};
