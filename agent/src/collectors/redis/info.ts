import type Redis from 'ioredis';

/**
 * INFO parsed into sections of `field → number | string`. Plain INFO returns the default sections (server, clients,
 * memory, persistence, stats, replication, cpu, modules, errorstats, cluster, keyspace); commandstats needs its own
 * call. Redis 6 accepts only one section name per call, so sections are never combined in one INFO.
 * https://redis.io/docs/latest/commands/info/
 */
export type InfoSection = Record<string, number | string>;
export type Info = Record<string, InfoSection>;

export async function readInfo(client: Redis, section?: string): Promise<Info> {
  const text = section ? await client.info(section) : await client.info();
  return parseInfo(text);
}

export function parseInfo(text: string): Info {
  const out: Info = {};
  let current: InfoSection | undefined;
  for (const raw of text.split(/\r?\n/)) {
    const line = raw.trim();
    if (!line) continue;
    if (line.startsWith('#')) {
      current = {};
      out[line.slice(1).trim().toLowerCase()] = current;
      continue;
    }
    const eq = line.indexOf(':');
    if (eq < 0 || !current) continue;
    const name = line.slice(0, eq);
    const value = line.slice(eq + 1);
    current[name] = /^-?\d+(\.\d+)?$/.test(value) ? Number(value) : value;
  }
  return out;
}

/** `keys=1,expires=0,avg_ttl=0` → { keys: 1, expires: 0, avg_ttl: 0 }. */
export function parseFields(value: string | number | undefined): Record<string, number | string> {
  const out: Record<string, number | string> = {};
  if (typeof value !== 'string') return out;
  for (const part of value.split(',')) {
    const eq = part.indexOf('=');
    if (eq < 0) continue;
    const v = part.slice(eq + 1);
    out[part.slice(0, eq)] = /^-?\d+(\.\d+)?$/.test(v) ? Number(v) : v;
  }
  return out;
}

/** Human-readable duplicates (`used_memory_human: 1.2M`) add nothing the numbers do not say. */
export function withoutHuman(section: InfoSection | undefined): InfoSection {
  const out: InfoSection = {};
  for (const [k, v] of Object.entries(section ?? {})) if (!k.endsWith('_human')) out[k] = v;
  return out;
}

export interface KeyspaceRow {
  db: number;
  keys: number;
  expires: number;
  avgTtlMs: number;
}

export function keyspaceRows(info: Info): KeyspaceRow[] {
  return Object.entries(info['keyspace'] ?? {})
    .filter(([k]) => /^db\d+$/.test(k))
    .map(([k, v]) => {
      const f = parseFields(v);
      return { db: Number(k.slice(2)), keys: Number(f['keys'] ?? 0), expires: Number(f['expires'] ?? 0), avgTtlMs: Number(f['avg_ttl'] ?? 0) };
    });
}
