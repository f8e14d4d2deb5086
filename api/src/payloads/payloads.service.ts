import type { Kysely } from 'kysely';
import type { Database } from '@logstag/store';
import { recordAuditEvent, type AuditContext } from '../audit';
import { ApiError } from '../http/api-error';
import { discardPayload, findPayloadForUpdate, requeuePayload, type PayloadListRow, type StuckThreshold } from '@logstag/store';
import type { IngestPayload } from '@logstag/schema/api';

/** A payload as the admin list shows it. `stuck` only for unfinished ones older than the threshold. */
export function payloadView(p: PayloadListRow): IngestPayload {
  return {
    id: p.id,
    status: p.status,
    targetId: p.target_id,
    engine: p.engine,
    category: p.category,
    kind: p.kind,
    collectedAt: p.collected_at.toISOString(),
    receivedAt: p.received_at.toISOString(),
    claimedAt: p.workflow_started_at?.toISOString() ?? null,
    error: p.error_reason ? { reason: p.error_reason, message: p.error_message, code: p.error_code, at: p.failed_at?.toISOString() ?? null } : null,
    attempts: p.attempts,
    discardedAt: p.discarded_at?.toISOString() ?? null,
    /** Decompressed size, and the bytes kept as the agent sent them. */
    size: { bytes: p.body_bytes, rawBytes: p.raw_bytes },
  };
}
export type PayloadView = ReturnType<typeof payloadView>;

function summary(p: PayloadListRow) {
  return { status: p.status, targetId: p.target_id, category: p.category, errorReason: p.error_reason, errorCode: p.error_code, attempts: p.attempts };
}

function isStuck(p: PayloadListRow, stuck: StuckThreshold): boolean {
  return (p.status === 'pending' || p.status === 'started') && Date.now() - p.received_at.getTime() > stuck.olderThanMs;
}

export function createPayloadsService(db: Kysely<Database>, stuck: StuckThreshold) {
  async function change(
    organizationId: string,
    id: string,
    audit: AuditContext,
    what: { action: string; allowed: (p: PayloadListRow) => boolean; refused: string; apply: typeof requeuePayload },
  ): Promise<PayloadView> {
    return db.transaction().execute(async (trx) => {
      const before = await findPayloadForUpdate(trx, organizationId, id);
      if (!before) throw new ApiError(404, 'not_found', 'payload not found');
      if (!what.allowed(before)) throw new ApiError(409, 'conflict', `the payload is ${before.status}: ${what.refused}`);
      await what.apply(trx, organizationId, id);
      const after = (await findPayloadForUpdate(trx, organizationId, id))!;
      await recordAuditEvent(trx, { ...audit, action: what.action, object: { type: 'payload', id }, before: summary(before), after: summary(after) });
      return payloadView(after);
    });
  }

  return {
    /**
     * A failed payload goes back to `pending`; the dispatcher takes it into a new batch within seconds. Stored, it
     * stays stored; failing again, it comes back `failed` with one more attempt counted. A stuck one is released the
     * same way (its claim dropped), which is what the dispatcher itself does with an expired claim.
     */
    retry: (organizationId: string, id: string, audit: AuditContext) =>
      change(organizationId, id, audit, {
        action: 'payload.retried',
        allowed: (p) => p.status === 'failed' || isStuck(p, stuck),
        refused: 'only failed or stuck payloads can be retried',
        apply: requeuePayload,
      }),

    /** Gives a failed or stuck payload up: `discarded`, never dispatched again; its raw bytes are kept. */
    discard: (organizationId: string, id: string, audit: AuditContext) =>
      change(organizationId, id, audit, {
        action: 'payload.discarded',
        allowed: (p) => p.status === 'failed' || isStuck(p, stuck),
        refused: 'only failed or stuck payloads can be discarded',
        apply: discardPayload,
      }),
  };
}
