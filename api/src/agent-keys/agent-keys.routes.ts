import { Router } from 'express';
import type { Kysely } from 'kysely';
import { z } from 'zod';
import type { Database } from '@logstag/store';
import { agentKeyViewSchema, createdAgentKeySchema, pageOf, rotatedAgentKeySchema } from '@logstag/schema/api';
import { principalOf, requirePermission } from '../auth/access';
import { auditContextOf } from '../audit';
import { ApiError } from '../http/api-error';
import type { ApiRegistry } from '../http/api-registry';
import { decodeCursor, paginationQuery, toPage } from '../http/pagination';
import { dateTimeInput } from '../http/date-time';
import { findAgentKey, listAgentKeys } from '@logstag/store';
import { agentKeyView, createAgentKeysService } from './agent-keys.service';

// A key that expires is for a bounded job; past 10 years the date is a typo or a wish for no expiry (omit expiresAt).
const MAX_KEY_LIFETIME_MS = 10 * 365 * 24 * 3600 * 1000;
const expiresAt = dateTimeInput
  .refine((d) => d.getTime() > Date.now(), 'must be in the future: a key cannot be created already expired (omit expiresAt for a key that does not expire)')
  .refine((d) => d.getTime() <= Date.now() + MAX_KEY_LIFETIME_MS, 'must be at most 10 years ahead (omit expiresAt for a key that does not expire)');
const createInput = z.object({ name: z.string().trim().min(1).max(200), expiresAt: expiresAt.optional() }).strict();
// Up to 30 days of overlap: long enough to roll a fleet of agents, short enough that a forgotten old key dies.
const rotateInput = z.object({ overlapSeconds: z.number().int().min(0).max(30 * 24 * 3600).default(24 * 3600) }).strict();

const idParams = z.object({ id: z.string() });

export function agentKeysRoutes(api: ApiRegistry, { db }: { db: Kysely<Database> }): Router {
  const router = Router();
  const service = createAgentKeysService(db);
  const access = requirePermission('agent-keys:manage');
  const tag = 'Agent keys';

  api.add(router, {
    method: 'get',
    path: '/api/agent-keys',
    tag,
    summary: "The organization's agent API keys (prefixes, never the keys)",
    access,
    query: paginationQuery,
    response: pageOf(agentKeyViewSchema),
    handle: async ({ query }, req) => {
      const rows = await listAgentKeys(db, principalOf(req).organizationId, decodeCursor(query.cursor), query.limit + 1);
      return toPage(rows, query.limit, (k) => k.id, agentKeyView);
    },
  });

  api.add(router, {
    method: 'get',
    path: '/api/agent-keys/:id',
    tag,
    summary: 'One agent API key',
    access,
    params: idParams,
    response: agentKeyViewSchema,
    errors: [404],
    handle: async ({ params }, req) => {
      const key = await findAgentKey(db, principalOf(req).organizationId, params.id);
      if (!key) throw new ApiError(404, 'not_found', 'agent key not found');
      return agentKeyView(key);
    },
  });

  api.add(router, {
    method: 'post',
    path: '/api/agent-keys',
    tag,
    summary: 'Create an agent API key (audit-logged); the key is in this answer only',
    access,
    body: createInput,
    status: 201,
    response: createdAgentKeySchema,
    handle: async ({ body }, req) => {
      const p = principalOf(req);
      return service.create(p.organizationId, body, p.userId, auditContextOf(req));
    },
  });

  api.add(router, {
    method: 'post',
    path: '/api/agent-keys/:id/rotate',
    tag,
    summary: 'Rotate a key: a new key with the same name; the old one keeps working for overlapSeconds (audit-logged)',
    access,
    params: idParams,
    body: rotateInput,
    status: 201,
    response: rotatedAgentKeySchema,
    errors: [404, 409],
    handle: async ({ params, body }, req) => {
      const p = principalOf(req);
      return service.rotate(p.organizationId, params.id, body.overlapSeconds, p.userId, auditContextOf(req));
    },
  });

  api.add(router, {
    method: 'delete',
    path: '/api/agent-keys/:id',
    tag,
    summary: 'Revoke a key (audit-logged); revoking a revoked key answers it as it is',
    access,
    params: idParams,
    response: agentKeyViewSchema,
    errors: [404],
    handle: async ({ params }, req) => service.revoke(principalOf(req).organizationId, params.id, auditContextOf(req)),
  });
  return router;
}
