// "Every accepted line ends stored or failed": waits for the pipeline to settle every accepted id, within a deadline.
import type { Kysely } from 'kysely';
import type { Client } from '@temporalio/client';
import type { Database } from '@logstag/store';
import { workflowIds } from '@logstag/temporal';

/** Final states: stored, or set aside as failed (kept with its error for an Admin to retry or discard), or discarded. */
const SETTLED = new Set(['stored', 'failed', 'discarded']);

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

/**
 * Why ids did not settle, for the report: their rows (status, batch, attempts, error, size, time) and, for the ingest
 * workflows still running, each pending activity's attempt and last failure.
 */
export async function stuckDiagnosis(db: Kysely<Database>, temporal: Client, ids: string[]): Promise<string> {
  const rows = await db
    .selectFrom('payloads')
    .select(['id', 'status', 'batch_id', 'attempts', 'error_message', 'body_bytes', 'collected_at', 'received_at', 'workflow_started_at'])
    .where('id', 'in', ids.slice(0, 500))
    .execute();
  const lines = rows.slice(0, 20).map((r) => `  ${JSON.stringify(r)}`);
  const batches = [...new Set(rows.map((r) => r.batch_id).filter((b): b is string => b !== null))].slice(0, 5);
  for (const batch of batches) {
    try {
      const d = await temporal.workflow.getHandle(workflowIds.ingestBatch(batch)).describe();
      const pending = (d.raw.pendingActivities ?? []).map((a) => ({ type: a.activityType?.name, attempt: a.attempt, state: a.state, lastFailure: a.lastFailure?.message?.slice(0, 500) }));
      lines.push(`  workflow ingest:${batch}: ${d.status.name}, history ${d.historyLength}, pending activities ${JSON.stringify(pending)}`);
    } catch (err) {
      lines.push(`  workflow ingest:${batch}: ${(err as Error).message}`);
    }
  }
  return `unsettled payloads:\n${lines.join('\n')}\n`;
}
