import { Router } from 'express';
import type { Kysely } from 'kysely';
import { z } from 'zod';
import type { Database } from '@logstag/store';
import { organizationViewSchema } from '@logstag/schema/api';
import { principalOf, requirePermission } from '../auth/access';
import { auditContextOf, recordAuditEvent } from '../audit';
import { ApiError } from '../http/api-error';
import type { ApiRegistry } from '../http/api-registry';
import { findOrganization, updateOrganizationName } from '@logstag/store';
import { organizationView } from './organizations.service';

const settingsInput = z.object({ name: z.string().trim().min(1).max(200) }).strict();

export function organizationRoutes(api: ApiRegistry, { db }: { db: Kysely<Database> }): Router {
  const router = Router();
  const tag = 'Organization';

  api.add(router, {
    method: 'get',
    path: '/api/organization',
    tag,
    summary: "The caller's organization",
    access: requirePermission('organization:read'),
    response: organizationViewSchema,
    errors: [404],
    handle: async (_input, req) => {
      const org = await findOrganization(db, principalOf(req).organizationId);
      if (!org) throw new ApiError(404, 'not_found', 'organization not found');
      return organizationView(org);
    },
  });

  api.add(router, {
    method: 'patch',
    path: '/api/organization',
    tag,
    summary: "Rename the caller's organization (audit-logged)",
    access: requirePermission('organization:settings'),
    body: settingsInput,
    response: organizationViewSchema,
    errors: [404],
    handle: async ({ body }, req) => {
      const { organizationId } = principalOf(req);
      const updated = await db.transaction().execute(async (trx) => {
        const before = await findOrganization(trx, organizationId);
        if (!before) throw new ApiError(404, 'not_found', 'organization not found');
        await updateOrganizationName(trx, organizationId, body.name);
        await recordAuditEvent(trx, {
          ...auditContextOf(req),
          action: 'organization.settings_changed',
          object: { type: 'organization', id: organizationId },
          before: { name: before.name },
          after: { name: body.name },
        });
        return { ...before, name: body.name };
      });
      return organizationView(updated);
    },
  });
  return router;
}
