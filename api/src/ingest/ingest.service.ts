import type { Kysely } from 'kysely';
import { payloadDoorIssues, payloadSchema, type IngestAccepted, type IngestBatchAccepted, type IngestBatchItem } from '@logstag/schema';
import type { Database, PayloadBodyColumns } from '@logstag/store';
import { ApiError } from '../http/api-error';
import type { Metrics } from '../metrics';
import { findPayloadOwner, payloadRow } from '@logstag/store';
import { ingestDoorSettings, type IngestDoorSettings } from './ingest-settings';
import { createPayloadCommitter, type PayloadCommitter } from './payload-committer';
import { storeFailureKind, StoreUnavailableError, unstorableMessage } from './store-failure';
import { splitBatchLines, type IngestBody } from './request-body';

/** The ingest dispatcher as the door sees it: told when payloads were committed, so it starts their workflows soon. */
export interface DispatchNudge {
  nudge(): void;
}

export interface IngestServiceDeps {
  db: Kysely<Database>;
  dispatcher: DispatchNudge;
  metrics: Metrics;
  /** Group commit of concurrent accepts; one over `db` by default. */
  committer?: PayloadCommitter;
  /** The collectedAt window and nesting limit; the defaults of ingestDoorSettings() when absent. */
  door?: IngestDoorSettings;
  /** The clock the collectedAt window is measured from (ms since the epoch). */
  now?: () => number;
}

const INVALID_MESSAGE = 'the payload does not match the schema';
const DOOR_MESSAGE = 'the payload holds what the store cannot keep (README, Endpoints: what ingest refuses)';
const CONFLICT_MESSAGE = 'payload id already used; generate a new UUID v7';
/** JSON.parse quotes the input in its messages; a batch answers hundreds of them, so each is cut to this length. */
const MAX_PARSE_MESSAGE_CHARS = 200;
/** Only a `\u` escape in the JSON text can put a NUL or a lone surrogate into its strings (payloadDoorIssues' hint). */
const BACKSLASH_U = Buffer.from('\\u');

type Issue = { path: string; message: string };

/**
 * What became of one parsed body: committed (new or again), refused by the schema or the door checks, another
 * organization's id, or refused by the store itself (a data error no check foresaw).
 */
type Outcome =
  | { status: 'accepted' | 'duplicate' | 'conflict'; id: string }
  | { status: 'invalid'; message: string; issues: Issue[] }
  | { status: 'unstorable'; id: string; message: string };

function parseJson(body: Buffer): unknown {
  try {
    return JSON.parse(body.toString('utf8'));
  } catch (err) {
    throw new ApiError(400, 'bad_request', `the body is not valid JSON: ${(err as Error).message}`);
  }
}

/**
 * The id a schema-invalid line claimed, so the agent can tell which of its payloads it was: echoed only when it is
 * as short as an id can be, so a line cannot make the answer carry megabytes back.
 */
function claimedId(value: unknown): string | undefined {
  const id = typeof value === 'object' && value !== null ? (value as { id?: unknown }).id : undefined;
  return typeof id === 'string' && id.length <= 64 ? id : undefined;
}

/** A store call's failure: a data error is this payload's own (unstorable), anything else the store's (503). */
function unstorableOr503(err: unknown, id: string): Outcome {
  if (storeFailureKind(err) === 'data') return { status: 'unstorable', id, message: unstorableMessage(err) };
  throw new StoreUnavailableError(err);
}

