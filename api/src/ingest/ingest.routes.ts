import express, { Router } from 'express';
import { MAX_COMPRESSED_PAYLOAD_BYTES, MAX_DECOMPRESSED_PAYLOAD_BYTES } from '@logstag/schema';
import { ApiError } from '../http/api-error';
import type { AgentAuthenticator } from './agent-auth';
import type { IngestService } from './ingest.service';

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
    // Inflates gzip/deflate as a stream and stops at the decompressed limit: a decompression bomb is cut off with
    // 413 after MAX_DECOMPRESSED_PAYLOAD_BYTES, never read whole into memory.
    express.raw({ type: () => true, inflate: true, limit: MAX_DECOMPRESSED_PAYLOAD_BYTES }),
    async (req, res, next) => {
      try {
        const body = Buffer.isBuffer(req.body) ? req.body : Buffer.alloc(0);
        const accepted = await service.accept(res.locals.principal.organizationId, body);
        res.status(202).json(accepted);
      } catch (err) {
        next(err);
      }
    },
  );
  return router;
}
