import type { Kysely } from 'kysely';
import { payloadSchema, type IngestAccepted } from '@logstag/schema';
import type { Database, PayloadBodyColumns } from '@logstag/store';
import { ApiError } from '../http/api-error';
import type { Metrics } from '../metrics';
import { findPayloadOwner, payloadRow } from './ingest.repository';
import { createPayloadCommitter, type PayloadCommitter } from './payload-committer';
import type { WorkflowStarter } from './workflow-starter';
import type { IngestBody } from './request-body';

export interface IngestServiceDeps {
  db: Kysely<Database>;
  starter: WorkflowStarter;
  metrics: Metrics;
  /** Group commit of concurrent accepts; one over `db` by default. */
  committer?: PayloadCommitter;
}

const INVALID_MESSAGE = 'the payload does not match the schema';
const CONFLICT_MESSAGE = 'payload id already used; generate a new UUID v7';

type Issue = { path: string; message: string };

/** What became of one parsed body: committed (new or again), refused by the schema, or another organization's id. */
type Outcome = { status: 'accepted' | 'duplicate' | 'conflict'; id: string } | { status: 'invalid'; issues: Issue[] };

function parseJson(body: Buffer): unknown {
  try {
    return JSON.parse(body.toString('utf8'));
  } catch (err) {
    throw new ApiError(400, 'bad_request', `the body is not valid JSON: ${(err as Error).message}`);
  }
}

export function createIngestService({ db, starter, metrics, committer = createPayloadCommitter({ db }) }: IngestServiceDeps) {
  /**
   * Validates a parsed body and commits it through the group committer; counts the outcome. Everything up to the
   * commit runs synchronously, so callers that map several bodies over this queue their rows in the same turn and
   * the committer writes them in few INSERTs. Does not nudge the starter: the caller does, once.
   */
  async function commitParsed(organizationId: string, value: unknown, stored: PayloadBodyColumns): Promise<Outcome> {
    const parsed = payloadSchema.safeParse(value);
    if (!parsed.success) {
      metrics.ingested.inc({ outcome: 'invalid' });
      return { status: 'invalid', issues: parsed.error.issues.map((i) => ({ path: i.path.join('.'), message: i.message })) };
    }
    const payload = parsed.data;
    const inserted = await committer.commit(payloadRow(organizationId, payload, stored));
    if (!inserted) {
      const owner = await findPayloadOwner(db, payload.id);
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
      const outcome = await commitParsed(organizationId, parseJson(body.json), body.stored);
      if (outcome.status === 'invalid') throw new ApiError(400, 'validation_failed', INVALID_MESSAGE, { issues: outcome.issues });
      if (outcome.status === 'conflict') throw new ApiError(409, 'conflict', CONFLICT_MESSAGE);
      if (outcome.status === 'accepted') starter.nudge();
      return { id: outcome.id, status: outcome.status };
    },
  };
}
export type IngestService = ReturnType<typeof createIngestService>;
