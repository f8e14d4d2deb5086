import type { LockWait, SessionView } from '$lib/api';
// Relative, not $lib: the pure tests (web/test) import this module without SvelteKit's aliases.
import { formatSeconds } from '../../../lib/format/number';

/**
 * The server's own work rather than a client's session: PostgreSQL's checkpointer, WAL writer, autovacuum and the
 * like (backend_type other than 'client backend'). Engines without a backend type have none.
 */
export function isBackground(s: Pick<SessionView, 'backendType'>): boolean {
  return typeof s.backendType === 'string' && s.backendType !== 'client backend';
}

/** The sessions a table shows: background processes only when asked for. */
export function visibleSessions<T extends Pick<SessionView, 'backendType'>>(sessions: readonly T[], showBackground: boolean): T[] {
  return showBackground ? [...sessions] : sessions.filter((s) => !isBackground(s));
}

/**
 * What a blocked session waits for, as an operator reads it: the lock's mode, what is locked and for how long,
 * e.g. "ShareLock on public.orders (transactionid) for 42 s". Names come from the monitored database: rendered as text.
 */
export function lockWaitText(l: Pick<LockWait, 'lockType' | 'mode' | 'object' | 'waitSeconds'>): string {
  const mode = l.mode ?? 'a lock';
  const on = l.object ? ` on ${l.object}` : '';
  const type = l.lockType ? ` (${l.lockType})` : '';
  const wait = l.waitSeconds === null ? '' : ` for ${formatSeconds(l.waitSeconds)}`;
  return `${mode}${on}${type}${wait}`;
}
