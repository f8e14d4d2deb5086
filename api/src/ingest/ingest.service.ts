import type { Kysely } from 'kysely';
import { payloadSchema, type IngestAccepted } from '@logstag/schema';
import type { Database } from '@logstag/store';
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

function parseJson(body: Buffer): unknown {
  try {
    return JSON.parse(body.toString('utf8'));
  } catch (err) {
    throw new ApiError(400, 'bad_request', `the body is not valid JSON: ${(err as Error).message}`);
  }
}

export function createIngestService({ db, starter, metrics, committer = createPayloadCommitter({ db }) }: IngestServiceDeps) {
  return {
    /**
     * Validates and commits the payload, then starts its workflow without making the agent wait for Temporal.
     * The same id twice is stored once and answered the same.
     */
    async accept(organizationId: string, body: IngestBody): Promise<IngestAccepted> {
      const parsed = payloadSchema.safeParse(parseJson(body.json));
      if (!parsed.success) {
        metrics.ingested.inc({ outcome: 'invalid' });
        throw new ApiError(400, 'validation_failed', 'the payload does not match the schema', {
          issues: parsed.error.issues.map((i) => ({ path: i.path.join('.'), message: i.message })),
        });
      }
      const payload = parsed.data;
      const inserted = await committer.commit(payloadRow(organizationId, payload, body.stored));
      if (!inserted) {
        const owner = await findPayloadOwner(db, payload.id);
        // Another organization's id: refuse without saying whose it is or what it holds.
        if (owner && owner.organization_id !== organizationId) throw new ApiError(409, 'conflict', 'payload id already used; generate a new UUID v7');
        metrics.ingested.inc({ outcome: 'duplicate' });
        return { id: payload.id, status: 'duplicate' };
      }
      metrics.ingested.inc({ outcome: 'accepted' });
      starter.nudge();
      return { id: payload.id, status: 'accepted' };
    },
  };
}
export type IngestService = ReturnType<typeof createIngestService>;
