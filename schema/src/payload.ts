import * as z from 'zod/mini';
import en from 'zod/v4/locales/en.js';
import { categorySchema, engineSchema } from './domain';
import { collectionDataSchema } from './sections';

// zod/mini rather than zod's chained API: the agent validates every payload it sends, in a process that runs for
// months next to a database. The chained API is about 570 KB of source and 2 MB of heap once loaded, zod/mini about
// 20 KB and 0.3 MB (docs/benchmarks.md, "Agent"). The schemas parse the same; zod/mini leaves the language of its
// messages to the program, and the chained API would have set English on import: set here.
z.config(en());

/**
 * Bumped whenever a payload's shape changes incompatibly; the server refuses versions it does not know. Version 2
 * declares every section (schema/src/sections) and names them in snake_case on every engine; version 1, whose `data`
 * was any record, is still accepted from agents already deployed and read through its old section names
 * (sections/version-1.ts).
 */
export const SCHEMA_VERSION = 2 as const;
/** The versions the server accepts. */
export const SUPPORTED_SCHEMA_VERSIONS = [1, SCHEMA_VERSION] as const;

/** Hard caps on what one payload may weigh; the API refuses anything larger before reading it into memory. */
export const MAX_COMPRESSED_PAYLOAD_BYTES = 5 * 1024 * 1024;
export const MAX_DECOMPRESSED_PAYLOAD_BYTES = 32 * 1024 * 1024;

const UUID_V7 = /^[0-9a-f]{8}-[0-9a-f]{4}-7[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/i;
export const payloadIdSchema = z.string().check(z.regex(UUID_V7, 'must be a UUID version 7'));

/** Names chosen by the customer (agent, target): printable, bounded, no control characters. */
const nameSchema = z
  .string()
  .check(z.minLength(1), z.maxLength(128), z.regex(/^[\p{L}\p{N}._:@/ -]+$/u, 'letters, digits, space and . _ : @ / - only'));

const nonNegative = () => z.number().check(z.nonnegative());
const count = () => z.int().check(z.nonnegative());

/**
 * A collector that failed without failing the whole collection (an optional collector, a missing privilege).
 * Sent inside the payload so the server can show "collector X failed: missing privilege Y".
 */
export const collectorErrorSchema = z.object({
  collector: z.string().check(z.minLength(1), z.maxLength(128)),
  message: z.string().check(z.maxLength(2000)),
  code: z.optional(z.string().check(z.maxLength(64))),
  fix: z.optional(z.string().check(z.maxLength(2000))),
});
export type CollectorError = z.infer<typeof collectorErrorSchema>;

const envelopeFields = {
  id: payloadIdSchema,
  agentId: nameSchema,
  collectedAt: z.iso.datetime({ offset: true }),
  schemaVersion: z.literal(SUPPORTED_SCHEMA_VERSIONS),
  /** True when the payload was re-sent from the agent's spool: alert evaluation ignores stale breaches. */
  replayed: z._default(z.boolean(), false),
};

/**
 * One collection of one category from one database target. `data` holds named sections (rows or objects): from
 * version 2 on, the sections its engine and category declare are checked against their schemas.
 */
export const collectionPayloadSchema = z
  .object({
    ...envelopeFields,
    kind: z.literal('collection'),
    targetId: nameSchema,
    engine: engineSchema,
    category: categorySchema,
    data: z.record(z.string().check(z.maxLength(128)), z.unknown()),
    errors: z._default(z.array(collectorErrorSchema).check(z.maxLength(200)), []),
  })
  .check(
    z.superRefine((payload, ctx) => {
      if (payload.schemaVersion === 1) return;
      const parsed = collectionDataSchema(payload.engine, payload.category).safeParse(payload.data);
      if (parsed.success) return;
      for (const issue of parsed.error.issues) ctx.addIssue({ ...issue, path: ['data', ...issue.path] } as Parameters<typeof ctx.addIssue>[0]);
    }),
  );
export type CollectionPayload = z.infer<typeof collectionPayloadSchema>;
/** A collection payload as sent and stored: defaults (errors, replayed) not applied. */
export type CollectionPayloadInput = z.input<typeof collectionPayloadSchema>;

/** Facts about the host the agent runs on, for the Assets view. */
export const hostFactsSchema = z.object({
  hostname: z.string().check(z.maxLength(255)),
  os: z.string().check(z.maxLength(255)),
  platform: z.string().check(z.maxLength(64)),
  arch: z.string().check(z.maxLength(64)),
  cpuCount: count(),
  loadAverage: z.array(z.number()).check(z.maxLength(3)),
  memoryTotalBytes: nonNegative(),
  memoryFreeBytes: nonNegative(),
  uptimeSeconds: nonNegative(),
  agentVersion: z.string().check(z.maxLength(64)),
  agentUptimeSeconds: nonNegative(),
  disks: z._default(
    z
      .array(z.object({ path: z.string().check(z.maxLength(1024)), totalBytes: nonNegative(), freeBytes: nonNegative() }))
      .check(z.maxLength(64)),
    [],
  ),
});
export type HostFacts = z.infer<typeof hostFactsSchema>;

/**
 * The agent's on-disk spool at heartbeat time: a growing backlog means the agent cannot reach the server (or is being
 * throttled), and a non-zero drop count means data was lost to the spool's size or age cap since the previous heartbeat.
 */
export const spoolStatsSchema = z.object({
  backlogPayloads: count(),
  backlogBytes: count(),
  droppedSinceLast: count(),
});
export type SpoolStats = z.infer<typeof spoolStatsSchema>;

export const heartbeatPayloadSchema = z.object({
  ...envelopeFields,
  kind: z.literal('heartbeat'),
  host: hostFactsSchema,
  /** Optional: agents older than this field, and `collect --dry-run` (which has no spool), leave it out. */
  spool: z.optional(spoolStatsSchema),
  targets: z._default(
    z
      .array(z.object({ targetId: nameSchema, engine: engineSchema, tags: z._default(z.record(z.string(), z.string()), {}) }))
      .check(z.maxLength(1000)),
    [],
  ),
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
