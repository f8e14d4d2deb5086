import { Router } from 'express';
import type { Kysely } from 'kysely';
import { z } from 'zod';
import type { Database } from '@logstag/store';
import { principalOf, requirePermission } from '../auth/access';
import { auditContextOf, recordAuditEvent } from '../audit';
import { ApiError } from '../http/api-error';
import { parseInput } from '../http/validate';
import { findOrganization, updateOrganizationName } from '@logstag/store';
import { organizationView } from './organizations.service';

const settingsInput = z.object({ name: z.string().trim().min(1).max(200) }).strict();

export function organizationRoutes({ db }: { db: Kysely<Database> }): Router {
  const router = Router();

  router.get('/api/organization', requirePermission('organization:read'), async (req, res) => {
    const org = await findOrganization(db, principalOf(req).organizationId);
    if (!org) throw new ApiError(404, 'not_found', 'organization not found');
    res.json(organizationView(org));
  });

  router.patch('/api/organization', requirePermission('organization:settings'), async (req, res) => {
    const input = parseInput(settingsInput, req.body);
    const { organizationId } = principalOf(req);
    const updated = await db.transaction().execute(async (trx) => {
      const before = await findOrganization(trx, organizationId);
      if (!before) throw new ApiError(404, 'not_found', 'organization not found');
      await updateOrganizationName(trx, organizationId, input.name);
      await recordAuditEvent(trx, {
        ...auditContextOf(req),
        action: 'organization.settings_changed',
        object: { type: 'organization', id: organizationId },
        before: { name: before.name },
        after: { name: input.name },
      });
      return { ...before, name: input.name };
    });
    res.json(organizationView(updated));
  });
  return router;
}
