import { Router } from 'express';
import type { Kysely } from 'kysely';
import { z } from 'zod';
import type { Database } from '@logstag/store';
import { principalOf, requirePermission } from '../auth/access';
import { ROLES } from '../auth/permissions';
import { auditContextOf } from '../audit';
import { ApiError } from '../http/api-error';
import { decodeCursor, paginationQuery, toPage } from '../http/pagination';
import { parseInput, pathParam } from '../http/validate';
import { findUser, listUsers } from '@logstag/store';
import { createUsersService } from './users.service';
import { userView } from './user-view';

const roleInput = z.object({ role: z.enum(ROLES) }).strict();

export function usersRoutes({ db }: { db: Kysely<Database> }): Router {
  const router = Router();
  const service = createUsersService(db);

  router.get('/api/users', requirePermission('organization:read'), async (req, res) => {
    const q = parseInput(paginationQuery, req.query);
    const rows = await listUsers(db, principalOf(req).organizationId, decodeCursor(q.cursor), q.limit + 1);
    res.json(toPage(rows, q.limit, (u) => u.id, userView));
  });

  router.get('/api/users/:id', requirePermission('organization:read'), async (req, res) => {
    const user = await findUser(db, principalOf(req).organizationId, pathParam(req, 'id'));
    if (!user) throw new ApiError(404, 'not_found', 'user not found');
    res.json(userView(user));
  });

  router.patch('/api/users/:id/role', requirePermission('users:change-role'), async (req, res) => {
    const { role } = parseInput(roleInput, req.body);
    res.json(await service.changeRole(principalOf(req).organizationId, pathParam(req, 'id'), role, auditContextOf(req)));
  });

  router.delete('/api/users/:id', requirePermission('users:remove'), async (req, res) => {
    await service.remove(principalOf(req).organizationId, pathParam(req, 'id'), auditContextOf(req));
    res.status(204).end();
  });
  return router;
}
