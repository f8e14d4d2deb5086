import { z } from 'zod';
import { categorySchema, engineSchema } from './domain';

/** Bumped whenever a payload's shape changes incompatibly; the server refuses versions it does not know. */
export const SCHEMA_VERSION = 1 as const;

/** Hard caps on what one payload may weigh; the API refuses anything larger before reading it into memory. */
export const MAX_COMPRESSED_PAYLOAD_BYTES = 5 * 1024 * 1024;
export const MAX_DECOMPRESSED_PAYLOAD_BYTES = 32 * 1024 * 1024;

const UUID_V7 = /^[0-9a-f]{8}-[0-9a-f]{4}-7[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/i;
export const payloadIdSchema = z.string().regex(UUID_V7, 'must be a UUID version 7');

/** Names chosen by the customer (agent, target): printable, bounded, no control characters. */
const nameSchema = z
  .string()
  .min(1)
  .max(128)
  .regex(/^[\p{L}\p{N}._:@/ -]+$/u, 'letters, digits, space and . _ : @ / - only');

/**
 * A collector that failed without failing the whole collection (an optional collector, a missing privilege).
 * Sent inside the payload so the server can show "collector X failed: missing privilege Y".
 */
export const collectorErrorSchema = z.object({
  collector: z.string().min(1).max(128),
  message: z.string().max(2000),
  code: z.string().max(64).optional(),
  fix: z.string().max(2000).optional(),
});
export type CollectorError = z.infer<typeof collectorErrorSchema>;

const envelopeFields = {
  id: payloadIdSchema,
  agentId: nameSchema,
  collectedAt: z.iso.datetime({ offset: true }),
  schemaVersion: z.literal(SCHEMA_VERSION),
  /** True when the payload was re-sent from the agent's spool: alert evaluation ignores stale breaches. */
  replayed: z.boolean().default(false),
};

/** One collection of one category from one database target. `data` holds named sections (rows or objects). */
export const collectionPayloadSchema = z.object({
  ...envelopeFields,
  kind: z.literal('collection'),
  targetId: nameSchema,
  engine: engineSchema,
  category: categorySchema,
  data: z.record(z.string().max(128), z.unknown()),
  errors: z.array(collectorErrorSchema).max(200).default([]),
});
export type CollectionPayload = z.infer<typeof collectionPayloadSchema>;

/** Facts about the host the agent runs on, for the Assets view. */
export const hostFactsSchema = z.object({
  hostname: z.string().max(255),
  os: z.string().max(255),
  platform: z.string().max(64),
  arch: z.string().max(64),
  cpuCount: z.number().int().nonnegative(),
  loadAverage: z.array(z.number()).max(3),
  memoryTotalBytes: z.number().nonnegative(),
  memoryFreeBytes: z.number().nonnegative(),
  uptimeSeconds: z.number().nonnegative(),
  agentVersion: z.string().max(64),
  agentUptimeSeconds: z.number().nonnegative(),
  disks: z
    .array(z.object({ path: z.string().max(1024), totalBytes: z.number().nonnegative(), freeBytes: z.number().nonnegative() }))
    .max(64)
    .default([]),
});
export type HostFacts = z.infer<typeof hostFactsSchema>;

/**
 * The agent's on-disk spool at heartbeat time: a growing backlog means the agent cannot reach the server (or is being
 * throttled), and a non-zero drop count means data was lost to the spool's size or age cap since the previous heartbeat.
 */
export const spoolStatsSchema = z.object({
  backlogPayloads: z.number().int().nonnegative(),
  backlogBytes: z.number().int().nonnegative(),
  droppedSinceLast: z.number().int().nonnegative(),
});
export type SpoolStats = z.infer<typeof spoolStatsSchema>;

export const heartbeatPayloadSchema = z.object({
  ...envelopeFields,
  kind: z.literal('heartbeat'),
  host: hostFactsSchema,
  /** Optional: agents older than this field, and `collect --dry-run` (which has no spool), leave it out. */
  spool: spoolStatsSchema.optional(),
  targets: z
    .array(z.object({ targetId: nameSchema, engine: engineSchema, tags: z.record(z.string(), z.string()).default({}) }))
    .max(1000)
    .default([]),
});
export type HeartbeatPayload = z.infer<typeof heartbeatPayloadSchema>;

export const payloadSchema = z.discriminatedUnion('kind', [collectionPayloadSchema, heartbeatPayloadSchema]);
export type Payload = z.infer<typeof payloadSchema>;
export type PayloadInput = z.input<typeof payloadSchema>;

/** What `POST /v1/ingest` answers with 202. */
export interface IngestAccepted {
  id: string;
  status: 'accepted' | 'duplicate';
}

/**
 * A batch on `POST /v1/ingest`: payloads as JSON lines (NDJSON), the body gzip'd as a whole. An agent sends what it
 * collected in the last seconds in one request instead of one request each: per payload, the request's HTTP work and
 * a gzip stream were most of the agent's CPU (docs/benchmarks.md, "Agent").
 */
export const INGEST_BATCH_CONTENT_TYPE = 'application/x-ndjson';
/** The most payloads one batch may carry; the body's byte limits are those of a single payload. */
export const MAX_BATCH_PAYLOADS = 500;

/** How the server answered one line of a batch, in the order of the lines. `line` counts from 1, blank lines included. */
export type IngestBatchItem =
  | { line: number; id: string; status: 'accepted' | 'duplicate' }
  | {
      line: number;
      /** Absent when the line is not JSON or carries no readable id. */
      id?: string;
      status: 'rejected';
      error: { code: string; message: string; issues?: Array<{ path: string; message: string }> };
    };

/** What `POST /v1/ingest` answers with 202 to a batch: one item per non-blank line. */
export interface IngestBatchAccepted {
  results: IngestBatchItem[];
}
