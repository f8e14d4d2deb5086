// "Every accepted line ends stored or failed": waits for the pipeline to settle every accepted id, within a deadline.
import type { Kysely } from 'kysely';
import type { Database } from '@logstag/store';

/** Final states: stored, or set aside as failed (kept with its error for an Admin to retry or discard). */
const SETTLED = new Set(['stored', 'failed']);

export interface DrainResult {
  settled: number;
  /** Accepted ids that are not settled at the deadline, with their status (`missing`: no row at all). */
  unsettled: Array<{ id: string; status: string }>;
  waitedMs: number;
}

async function statuses(db: Kysely<Database>, ids: string[]): Promise<Map<string, string>> {
  const found = new Map<string, string>();
  for (let i = 0; i < ids.length; i += 500) {
    const rows = await db.selectFrom('payloads').select(['id', 'status']).where('id', 'in', ids.slice(i, i + 500)).execute();
    for (const r of rows) found.set(r.id, String(r.status));
  }
  return found;
}

export async function waitForDrain(db: Kysely<Database>, accepted: Iterable<string>, timeoutMs: number): Promise<DrainResult> {
  const started = Date.now();
  let pending = [...accepted];
  let last = new Map<string, string>();
  for (;;) {
    last = pending.length ? await statuses(db, pending) : new Map();
    pending = pending.filter((id) => !SETTLED.has(last.get(id) ?? 'missing'));
    if (pending.length === 0 || Date.now() - started > timeoutMs) break;
    await new Promise((r) => setTimeout(r, 500));
  }
  const total = new Set(accepted).size;
  return {
    settled: total - pending.length,
    unsettled: pending.map((id) => ({ id, status: last.get(id) ?? 'missing' })),
    waitedMs: Date.now() - started,
  };
}
