import type Redis from 'ioredis';

/**
 * The slow log without argument values: command name (and the subcommand of container commands such as CONFIG GET,
 * which names an operation, not data) and the argument count. Key names and values never leave the agent; nor does
 * the client address.
 * https://redis.io/docs/latest/commands/slowlog-get/
 */
export const SLOWLOG_ENTRIES = 128;

export interface SlowlogEntry {
  id: number;
  timestamp: string;
  durationUs: number;
  command: string;
  argumentCount: number;
  clientName: string | null;
}

/** Commands whose first argument is a subcommand name from a fixed set (never user data). */
const CONTAINER_COMMANDS = new Set([
  'acl', 'client', 'cluster', 'command', 'config', 'debug', 'function', 'latency', 'memory', 'module', 'object', 'pubsub',
  'script', 'slowlog', 'xgroup', 'xinfo',
]);

/** Redis keeps at most 32 arguments and replaces the rest by `... (N more arguments)`. */
const MORE_ARGS = /^\.\.\. \((\d+) more arguments\)$/;

export function toSlowlogEntry(raw: unknown): SlowlogEntry | undefined {
  if (!Array.isArray(raw)) return undefined;
  const [id, ts, duration, args, , clientName] = raw as [unknown, unknown, unknown, unknown, unknown, unknown];
  const argv = Array.isArray(args) ? args.map(String) : [];
  const name = (argv[0] ?? '').toLowerCase();
  const sub = CONTAINER_COMMANDS.has(name) && argv[1] ? `|${argv[1].toLowerCase()}` : '';
  const last = argv[argv.length - 1];
  const more = last ? MORE_ARGS.exec(last) : null;
  const argumentCount = more ? argv.length - 2 + Number(more[1]) : Math.max(0, argv.length - 1);
  return {
    id: Number(id),
    timestamp: new Date(Number(ts) * 1000).toISOString(),
    durationUs: Number(duration),
    // Only a well-formed command name: anything else (a renamed command?) is reported as unknown, not echoed.
    command: /^[a-z][a-z0-9_-]{0,40}$/.test(name) ? name + (/^\|[a-z][a-z0-9_-]{0,40}$/.test(sub) ? sub : '') : 'unknown',
    argumentCount,
    clientName: typeof clientName === 'string' && clientName ? clientName : null,
  };
}

/** Entries newer than `afterId` (the slow log is a ring buffer; the collector remembers what it already sent). */
export async function collectSlowlog(client: Redis, afterId: number): Promise<SlowlogEntry[]> {
  const raw = (await client.call('SLOWLOG', 'GET', String(SLOWLOG_ENTRIES))) as unknown[];
  return raw
    .map(toSlowlogEntry)
    .filter((e): e is SlowlogEntry => e !== undefined && e.id > afterId)
    .sort((a, b) => a.id - b.id);
}
