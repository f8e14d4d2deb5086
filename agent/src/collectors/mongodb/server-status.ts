import type { Document } from 'mongodb';
import type { AreaContext, AreaResult } from './area';
import { runCommand } from './client';
import { asRecord, num, toPlain } from './plain';
import type { MongodbRow } from './sections';

/**
 * https://www.mongodb.com/docs/manual/reference/command/serverStatus/
 * Sections the agent does not use are switched off so the server does less work and the reply stays small
 * (`metrics` alone is tens of kilobytes on 7.0); `repl` and `wiredTiger` stay on for tickets and the cache.
 */
export const serverStatusCommand = Object.freeze({ serverStatus: 1, metrics: 0, tcmalloc: 0, latchAnalysis: 0, mirroredReads: 0 });

const OPCOUNTERS = ['insert', 'query', 'update', 'delete', 'getmore', 'command'] as const;
const ASSERTS = ['regular', 'warning', 'msg', 'user', 'rollovers', 'tripwire'] as const;
const NETWORK = ['bytesIn', 'bytesOut', 'physicalBytesIn', 'physicalBytesOut', 'numRequests'] as const;
/** WiredTiger's statistics have prose names; these are the cache figures the health rules read. */
const WT_CACHE = {
  bytesInCache: 'bytes currently in the cache',
  maxBytesConfigured: 'maximum bytes configured',
  trackedDirtyBytes: 'tracked dirty bytes in the cache',
  pagesReadIntoCache: 'pages read into cache',
  pagesWrittenFromCache: 'pages written from cache',
  unmodifiedPagesEvicted: 'unmodified pages evicted',
  modifiedPagesEvicted: 'modified pages evicted',
  pagesEvictedByApplicationThreads: 'pages evicted by application threads',
} as const;
const WT_CACHE_COUNTERS = ['pagesReadIntoCache', 'pagesWrittenFromCache', 'unmodifiedPagesEvicted', 'modifiedPagesEvicted', 'pagesEvictedByApplicationThreads'];
const LOCK_COUNTERS = ['acquireCount', 'acquireWaitCount', 'timeAcquiringMicros', 'deadlockCount'] as const;

export async function fetchServerStatus(ctx: AreaContext): Promise<Document> {
  return runCommand(ctx.admin, serverStatusCommand, ctx.timeoutMs);
}

/** Runtime view of serverStatus: connections, operation counters, WiredTiger cache and tickets, locks, network, memory, asserts. */
export function serverStatusSections(status: Document): AreaResult {
  const connections = asRecord(status.connections);
  const wiredTiger = asRecord(status.wiredTiger);
  const cache = asRecord(wiredTiger.cache);
  const mem = asRecord(status.mem);
  const globalLock = asRecord(status.globalLock);
  const storageEngine = asRecord(status.storageEngine).name;
  const currentQueue = asRecord(globalLock.currentQueue);
  const activeClients = asRecord(globalLock.activeClients);
  return {
    data: {
      server: {
        host: typeof status.host === 'string' ? status.host : null,
        version: typeof status.version === 'string' ? status.version : null,
        process: typeof status.process === 'string' ? status.process : null,
        uptimeSeconds: num(status.uptime),
        storageEngine: typeof storageEngine === 'string' ? storageEngine : null,
      },
      connections: {
        current: num(connections.current),
        available: num(connections.available),
        active: num(connections.active),
        totalCreated: num(connections.totalCreated),
        rejected: num(connections.rejected),
      },
      opcounters: pick(status.opcounters, OPCOUNTERS),
      opcounters_repl: pick(status.opcountersRepl, OPCOUNTERS),
      wired_tiger_cache: Object.keys(cache).length
        ? Object.fromEntries(Object.entries(WT_CACHE).map(([name, stat]) => [name, num(cache[stat])]))
        : null,
      tickets: tickets(status),
      global_lock: {
        queueTotal: num(currentQueue.total),
        queueReaders: num(currentQueue.readers),
        queueWriters: num(currentQueue.writers),
        activeReaders: num(activeClients.readers),
        activeWriters: num(activeClients.writers),
      },
      locks: locks(status.locks),
      network: pick(status.network, NETWORK),
      mem: { residentMb: num(mem.resident), virtualMb: num(mem.virtual) },
      asserts: pick(status.asserts, ASSERTS),
    },
    counters: {
      connections: { key: [], counters: ['totalCreated', 'rejected'] },
      opcounters: { key: [], counters: OPCOUNTERS },
      opcounters_repl: { key: [], counters: OPCOUNTERS },
      wired_tiger_cache: { key: [], counters: WT_CACHE_COUNTERS },
      locks: { key: ['resource', 'mode'], counters: LOCK_COUNTERS },
      network: { key: [], counters: NETWORK },
      asserts: { key: [], counters: ASSERTS },
    },
  };
}

/** Workload needs only the operation counters (as deltas): the cheapest serverStatus that still carries them. */
export function opcounterSections(status: Document): AreaResult {
  return {
    data: { opcounters: pick(status.opcounters, OPCOUNTERS), opcounters_repl: pick(status.opcountersRepl, OPCOUNTERS) },
    counters: { opcounters: { key: [], counters: OPCOUNTERS }, opcounters_repl: { key: [], counters: OPCOUNTERS } },
  };
}

function pick(source: unknown, keys: readonly string[]): Record<string, number | null> | null {
  const record = asRecord(source);
  if (Object.keys(record).length === 0) return null;
  return Object.fromEntries(keys.map((k) => [k, num(record[k])]));
}

/**
 * Storage tickets: 7.0 reports admission control under `queues.execution`; 4.4–6.x (and 7.0 still, for compatibility)
 * under `wiredTiger.concurrentTransactions`. Prefer the newer one when present.
 */
function tickets(status: Document): { kind: string; out: number | null; available: number | null; totalTickets: number | null }[] {
  const execution = asRecord(asRecord(status.queues).execution);
  const source = Object.keys(execution).length ? execution : asRecord(asRecord(status.wiredTiger).concurrentTransactions);
  return (['read', 'write'] as const)
    .filter((kind) => kind in source)
    .map((kind) => {
      const t = asRecord(source[kind]);
      return { kind, out: num(t.out), available: num(t.available), totalTickets: num(t.totalTickets) };
    });
}

/** `locks.<resource>.<metric>.<mode>` flattened to one row per resource and mode (r, w, R, W). */
function locks(source: unknown): Array<MongodbRow<'locks'>> {
  const rows = new Map<string, MongodbRow<'locks'>>();
  for (const [resource, metrics] of Object.entries(asRecord(source))) {
    for (const metric of LOCK_COUNTERS) {
      for (const [mode, value] of Object.entries(asRecord(asRecord(metrics)[metric]))) {
        const id = `${resource}\u0000${mode}`;
        const row = rows.get(id) ?? { resource, mode, acquireCount: 0, acquireWaitCount: 0, timeAcquiringMicros: 0, deadlockCount: 0 };
        row[metric] = num(value) ?? (toPlain(value) as number | null);
        rows.set(id, row);
      }
    }
  }
  return [...rows.values()];
}
