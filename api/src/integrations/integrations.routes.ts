import { Router } from 'express';
import { z } from 'zod';
import { findEpisode } from '@logstag/store';
import { DELIVERY_STATUSES, e2eTestSettingsSchema, INTEGRATION_KINDS, replayEditSchema } from '@logstag/schema';
import { deliveryViewSchema, e2eTestSettingsViewSchema, integrationListSchema, integrationViewSchema, pageOf, replayResultSchema, testSendResultSchema } from '@logstag/schema/api';
import { principalOf, requirePermission } from '../auth/access';
import { auditContextOf } from '../audit';
import { ApiError } from '../http/api-error';
import type { ApiRegistry } from '../http/api-registry';
import { decodeCursor, encodeCursor, paginationQuery } from '../http/pagination';
import { createIntegrationsService, type IntegrationsDeps } from './integrations.service';

const idParams = z.object({ id: z.string().min(1).max(200) });
const name = z.string().trim().min(1).max(120);
const fields = z.record(z.string(), z.unknown());

const createBody = z.object({ kind: z.enum(INTEGRATION_KINDS), name, config: fields.default({}), secrets: fields.default({}) });
const changeBody = z.object({ name: name.optional(), config: fields.optional(), secrets: fields.optional(), enabled: z.boolean().optional() });

const deliveryFilter = z.object({
  status: z.enum(DELIVERY_STATUSES).optional(),
  integrationId: z.string().max(200).optional(),
  alertId: z.string().max(200).optional(),
  episodeId: z.string().max(255).optional(),
  statusCode: z.coerce.number().int().min(100).max(599).optional(),
  from: z.iso.datetime().optional(),
  to: z.iso.datetime().optional(),
});
const listQuery = paginationQuery.extend(deliveryFilter.shape);
const replayBody = z.object({
  ids: z.array(z.string().min(1).max(200)).min(1).max(500).optional(),
  filter: deliveryFilter.optional(),
  edit: replayEditSchema.default({}),
});

const filterOf = (f: z.infer<typeof deliveryFilter>) => ({
  status: f.status,
  integrationId: f.integrationId,
  alertId: f.alertId,
  episodeId: f.episodeId,
  lastStatus: f.statusCode,
  from: f.from ? new Date(f.from) : undefined,
  to: f.to ? new Date(f.to) : undefined,
});

function afterCursor(cursor: string | undefined): { at: Date; id: string } | undefined {
  const raw = decodeCursor(cursor);
  if (raw === undefined) return undefined;
  const i = raw.indexOf('|');
  const at = new Date(raw.slice(0, i));
  const id = raw.slice(i + 1);
  if (i < 0 || !id || Number.isNaN(at.getTime())) throw new ApiError(400, 'validation_failed', 'cursor is not one this list returned; start again without it');
  return { at, id };
}

/**
 * Integrations (`integrations:manage`) and their deliveries: the delivery log and failed deliveries with their
 * attempts, and replay (`deliveries:replay`: Members cannot replay). Changes, test sends and replays are audit-logged.
 */
