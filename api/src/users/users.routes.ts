import { Router } from 'express';
import type { Kysely } from 'kysely';
import { z } from 'zod';
import type { Database } from '@logstag/store';
import { pageOf, userViewSchema } from '@logstag/schema/api';
import { principalOf, requirePermission } from '../auth/access';
import { ROLES } from '../auth/permissions';
import { auditContextOf } from '../audit';
import { ApiError } from '../http/api-error';
import type { ApiRegistry } from '../http/api-registry';
import { decodeCursor, paginationQuery, toPage } from '../http/pagination';
import { findUser, listUsers } from '@logstag/store';
import { createUsersService } from './users.service';
import { userView } from './user-view';

const roleInput = z.object({ role: z.enum(ROLES) }).strict();
const idParams = z.object({ id: z.string() });

export function usersRoutes(api: ApiRegistry, { db }: { db: Kysely<Database> }): Router {
  const router = Router();
  const service = createUsersService(db);
  const tag = 'Users';

  api.add(router, {
    method: 'get',
    path: '/api/users',
    tag,
    summary: "The organization's users",
    access: requirePermission('organization:read'),
    query: paginationQuery,
    response: pageOf(userViewSchema),
    handle: async ({ query }, req) => {
      const rows = await listUsers(db, principalOf(req).organizationId, decodeCursor(query.cursor), query.limit + 1);
      return toPage(rows, query.limit, (u) => u.id, userView);
    },
  });

  api.add(router, {
    method: 'get',
    path: '/api/users/:id',
    tag,
    summary: 'One user',
    access: requirePermission('organization:read'),
    params: idParams,
    response: userViewSchema,
    errors: [404],
    handle: async ({ params }, req) => {
      const user = await findUser(db, principalOf(req).organizationId, params.id);
      if (!user) throw new ApiError(404, 'not_found', 'user not found');
      return userView(user);
    },
  });

  api.add(router, {
    method: 'patch',
    path: '/api/users/:id/role',
    tag,
    summary: "Change a user's role (audit-logged); the last Account Owner cannot be demoted",
    access: requirePermission('users:change-role'),
    params: idParams,
    body: roleInput,
    response: userViewSchema,
    errors: [404, 409],
    handle: async ({ params, body }, req) => service.changeRole(principalOf(req).organizationId, params.id, body.role, auditContextOf(req)),
  });

  api.add(router, {
    method: 'delete',
    path: '/api/users/:id',
    tag,
    summary: 'Remove a user and end their sessions (audit-logged); the last Account Owner cannot be removed',
    access: requirePermission('users:remove'),
    params: idParams,
    response: { noContent: true },
    errors: [404, 409],
    handle: async ({ params }, req) => {
      await service.remove(principalOf(req).organizationId, params.id, auditContextOf(req));
    },
  });
  return router;
}
