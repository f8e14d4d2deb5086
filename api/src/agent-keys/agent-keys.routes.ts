import { Router } from 'express';
import type { Kysely } from 'kysely';
import { z } from 'zod';
import type { Database } from '@logstag/store';
import { principalOf, requirePermission } from '../auth/access';
import { auditContextOf } from '../audit';
import { ApiError } from '../http/api-error';
import { decodeCursor, paginationQuery, toPage } from '../http/pagination';
import { parseInput, pathParam } from '../http/validate';
import { findAgentKey, listAgentKeys } from '@logstag/store';
import { agentKeyView, createAgentKeysService } from './agent-keys.service';

// A key that expires is for a bounded job; past 10 years the date is a typo or a wish for no expiry (omit expiresAt).
const MAX_KEY_LIFETIME_MS = 10 * 365 * 24 * 3600 * 1000;
const expiresAt = z.coerce
  .date()
  .refine((d) => d.getTime() > Date.now(), 'must be in the future: a key cannot be created already expired (omit expiresAt for a key that does not expire)')
  .refine((d) => d.getTime() <= Date.now() + MAX_KEY_LIFETIME_MS, 'must be at most 10 years ahead (omit expiresAt for a key that does not expire)');
const createInput = z.object({ name: z.string().trim().min(1).max(200), expiresAt: expiresAt.optional() }).strict();
// Up to 30 days of overlap: long enough to roll a fleet of agents, short enough that a forgotten old key dies.
const rotateInput = z.object({ overlapSeconds: z.number().int().min(0).max(30 * 24 * 3600).default(24 * 3600) }).strict();

export function agentKeysRoutes({ db }: { db: Kysely<Database> }): Router {
  const router = Router();
  const service = createAgentKeysService(db);
  const permission = requirePermission('agent-keys:manage');

  router.get('/api/agent-keys', permission, async (req, res) => {
    const q = parseInput(paginationQuery, req.query);
    const rows = await listAgentKeys(db, principalOf(req).organizationId, decodeCursor(q.cursor), q.limit + 1);
    res.json(toPage(rows, q.limit, (k) => k.id, agentKeyView));
  });

  router.get('/api/agent-keys/:id', permission, async (req, res) => {
    const key = await findAgentKey(db, principalOf(req).organizationId, pathParam(req, 'id'));
    if (!key) throw new ApiError(404, 'not_found', 'agent key not found');
    res.json(agentKeyView(key));
  });

  router.post('/api/agent-keys', permission, async (req, res) => {
    const input = parseInput(createInput, req.body);
    const p = principalOf(req);
    res.status(201).json(await service.create(p.organizationId, input, p.userId, auditContextOf(req)));
  });

  router.post('/api/agent-keys/:id/rotate', permission, async (req, res) => {
    const { overlapSeconds } = parseInput(rotateInput, req.body);
    const p = principalOf(req);
    res.status(201).json(await service.rotate(p.organizationId, pathParam(req, 'id'), overlapSeconds, p.userId, auditContextOf(req)));
  });

  router.delete('/api/agent-keys/:id', permission, async (req, res) => {
    res.json(await service.revoke(principalOf(req).organizationId, pathParam(req, 'id'), auditContextOf(req)));
  });
  return router;
}
