import * as z from 'zod/mini';
import { isoTime } from './common';

export const PAYLOAD_STATUSES = ['pending', 'started', 'stored', 'failed', 'discarded'] as const;
export const PAYLOAD_LIST_STATUSES = ['failed', 'stuck'] as const;
export type PayloadListStatus = (typeof PAYLOAD_LIST_STATUSES)[number];
export const PAYLOAD_ERROR_REASONS = ['data_error', 'retries_exhausted', 'not_retryable'] as const;

/** An accepted payload the pipeline could not finish (GET /api/payloads?status=failed|stuck, retry, discard). */
export const ingestPayloadViewSchema = z.object({
  id: z.string(),
  status: z.enum(PAYLOAD_STATUSES),
  targetId: z.nullable(z.string()),
  engine: z.nullable(z.string()),
  category: z.nullable(z.string()),
  kind: z.string(),
  collectedAt: isoTime,
  receivedAt: isoTime,
  claimedAt: z.nullable(isoTime),
  error: z.nullable(z.object({ reason: z.enum(PAYLOAD_ERROR_REASONS), message: z.nullable(z.string()), code: z.nullable(z.string()), at: z.nullable(isoTime) })),
  attempts: z.number(),
  discardedAt: z.nullable(isoTime),
  /** Decompressed size, and the bytes kept as the agent sent them. */
  size: z.object({ bytes: z.number(), rawBytes: z.number() }),
});
export type IngestPayload = z.infer<typeof ingestPayloadViewSchema>;

const issues = z.optional(z.array(z.object({ path: z.string(), message: z.string() })));

/** What POST /v1/ingest answers with 202 to one payload. */
export const ingestAcceptedSchema = z.object({ id: z.string(), status: z.enum(['accepted', 'duplicate']) });
/** What POST /v1/ingest answers with 202 to a batch: one item per non-blank line. */
export const ingestBatchAcceptedSchema = z.object({
  results: z.array(
    z.union([
      z.object({ line: z.number(), id: z.string(), status: z.enum(['accepted', 'duplicate']) }),
      z.object({ line: z.number(), id: z.optional(z.string()), status: z.literal('rejected'), error: z.object({ code: z.string(), message: z.string(), issues }) }),
    ]),
  ),
});
