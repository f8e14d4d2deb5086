import { Router } from 'express';
import { z } from 'zod';
import { ALERT_SEVERITIES, escalationPolicyInputSchema, ruleInputSchema } from '@logstag/schema';
import {
  alertActionResultSchema,
  alertDetailSchema,
  alertEpisodeListSchema,
  alertRuleListSchema,
  alertRuleViewSchema,
  escalationPolicyListSchema,
  escalationPolicyViewSchema,
} from '@logstag/schema/api';
import { listActiveEpisodes, listAlertRules, listEpisodeHistory, listEscalationPolicies } from '@logstag/store';
import { principalOf, requirePermission } from '../auth/access';
import { auditContextOf } from '../audit';
import type { ApiRegistry } from '../http/api-registry';
import { createAlertsService, type AlertsDeps } from './alerts.service';
import { episodeView, policyView, ruleView } from './alerts.views';

const idParams = z.object({ id: z.string().min(1).max(200) });
const actionBody = z.object({ reason: z.string().trim().max(500).nullable().default(null) });
const snoozeBody = actionBody.extend({ until: z.iso.datetime() });
const listQuery = z.object({
  state: z.enum(['active', 'history']).default('active'),
  ruleId: z.string().max(200).optional(),
  targetId: z.string().max(200).optional(),
  severity: z.enum(ALERT_SEVERITIES).optional(),
  from: z.iso.datetime().optional(),
  to: z.iso.datetime().optional(),
  limit: z.coerce.number().int().min(1).max(500).default(100),
});

/**
 * Alerts (everyone reads; Members acknowledge, resolve, snooze and reopen: `alerts:acknowledge`), alert rules and
 * escalation policies (Admins manage them: `alert-rules:manage`). Every change and every action is audit-logged.
 */
