// What the soak found at its end, gathered once for every invariant: the agents' ledger set against the store's
// rows, the normalized tables and Temporal's open workflows.
import { sql, type Kysely } from 'kysely';
import type { Client } from '@temporalio/client';
import type { Database } from '@logstag/store';
import type { Ledger } from './ledger';
import type { PoisonKind } from './poison';

/** Ids with a few of them shown, for the report's evidence. */
export interface IdSet {
  count: number;
  sample: string[];
}

export interface RunningWorkflow {
  workflowId: string;
  /** Of its pending activity, when it has one: the attempt it is at and why the last one failed. */
  activity?: string;
  attempt?: number;
  lastFailure?: string;
}

export interface StoreFacts {
  /** Rows of payloads by status (all rows, whatever the ledger knows). */
  rowsByStatus: Record<string, number>;
  /** Per accepted id: its status ('missing' when no row) and store_count. */
  accepted: Map<string, { status: string; storeCount: number }>;
  /** Failed rows with their error columns (those the schema has), a few of them. */
  failedSamples: Array<Record<string, unknown>>;
  /** Payload ids with more than one row in a normalized table keyed by payload id. */
  normalizedTwice: IdSet;
}

export interface SoakFacts extends StoreFacts {
  ledger: Ledger;
  runningWorkflows: { count: number; sample: RunningWorkflow[] };
}

export const idSet = (ids: readonly string[], shown = 10): IdSet => ({ count: ids.length, sample: ids.slice(0, shown) });

export async function storeFacts(db: Kysely<Database>, ledger: Ledger): Promise<StoreFacts> {
  const rows = await sql<{ id: string; status: string; store_count: number }>`select id, status, store_count from payloads`.execute(db);
  const rowsByStatus: Record<string, number> = {};
  const byId = new Map<string, { status: string; storeCount: number }>();
  for (const r of rows.rows) {
    rowsByStatus[r.status] = (rowsByStatus[r.status] ?? 0) + 1;
    byId.set(r.id, { status: r.status, storeCount: r.store_count });
  }
  const accepted = new Map<string, { status: string; storeCount: number }>();
  for (const id of ledger.ids((e) => e.verdict === 'accepted')) accepted.set(id, byId.get(id) ?? { status: 'missing', storeCount: 0 });
  // The error columns arrive with the failed status (issue 12); select * keeps this working before and after.
  const failed = await sql<Record<string, unknown>>`select * from payloads where status = 'failed' order by received_at limit 8`.execute(db);
  const failedSamples = failed.rows.map((r) =>
    Object.fromEntries(Object.entries(r).filter(([k]) => k === 'id' || k.startsWith('error_') || k === 'attempts')),
  );
  // Normalization writes one activity snapshot per runtime payload, and snapshots once per payload and kind.
  const twice = await sql<{ payload_id: string }>`
    select payload_id from activity_snapshots group by payload_id having count(*) > 1
    union
    select payload_id from snapshots group by payload_id, kind having count(*) > 1`.execute(db);
  return { rowsByStatus, accepted, failedSamples, normalizedTwice: idSet(twice.rows.map((r) => r.payload_id)) };
}

/** Ingest workflows still running, with what their pending activity is doing for a few of them. */
export async function runningIngestWorkflows(client: Client, shown = 5): Promise<{ count: number; sample: RunningWorkflow[] }> {
  const ids: string[] = [];
  for await (const wf of client.workflow.list({ query: `WorkflowType = 'ingestWorkflow' AND ExecutionStatus = 'Running'` })) ids.push(wf.workflowId);
  const sample: RunningWorkflow[] = [];
  for (const workflowId of ids.slice(0, shown)) {
    const d = await client.workflow.getHandle(workflowId).describe();
    const pending = d.raw.pendingActivities?.[0];
    sample.push({
      workflowId,
      ...(pending
        ? {
            activity: pending.activityType?.name ?? undefined,
            attempt: pending.attempt ?? undefined,
            lastFailure: pending.lastFailure?.message?.slice(0, 300) ?? undefined,
          }
        : {}),
    });
  }
  return { count: ids.length, sample };
}

/** Poison ids of the ledger by kind, for the report. */
export function poisonByKind(ledger: Ledger, filter: (verdict: string | null) => boolean): Record<PoisonKind, number> {
  const counts = { nul: 0, 'lone-surrogate': 0, 'year-0001': 0, 'deep-nesting': 0 } as Record<PoisonKind, number>;
  for (const e of ledger.entries.values()) if (e.poison && filter(e.verdict)) counts[e.poison] += 1;
  return counts;
}
