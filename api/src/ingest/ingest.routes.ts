import { Router, type Request, type RequestHandler, type Response } from 'express';
import { z } from 'zod';
import getRawBody from 'raw-body';
import { INGEST_BATCH_CONTENT_TYPE, MAX_BATCH_PAYLOADS, MAX_COMPRESSED_PAYLOAD_BYTES, payloadSchema } from '@logstag/schema';
import { ingestAcceptedSchema, ingestBatchAcceptedSchema } from '@logstag/schema/api';
import { ApiError } from '../http/api-error';
import type { ApiRegistry } from '../http/api-registry';
import type { AgentAuthenticator } from './agent-auth';
import type { IngestService } from './ingest.service';
import { decodeIngestBody } from './request-body';
import { StoreUnavailableError } from './store-failure';

export interface IngestRoutesDeps {
  service: IngestService;
  authenticate: AgentAuthenticator;
}

/**
 * The store failing under a request is a 503 with Retry-After (the agent keeps the payloads and sends them again),
 * never a 500: the key lookup's failure is the store's too, since it is the only thing authentication asks.
 */
function storeFailure(err: unknown, req: Request, res: Response): unknown {
  const failure = err instanceof ApiError ? err : new StoreUnavailableError(err);
  if (failure instanceof StoreUnavailableError) {
    req.log?.warn({ err: failure.cause }, 'ingest: the store cannot take payloads; answered 503');
    res.setHeader('retry-after', String(failure.retryAfterSeconds));
  }
  return failure;
}

export function ingestRoutes(api: ApiRegistry, { service, authenticate }: IngestRoutesDeps): Router {
  const router = Router();
  const preflight: RequestHandler = async (req, res, next) => {
    // Refuse an oversized compressed body from its header, before reading a byte of it.
    const length = Number(req.headers['content-length'] ?? 0);
    if (length > MAX_COMPRESSED_PAYLOAD_BYTES) return next(new ApiError(413, 'payload_too_large', `the body exceeds ${MAX_COMPRESSED_PAYLOAD_BYTES} bytes`));
    // One payload as JSON, or a batch of them as JSON lines.
    const batch = Boolean(req.is(INGEST_BATCH_CONTENT_TYPE));
    if (!batch && !req.is('application/json')) {
      return next(new ApiError(415, 'unsupported_media_type', `send Content-Type: application/json, or ${INGEST_BATCH_CONTENT_TYPE} for a batch`));
    }
    res.locals.batch = batch;
    try {
      res.locals.principal = await authenticate(req);
      next();
    } catch (err) {
      next(storeFailure(err, req, res));
    }
  };
  api.add(router, {
    method: 'post',
    path: '/v1/ingest',
    tag: 'Ingest',
    summary: 'Accept a payload (JSON), or a batch of them (JSON lines), from an agent; gzip or deflate Content-Encoding allowed',
    access: { kind: 'agent-key' },
    before: [preflight],
    rawBody: {
      description: `One payload as application/json, or up to ${MAX_BATCH_PAYLOADS} as ${INGEST_BATCH_CONTENT_TYPE} (one JSON payload per line)`,
      content: { 'application/json': payloadSchema, [INGEST_BATCH_CONTENT_TYPE]: z.string() },
    },
    status: 202,
    response: z.union([ingestAcceptedSchema, ingestBatchAcceptedSchema]),
    errors: [400, 401, 403, 409, 413, 415, 422, 429, 503],
    handle: async (_input, req, res) => {
      try {
        // The bytes as sent, capped at the compressed limit (a chunked body has no Content-Length to check above).
        // Decoding is bounded by the decompressed limit; a single gzip body is stored as it came, each line of a batch
        // as its own JSON.
        const raw = await getRawBody(req, { limit: MAX_COMPRESSED_PAYLOAD_BYTES, length: req.headers['content-length'] });
        const body = await decodeIngestBody(raw, req.headers['content-encoding']);
        const organizationId: string = res.locals.principal.organizationId;
        return res.locals.batch ? await service.acceptBatch(organizationId, body.json) : await service.accept(organizationId, body);
      } catch (err) {
        throw err instanceof StoreUnavailableError ? storeFailure(err, req, res) : err;
      }
    },
  });
  return router;
}