export function integrationsRoutes(api: ApiRegistry, deps: IntegrationsDeps): Router {
  const router = Router();
  const service = createIntegrationsService(deps);
  const manage = requirePermission('integrations:manage');
  const tag = 'Integrations';
  const org = (req: Parameters<typeof principalOf>[0]) => principalOf(req).organizationId;

  api.add(router, {
    method: 'get',
    path: '/api/integrations',
    tag,
    summary: 'Integrations of the organization with their health (last success, last failure, 7-day success rate); secrets masked',
    access: manage,
    response: integrationListSchema,
    handle: async (_input, req) => ({ items: await service.list(org(req)) }),
  });
  api.add(router, {
    method: 'post',
    path: '/api/integrations',
    tag,
    summary: 'Add an integration; its secrets are encrypted at rest and never returned (audit-logged)',
    access: manage,
    body: createBody,
    status: 201,
    response: integrationViewSchema,
    handle: async ({ body }, req) => service.create(org(req), body, auditContextOf(req)),
  });
  api.add(router, {
    method: 'get',
    path: '/api/integrations/:id',
    tag,
    summary: 'One integration with its health; secrets masked',
    access: manage,
    params: idParams,
    response: integrationViewSchema,
    errors: [404],
    handle: async ({ params }, req) => service.get(org(req), params.id),
  });
  api.add(router, {
    method: 'patch',
    path: '/api/integrations/:id',
    tag,
    summary: 'Change an integration: secret fields given replace the stored ones, those left out are kept (audit-logged)',
    access: manage,
    params: idParams,
    body: changeBody,
    response: integrationViewSchema,
    errors: [404],
    handle: async ({ params, body }, req) => service.update(org(req), params.id, body, auditContextOf(req)),
  });
  api.add(router, {
    method: 'delete',
    path: '/api/integrations/:id',
    tag,
    summary: 'Remove an integration (audit-logged); its deliveries stay in the log',
    access: manage,
    params: idParams,
    response: { noContent: true },
    errors: [404],
    handle: async ({ params }, req) => service.remove(org(req), params.id, auditContextOf(req)),
  });
  api.add(router, {
    method: 'post',
    path: '/api/integrations/:id/test',
    tag,
    summary: 'Send a test notification through the integration (one attempt) and answer with the delivery and its attempt',
    access: manage,
    params: idParams,
    response: testSendResultSchema,
    errors: [404, 503],
    handle: async ({ params }, req) => ({ delivery: await service.testSend(org(req), params.id, auditContextOf(req)) }),
  });

  api.add(router, {
    method: 'get',
    path: '/api/integration-e2e-test',
    tag,
    summary: 'The daily end-to-end test setting: on or off, and the hour (in a time zone) a test notification goes through every enabled integration',
    access: manage,
    response: e2eTestSettingsViewSchema,
    handle: async (_input, req) => service.e2eTestSettings(org(req)),
  });
  api.add(router, {
    method: 'put',
    path: '/api/integration-e2e-test',
    tag,
    summary: 'Turn the daily end-to-end test on or off and choose its hour and time zone; puts or removes its Temporal Schedule (audit-logged)',
    access: manage,
    body: e2eTestSettingsSchema,
    response: e2eTestSettingsViewSchema,
    errors: [503],
    handle: async ({ body }, req) => service.saveE2eTestSettings(org(req), body, auditContextOf(req)),
  });

  api.add(router, {
    method: 'get',
    path: '/api/deliveries',
    tag,
    summary: 'The delivery log, newest first, each with its attempts; filter by status (failed), integration, alert, alert episode, status code and time',
    access: manage,
    query: listQuery,
    response: pageOf(deliveryViewSchema),
    handle: async ({ query }, req) => {
      const rows = await service.listDeliveries({ organizationId: org(req), ...filterOf(query) }, afterCursor(query.cursor), query.limit + 1);
      const items = rows.slice(0, query.limit);
      const last = items.at(-1);
      return { items, nextCursor: rows.length > query.limit && last ? encodeCursor(`${last.createdAt}|${last.id}`) : null };
    },
  });
  // Issue 16: "the alert timeline shows them" for whoever reads the alert, Members included (an on-call Member asks
  // whether the page went out). The same views as the delivery log (response excerpts without secrets), one episode's.
  api.add(router, {
    method: 'get',
    path: '/api/alerts/:id/deliveries',
    tag,
    summary: "One alert episode's notifications and every attempt to deliver each (time, verdict, status, latency, excerpt)",
    access: requirePermission('explorers:read'),
    params: z.object({ id: z.string().min(1).max(255) }),
    response: z.object({ items: z.array(deliveryViewSchema) }),
    errors: [404],
    handle: async ({ params }, req) => {
      if (!(await findEpisode(deps.db, org(req), params.id))) throw new ApiError(404, 'not_found', 'alert not found');
      return { items: await service.listDeliveries({ organizationId: org(req), episodeId: params.id }, undefined, 500) };
    },
  });
  api.add(router, {
    method: 'get',
    path: '/api/deliveries/:id',
    tag,
    summary: 'One delivery with every attempt (time, status, latency, response excerpt)',
    access: manage,
    params: idParams,
    response: deliveryViewSchema,
    errors: [404],
    handle: async ({ params }, req) => service.getDelivery(org(req), params.id),
  });
  api.add(router, {
    method: 'post',
    path: '/api/deliveries/replay',
    tag,
    summary:
      'Replay failed deliveries: by ids, or everything a filter matches (at most 500), optionally edited (another integration, summary, severity). Each replay is a new delivery linked to the original with the same idempotency key (audit-logged)',
    access: requirePermission('deliveries:replay'),
    body: replayBody,
    status: 202,
    response: replayResultSchema,
    errors: [404, 409, 503],
    handle: async ({ body }, req) => service.replay(org(req), { ids: body.ids, filter: body.filter ? filterOf(body.filter) : undefined }, body.edit, auditContextOf(req)),
  });
  return router;
}
