import { Router } from 'express';
import type { Kysely } from 'kysely';
import { z } from 'zod';
import type { Database } from '@logstag/store';
import { principalOf, publicRoute, requirePermission } from '../auth/access';
import { MIN_PASSWORD_LENGTH } from '../auth/password';
import { ROLES } from '../auth/permissions';
import { auditContextOf, requestClient } from '../audit';
import { decodeCursor, paginationQuery, toPage } from '../http/pagination';
import { parseInput, pathParam } from '../http/validate';
import { listInvitations } from '@logstag/store';
import { createInvitationsService, invitationView } from './invitations.service';

const inviteInput = z.object({ email: z.email().max(320), role: z.enum(ROLES) }).strict();
const acceptInput = z
  .object({ token: z.string().min(20).max(200), name: z.string().trim().min(1).max(200), password: z.string().min(MIN_PASSWORD_LENGTH).max(1024) })
  .strict();

export function invitationsRoutes({ db, ttlMs }: { db: Kysely<Database>; ttlMs: number }): Router {
  const router = Router();
  const service = createInvitationsService(db, ttlMs);

  router.get('/api/invitations', requirePermission('users:invite'), async (req, res) => {
    const q = parseInput(paginationQuery, req.query);
    const rows = await listInvitations(db, principalOf(req).organizationId, decodeCursor(q.cursor), q.limit + 1);
    res.json(toPage(rows, q.limit, (i) => i.id, invitationView));
  });

  router.post('/api/invitations', requirePermission('users:invite'), async (req, res) => {
    const input = parseInput(inviteInput, req.body);
    const p = principalOf(req);
    const { invitation, token } = await service.invite(p.organizationId, { userId: p.userId, role: p.role }, input.email, input.role, auditContextOf(req));
    // The token is shown once, here; the inviter passes the link on.
    res.status(201).json({ invitation, token, acceptPath: `/invitations/accept#token=${token}` });
  });

  router.delete('/api/invitations/:id', requirePermission('users:invite'), async (req, res) => {
    await service.revoke(principalOf(req).organizationId, pathParam(req, 'id'), auditContextOf(req));
    res.status(204).end();
  });

  router.post('/api/invitations/accept', publicRoute(), async (req, res) => {
    const input = parseInput(acceptInput, req.body);
    const user = await service.accept(input.token, input.name, input.password, requestClient(req));
    res.status(201).json({ user });
  });
  return router;
}
