import { Router, type Request, type Response } from 'express';
import getRawBody from 'raw-body';
import { INGEST_BATCH_CONTENT_TYPE, MAX_COMPRESSED_PAYLOAD_BYTES } from '@logstag/schema';
import { ApiError } from '../http/api-error';
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

export function ingestRoutes({ service, authenticate }: IngestRoutesDeps): Router {
  const router = Router();
  router.post(
    '/v1/ingest',
    async (req, res, next) => {
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
    },
    async (req, res, next) => {
      try {
        // The bytes as sent, capped at the compressed limit (a chunked body has no Content-Length to check above).
        // Decoding is bounded by the decompressed limit; a single gzip body is stored as it came, each line of a batch
        // as its own JSON.
        const raw = await getRawBody(req, { limit: MAX_COMPRESSED_PAYLOAD_BYTES, length: req.headers['content-length'] });
        const body = await decodeIngestBody(raw, req.headers['content-encoding']);
        const organizationId: string = res.locals.principal.organizationId;
        res.status(202).json(res.locals.batch ? await service.acceptBatch(organizationId, body.json) : await service.accept(organizationId, body));
      } catch (err) {
        next(err instanceof StoreUnavailableError ? storeFailure(err, req, res) : err);
      }
    },
  );
  return router;
}