export function alertsRoutes(api: ApiRegistry, deps: AlertsDeps): Router {
  const router = Router();
  const service = createAlertsService(deps);
  const read = requirePermission('explorers:read');
  const manage = requirePermission('alert-rules:manage');
  const act = requirePermission('alerts:acknowledge');
  const tag = 'Alerts';
  const org = (req: Parameters<typeof principalOf>[0]) => principalOf(req).organizationId;
  const actor = (req: Parameters<typeof principalOf>[0]) => `user:${principalOf(req).email}`;

  api.add(router, {
    method: 'get',
    path: '/api/alerts',
    tag,
    summary: 'Alerts: active ones (most severe, then oldest, first) or the history (newest first) filtered by rule, target, severity and time',
    access: read,
    query: listQuery,
    response: alertEpisodeListSchema,
    handle: async ({ query }, req) => {
      const rows =
        query.state === 'active'
          ? await listActiveEpisodes(deps.db, org(req), query.limit)
          : await listEpisodeHistory(deps.db, org(req), { ruleId: query.ruleId, targetId: query.targetId, severity: query.severity, from: query.from ? new Date(query.from) : undefined, to: query.to ? new Date(query.to) : undefined }, query.limit);
      const filtered = query.state === 'active' ? rows.filter((r) => (!query.targetId || r.target_id === query.targetId) && (!query.ruleId || r.rule_id === query.ruleId) && (!query.severity || r.severity === query.severity)) : rows;
      return { items: filtered.map(episodeView) };
    },
  });
  api.add(router, {
    method: 'get',
    path: '/api/alerts/:id',
    tag,
    summary: 'One alert episode with its timeline: every transition (actor, time, reason), notification and delivery result',
    access: read,
    params: idParams,
    response: alertDetailSchema,
    errors: [404],
    handle: async ({ params }, req) => service.detail(org(req), params.id),
  });
  for (const action of ['acknowledge', 'resolve', 'reopen'] as const) {
    api.add(router, {
      method: 'post',
      path: `/api/alerts/:id/${action}`,
      tag,
      summary: `${action[0]!.toUpperCase()}${action.slice(1)} an alert (audit-logged)`,
      access: act,
      params: idParams,
      body: actionBody,
      response: alertActionResultSchema,
      errors: [404, 409, 503],
      handle: async ({ params, body }, req) => service.act(org(req), params.id, action, { actor: actor(req), reason: body.reason }, auditContextOf(req)),
    });
  }
  api.add(router, {
    method: 'post',
    path: '/api/alerts/:id/snooze',
    tag,
    summary: 'Snooze an alert until a time: no notifications until then; it resolves as usual if it clears (audit-logged)',
    access: act,
    params: idParams,
    body: snoozeBody,
    response: alertActionResultSchema,
    errors: [404, 409, 503],
    handle: async ({ params, body }, req) => service.act(org(req), params.id, 'snooze', { actor: actor(req), reason: body.reason, until: body.until }, auditContextOf(req)),
  });

  api.add(router, {
    method: 'get',
    path: '/api/alert-rules',
    tag,
    summary: 'Alert rules of the organization (the default pack included)',
    access: read,
    response: alertRuleListSchema,
    handle: async (_i, req) => ({ items: (await listAlertRules(deps.db, org(req))).map(ruleView) }),
  });
  api.add(router, {
    method: 'post',
    path: '/api/alert-rules',
    tag,
    summary: 'Add an alert rule (audit-logged)',
    access: manage,
    body: ruleInputSchema,
    status: 201,
    response: alertRuleViewSchema,
    errors: [400],
    handle: async ({ body }, req) => service.createRule(org(req), body, auditContextOf(req)),
  });
  api.add(router, {
    method: 'put',
    path: '/api/alert-rules/:id',
    tag,
    summary: 'Change an alert rule; its open alerts resolve (each notified recipient gets its resolve) and are evaluated afresh (audit-logged)',
    access: manage,
    params: idParams,
    body: ruleInputSchema,
    response: alertRuleViewSchema,
    errors: [400, 404, 503],
    handle: async ({ params, body }, req) => service.updateRule(org(req), params.id, body, auditContextOf(req)),
  });
  api.add(router, {
    method: 'delete',
    path: '/api/alert-rules/:id',
    tag,
    summary: 'Remove an alert rule; its open alerts resolve and each notified recipient gets its resolve (audit-logged)',
    access: manage,
    params: idParams,
    response: { noContent: true },
    errors: [404, 503],
    handle: async ({ params }, req) => service.deleteRule(org(req), params.id, auditContextOf(req)),
  });

  api.add(router, {
    method: 'get',
    path: '/api/escalation-policies',
    tag,
    summary: 'Escalation policies: ordered tiers of recipients with delays, repeats and acknowledgement expiry',
    access: read,
    response: escalationPolicyListSchema,
    handle: async (_i, req) => ({ items: (await listEscalationPolicies(deps.db, org(req))).map(policyView) }),
  });
  api.add(router, {
    method: 'post',
    path: '/api/escalation-policies',
    tag,
    summary: 'Add an escalation policy (audit-logged)',
    access: manage,
    body: escalationPolicyInputSchema,
    status: 201,
    response: escalationPolicyViewSchema,
    handle: async ({ body }, req) => service.createPolicy(org(req), body, auditContextOf(req)),
  });
  api.add(router, {
    method: 'put',
    path: '/api/escalation-policies/:id',
    tag,
    summary: 'Change an escalation policy; alerts pick it up at their next episode (audit-logged)',
    access: manage,
    params: idParams,
    body: escalationPolicyInputSchema,
    response: escalationPolicyViewSchema,
    errors: [404],
    handle: async ({ params, body }, req) => service.updatePolicy(org(req), params.id, body, auditContextOf(req)),
  });
  api.add(router, {
    method: 'delete',
    path: '/api/escalation-policies/:id',
    tag,
    summary: 'Remove an escalation policy (audit-logged)',
    access: manage,
    params: idParams,
    response: { noContent: true },
    errors: [404],
    handle: async ({ params }, req) => service.deletePolicy(org(req), params.id, auditContextOf(req)),
  });
  return router;
}
