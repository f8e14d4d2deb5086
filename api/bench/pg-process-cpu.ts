// Where PostgreSQL's CPU goes, by process: each backend's CPU from /proc, grouped by what pg_stat_activity says it is
// (a client's application_name: the API or the worker; otherwise its backend type: autovacuum, WAL writer,
// checkpointer…). Backends that exited meanwhile are counted through the postmaster, which reaps them.
import { readdirSync } from 'node:fs';
import { sql, type Kysely } from 'kysely';
import type { Database } from '@logstag/store';
import { statOf, TICKS_PER_SECOND } from './process-cpu';

/** CPU ticks by pid with the group each pid belongs to, at one instant. */
export interface PgCpuSnapshot {
  byPid: Map<number, { group: string; ticks: number }>;
  /** Ticks of backends the postmaster reaped (exited before this instant). */
  reaped: number;
}

export async function pgCpuSnapshot(db: Kysely<Database>, postmasterPid: number): Promise<PgCpuSnapshot | null> {
  try {
    const { rows } = await sql<{ pid: number; backend_type: string; application_name: string | null }>`
      select pid, backend_type, application_name from pg_stat_activity`.execute(db);
    const kind = new Map(rows.map((r) => [Number(r.pid), r.backend_type === 'client backend' ? `client: ${r.application_name || '(no name)'}` : r.backend_type]));
    const byPid = new Map<number, { group: string; ticks: number }>();
    for (const name of readdirSync('/proc')) {
      const pid = Number(name);
      if (!Number.isInteger(pid)) continue;
      const s = statOf(pid);
      if (!s || s.ppid !== postmasterPid) continue;
      byPid.set(pid, { group: kind.get(pid) ?? 'other (logger, archiver…)', ticks: s.own });
    }
    const pm = statOf(postmasterPid);
    return { byPid, reaped: pm?.reaped ?? 0 };
  } catch {
    return null;
  }
}

/** CPU cores (CPU seconds per second of the window) by group between two snapshots. */
export function pgCpuByGroup(a: PgCpuSnapshot | null, b: PgCpuSnapshot | null, windowSeconds: number): Record<string, number> | null {
  if (!a || !b || !(windowSeconds > 0)) return null;
  const out = new Map<string, number>();
  for (const [pid, { group, ticks }] of b.byPid) {
    const before = a.byPid.get(pid)?.ticks ?? 0;
    out.set(group, (out.get(group) ?? 0) + ticks - before);
  }
  out.set('exited backends', b.reaped - a.reaped);
  return Object.fromEntries([...out].sort((x, y) => y[1] - x[1]).map(([g, t]) => [g, Number((t / TICKS_PER_SECOND / windowSeconds).toFixed(3))]));
}
