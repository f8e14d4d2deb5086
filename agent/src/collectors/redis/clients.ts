import type Redis from 'ioredis';

/**
 * CLIENT LIST reduced to counts: by flag, last command, user, client name, db and idle time, plus buffer totals.
 * Client addresses are dropped (per-connection ephemeral ports say nothing and only add cardinality).
 * https://redis.io/docs/latest/commands/client-list/
 */
export const clientListCommand = ['CLIENT', 'LIST'] as const;

export interface ClientSummary {
  total: number;
  byFlag: Record<string, number>;
  byCommand: Record<string, number>;
  byUser: Record<string, number>;
  byName: Record<string, number>;
  byDb: Record<string, number>;
  idleBuckets: Record<'lt1s' | 'lt10s' | 'lt1m' | 'lt10m' | 'ge10m', number>;
  maxIdleSeconds: number;
  maxAgeSeconds: number;
  totalMemoryBytes: number;
  outputBufferBytes: number;
  maxOutputBufferBytes: number;
  queryBufferBytes: number;
}

/** CLIENT LIST flag letters → meaning (https://redis.io/docs/latest/commands/client-list/). */
const FLAG_NAMES: Record<string, string> = {
  A: 'closing', b: 'blocked', c: 'close-after-reply', d: 'watched-touched', i: 'io-wait', M: 'master', N: 'normal',
  O: 'monitor', P: 'pubsub', r: 'readonly', S: 'replica', u: 'unblocked', U: 'unix-socket', x: 'multi', t: 'tracking',
  R: 'tracking-invalid', B: 'broadcast', T: 'no-touch', e: 'no-evict',
};

function bump(m: Record<string, number>, k: string): void {
  m[k] = (m[k] ?? 0) + 1;
}

export function summarizeClientList(text: string): ClientSummary {
  const s: ClientSummary = {
    total: 0, byFlag: {}, byCommand: {}, byUser: {}, byName: {}, byDb: {},
    idleBuckets: { lt1s: 0, lt10s: 0, lt1m: 0, lt10m: 0, ge10m: 0 },
    maxIdleSeconds: 0, maxAgeSeconds: 0, totalMemoryBytes: 0, outputBufferBytes: 0, maxOutputBufferBytes: 0, queryBufferBytes: 0,
  };
  for (const line of text.split('\n')) {
    if (!line.trim()) continue;
    const f: Record<string, string> = {};
    // Fields are `k=v` separated by spaces; only `name` could contain odd characters and it cannot contain spaces.
    for (const part of line.trim().split(' ')) {
      const eq = part.indexOf('=');
      if (eq > 0) f[part.slice(0, eq)] = part.slice(eq + 1);
    }
    s.total++;
    for (const ch of f['flags'] ?? '') bump(s.byFlag, FLAG_NAMES[ch] ?? ch);
    bump(s.byCommand, f['cmd'] ?? 'unknown');
    bump(s.byUser, f['user'] ?? 'default');
    bump(s.byName, f['name'] || '(unnamed)');
    bump(s.byDb, f['db'] ?? '0');
    const idle = Number(f['idle'] ?? 0);
    s.idleBuckets[idle < 1 ? 'lt1s' : idle < 10 ? 'lt10s' : idle < 60 ? 'lt1m' : idle < 600 ? 'lt10m' : 'ge10m']++;
    s.maxIdleSeconds = Math.max(s.maxIdleSeconds, idle);
    s.maxAgeSeconds = Math.max(s.maxAgeSeconds, Number(f['age'] ?? 0));
    s.totalMemoryBytes += Number(f['tot-mem'] ?? 0);
    const omem = Number(f['omem'] ?? 0);
    s.outputBufferBytes += omem;
    s.maxOutputBufferBytes = Math.max(s.maxOutputBufferBytes, omem);
    s.queryBufferBytes += Number(f['qbuf'] ?? 0);
  }
  return s;
}

export async function collectClientSummary(client: Redis): Promise<ClientSummary> {
  const text = (await client.call(...clientListCommand)) as string;
  return summarizeClientList(text);
}
