import { Router } from 'express';
import { z } from 'zod';
import { publicRoute } from '../auth/access';
import type { ApiRegistry } from './api-registry';
import { openApiDocument } from './openapi-document';

const documentSchema = z.looseObject({ openapi: z.string(), info: z.looseObject({ title: z.string(), version: z.string() }), paths: z.record(z.string(), z.unknown()) });

/** GET /api/openapi.json: every declared route, generated on first request (all routes are declared by then). */
export function openApiRoutes(api: ApiRegistry): Router {
  const router = Router();
  let doc: ReturnType<typeof openApiDocument> | undefined;
  api.add(router, {
    method: 'get',
    path: '/api/openapi.json',
    tag: 'API',
    summary: 'This document: OpenAPI 3.1, generated from the routes’ declarations',
    // The contract is public, like any published API reference; the data behind it is not.
    access: publicRoute(),
    response: documentSchema,
    handle: async () => (doc ??= openApiDocument(api.routes)),
  });
  return router;
}
