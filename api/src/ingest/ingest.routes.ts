import { Router } from 'express';
import getRawBody from 'raw-body';
import { MAX_COMPRESSED_PAYLOAD_BYTES } from '@logstag/schema';
import { ApiError } from '../http/api-error';
import type { AgentAuthenticator } from './agent-auth';
import type { IngestService } from './ingest.service';
import { decodeIngestBody } from './request-body';

export interface IngestRoutesDeps {
  service: IngestService;
  authenticate: AgentAuthenticator;
}

export function ingestRoutes({ service, authenticate }: IngestRoutesDeps): Router {
  const router = Router();
  router.post(
    '/v1/ingest',
    async (req, res, next) => {
      // Refuse an oversized compressed body from its header, before reading a byte of it.
      const length = Number(req.headers['content-length'] ?? 0);
      if (length > MAX_COMPRESSED_PAYLOAD_BYTES) return next(new ApiError(413, 'payload_too_large', `the body exceeds ${MAX_COMPRESSED_PAYLOAD_BYTES} bytes`));
      if (!req.is('application/json')) return next(new ApiError(415, 'unsupported_media_type', 'send Content-Type: application/json'));
      try {
        res.locals.principal = await authenticate(req);
        next();
      } catch (err) {
        next(err);
      }
    },
    async (req, res, next) => {
      try {
        // The bytes as sent, capped at the compressed limit (a chunked body has no Content-Length to check above).
        // Decoding is bounded by the decompressed limit; gzip bodies are stored as they came.
        const raw = await getRawBody(req, { limit: MAX_COMPRESSED_PAYLOAD_BYTES, length: req.headers['content-length'] });
        const body = await decodeIngestBody(raw, req.headers['content-encoding']);
        const accepted = await service.accept(res.locals.principal.organizationId, body);
        res.status(202).json(accepted);
      } catch (err) {
        next(err);
      }
    },
  );
  return router;
}