export function createIngestService({ db, dispatcher, metrics, committer = createPayloadCommitter({ db }), door = ingestDoorSettings(), now = Date.now }: IngestServiceDeps) {
  /**
   * Validates a parsed body and commits it through the group committer; counts the outcome. Everything up to the
   * commit runs synchronously, so the lines of a batch mapped over this queue their rows in the same turn and the
   * committer writes them in few INSERTs. Does not nudge the dispatcher: the caller does, once.
   */
  async function commitParsed(organizationId: string, json: Buffer, value: unknown, stored: PayloadBodyColumns): Promise<Outcome> {
    const parsed = payloadSchema.safeParse(value);
    if (!parsed.success) {
      metrics.ingested.inc({ outcome: 'invalid' });
      return { status: 'invalid', message: INVALID_MESSAGE, issues: parsed.error.issues.map((i) => ({ path: i.path.join('.'), message: i.message })) };
    }
    const payload = parsed.data;
    // What passes the schema but the store cannot hold (NUL, lone surrogates, depth) or should not keep (collectedAt
    // outside the window): refused here, where the agent still gets an answer, instead of failing in the pipeline.
    const doorIssues = payloadDoorIssues(payload, { now: now(), ...door }, { mayHoldEscapes: json.includes(BACKSLASH_U) });
    if (doorIssues.length > 0) {
      metrics.ingested.inc({ outcome: 'invalid' });
      return { status: 'invalid', message: DOOR_MESSAGE, issues: doorIssues };
    }
    let inserted: boolean;
    try {
      inserted = await committer.commit(payloadRow(organizationId, payload, stored));
    } catch (err) {
      const outcome = unstorableOr503(err, payload.id);
      metrics.ingested.inc({ outcome: 'unstorable' });
      return outcome;
    }
    if (!inserted) {
      const owner = await findPayloadOwner(db, payload.id).catch((err: unknown) => {
        throw new StoreUnavailableError(err);
      });
      // Another organization's id: refuse without saying whose it is or what it holds.
      if (owner && owner.organization_id !== organizationId) return { status: 'conflict', id: payload.id };
      metrics.ingested.inc({ outcome: 'duplicate' });
      return { status: 'duplicate', id: payload.id };
    }
    metrics.ingested.inc({ outcome: 'accepted' });
    return { status: 'accepted', id: payload.id };
  }

  return {
    /**
     * Validates and commits the payload, then starts its workflow without making the agent wait for Temporal.
     * The same id twice is stored once and answered the same.
     */
    async accept(organizationId: string, body: IngestBody): Promise<IngestAccepted> {
      const outcome = await commitParsed(organizationId, body.json, parseJson(body.json), body.stored);
      if (outcome.status === 'invalid') throw new ApiError(400, 'validation_failed', outcome.message, { issues: outcome.issues });
      if (outcome.status === 'conflict') throw new ApiError(409, 'conflict', CONFLICT_MESSAGE);
      if (outcome.status === 'unstorable') throw new ApiError(422, 'unstorable', outcome.message);
      if (outcome.status === 'accepted') dispatcher.nudge();
      return { id: outcome.id, status: outcome.status };
    },

    /**
     * A batch: one payload per line of the decoded body (NDJSON), each answered on its own, in line order. A line that
     * is not JSON, fails the schema or the door checks, reuses another organization's id or whose values the store
     * refuses (a data error) is rejected alone; the others are committed, all through the group committer at once.
     * Each is stored as its own JSON bytes. Only a store that cannot take payloads at all fails the whole request,
     * with 503, so the agent sends the batch again; the ids make that idempotent.
     */
    async acceptBatch(organizationId: string, decoded: Buffer): Promise<IngestBatchAccepted> {
      const lines = splitBatchLines(decoded);
      const settled = await Promise.allSettled(
        lines.map(async ({ line, bytes }): Promise<IngestBatchItem> => {
          let value: unknown;
          try {
            value = JSON.parse(bytes.toString('utf8'));
          } catch (err) {
            const message = `the line is not valid JSON: ${(err as Error).message}`.slice(0, MAX_PARSE_MESSAGE_CHARS);
            return { line, status: 'rejected', error: { code: 'bad_request', message } };
          }
          const outcome = await commitParsed(organizationId, bytes, value, { body_raw: bytes, body_encoding: 'identity', body_bytes: bytes.length });
          if (outcome.status === 'invalid') {
            const id = claimedId(value);
            return { line, ...(id === undefined ? {} : { id }), status: 'rejected', error: { code: 'validation_failed', message: outcome.message, issues: outcome.issues } };
          }
          if (outcome.status === 'conflict') return { line, id: outcome.id, status: 'rejected', error: { code: 'conflict', message: CONFLICT_MESSAGE } };
          if (outcome.status === 'unstorable') return { line, id: outcome.id, status: 'rejected', error: { code: 'unstorable', message: outcome.message } };
          return { line, id: outcome.id, status: outcome.status };
        }),
      );
      // Whatever was committed gets its workflow, even when the store failed another line (503: the agent resends,
      // and the committed lines answer duplicate).
      if (settled.some((s) => s.status === 'fulfilled' && s.value.status === 'accepted')) dispatcher.nudge();
      const failed = settled.find((s) => s.status === 'rejected');
      if (failed) throw failed.reason;
      return { results: settled.map((s) => (s as PromiseFulfilledResult<IngestBatchItem>).value) };
    },
  };
}
export type IngestService = ReturnType<typeof createIngestService>;
