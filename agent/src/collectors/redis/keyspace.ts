import type Redis from 'ioredis';
import type { KeyspaceRow } from './info';
import { keyPattern } from './key-pattern';

/**
 * A bounded sample of each database's key space, reduced to key patterns with counts, types and memory. Only SCAN
 * (key names), TYPE and MEMORY USAGE run: never a command that reads a value. Each database costs at most
 * `maxKeysPerDb` names, scanned COUNT 100 at a time so the server is never blocked.
 * https://redis.io/docs/latest/commands/scan/
 * https://redis.io/docs/latest/commands/memory-usage/
 */
export const DEFAULT_MAX_KEYS_PER_DB = 1000;
/** Distinct patterns kept per database; the rest are folded into one `(other)` row. */
const MAX_PATTERNS_PER_DB = 500;

export interface KeyPatternRow {
  db: number;
  pattern: string;
  type: string;
  count: number;
  memoryBytes: number;
}

export interface KeyspaceSample {
  db: number;
  totalKeys: number;
  sampledKeys: number;
  patterns: KeyPatternRow[];
}

export async function sampleKeyspace(
  client: Redis,
  dbs: KeyspaceRow[],
  homeDb: number,
  maxKeysPerDb: number,
  signal: AbortSignal,
): Promise<KeyspaceSample[]> {
  const out: KeyspaceSample[] = [];
  try {
    for (const { db, keys: totalKeys } of dbs) {
      signal.throwIfAborted();
      await client.select(db);
      out.push({ db, totalKeys, ...(await sampleDb(client, db, maxKeysPerDb, signal)) });
    }
  } finally {
    // The connection is shared with the other categories: leave it on the configured database.
    await client.select(homeDb);
  }
  return out;
}

async function sampleDb(client: Redis, db: number, maxKeys: number, signal: AbortSignal) {
  const byPattern = new Map<string, KeyPatternRow>();
  let cursor = '0';
  let sampled = 0;
  do {
    signal.throwIfAborted();
    const [next, keys] = await client.scan(cursor, 'COUNT', 100);
    cursor = next;
    const batch = keys.slice(0, maxKeys - sampled);
    if (batch.length === 0) continue;
    const pipe = client.pipeline();
    for (const k of batch) {
      pipe.type(k);
      // SAMPLES 0 would walk every element of a big hash; the default (5) estimates, which is all a pattern needs.
      pipe.call('MEMORY', 'USAGE', k);
    }
    const replies = (await pipe.exec()) ?? [];
    batch.forEach((key, i) => {
      const [typeErr, type] = replies[i * 2] ?? [];
      const [, mem] = replies[i * 2 + 1] ?? [];
      if (typeErr) throw typeErr;
      if (type === 'none') return; // expired or deleted between SCAN and TYPE
      let pattern = keyPattern(key);
      const id = `${pattern}\u0000${type}`;
      if (!byPattern.has(id) && byPattern.size >= MAX_PATTERNS_PER_DB) pattern = '(other)';
      const rowId = `${pattern}\u0000${type}`;
      const row = byPattern.get(rowId) ?? { db, pattern, type: String(type), count: 0, memoryBytes: 0 };
      row.count++;
      row.memoryBytes += Number(mem ?? 0);
      byPattern.set(rowId, row);
    });
    sampled += batch.length;
  } while (cursor !== '0' && sampled < maxKeys);
  // Ties in code-unit order: localeCompare would load ICU's collation data into the agent for an ordering no one reads.
  const patterns = [...byPattern.values()].sort((a, b) => b.count - a.count || (a.pattern < b.pattern ? -1 : a.pattern > b.pattern ? 1 : 0));
  return { sampledKeys: sampled, patterns };
}
