import { Router, type RequestHandler } from 'express';
import type { Kysely } from 'kysely';
import { z } from 'zod';
import type { Database } from '@logstag/store';
import { acceptedInvitationSchema, createdInvitationSchema, invitationViewSchema, pageOf } from '@logstag/schema/api';
import { principalOf, publicRoute, requirePermission } from '../auth/access';
import { MIN_PASSWORD_LENGTH } from '../auth/password';
import { ROLES } from '../auth/permissions';
import { auditContextOf, requestClient } from '../audit';
import type { ApiRegistry } from '../http/api-registry';
import { decodeCursor, paginationQuery, toPage } from '../http/pagination';
import { listInvitations } from '@logstag/store';
import { createInvitationsService, invitationView } from './invitations.service';

const inviteInput = z.object({ email: z.email().max(320), role: z.enum(ROLES) }).strict();
const acceptInput = z
  .object({ token: z.string().min(20).max(200), name: z.string().trim().min(1).max(200), password: z.string().min(MIN_PASSWORD_LENGTH).max(1024) })
  .strict();

const idParams = z.object({ id: z.string() });

export function invitationsRoutes(api: ApiRegistry, { db, ttlMs, rateLimit }: { db: Kysely<Database>; ttlMs: number; rateLimit: RequestHandler }): Router {
  const router = Router();
  const service = createInvitationsService(db, ttlMs);
  const tag = 'Invitations';

  api.add(router, {
    method: 'get',
    path: '/api/invitations',
    tag,
    summary: "The organization's invitations, with their status",
    access: requirePermission('users:invite'),
    query: paginationQuery,
    response: pageOf(invitationViewSchema),
    handle: async ({ query }, req) => {
      const rows = await listInvitations(db, principalOf(req).organizationId, decodeCursor(query.cursor), query.limit + 1);
      return toPage(rows, query.limit, (i) => i.id, invitationView);
    },
  });

  api.add(router, {
    method: 'post',
    path: '/api/invitations',
    tag,
    summary: 'Invite someone by email with a role (audit-logged); the one-time token is in this answer only',
    access: requirePermission('users:invite'),
    body: inviteInput,
    status: 201,
    response: createdInvitationSchema,
    errors: [409],
    handle: async ({ body }, req) => {
      const p = principalOf(req);
      const { invitation, token } = await service.invite(p.organizationId, { userId: p.userId, role: p.role }, body.email, body.role, auditContextOf(req));
      // The token is shown once, here; the inviter passes the link on.
      return { invitation, token, acceptPath: `/invitations/accept#token=${token}` };
    },
  });

  api.add(router, {
    method: 'delete',
    path: '/api/invitations/:id',
    tag,
    summary: 'Revoke a pending invitation (audit-logged)',
    access: requirePermission('users:invite'),
    params: idParams,
    response: { noContent: true },
    errors: [404, 409],
    handle: async ({ params }, req) => {
      await service.revoke(principalOf(req).organizationId, params.id, auditContextOf(req));
    },
  });

  api.add(router, {
    method: 'post',
    path: '/api/invitations/accept',
    tag,
    summary: 'Accept an invitation with its token: creates the user',
    access: publicRoute(),
    before: [rateLimit],
    body: acceptInput,
    status: 201,
    response: acceptedInvitationSchema,
    errors: [404, 409, 429],
    handle: async ({ body }, req) => ({ user: await service.accept(body.token, body.name, body.password, requestClient(req)) }),
  });
  return router;
}
