import { Router } from 'express';
import { z } from 'zod';
import { ALERT_SEVERITIES, escalationPolicyInputSchema, maintenanceWindowInputSchema, nextWindowOccurrence, openWindowAt, ruleInputSchema, silenceInputSchema } from '@logstag/schema';
import {
  alertActionResultSchema,
  alertDetailSchema,
  alertEpisodeListSchema,
  alertRuleListSchema,
  alertRuleViewSchema,
  escalationPolicyListSchema,
  escalationPolicyViewSchema,
  escalationSimulationSchema,
  rulePreviewSchema,
  maintenanceWindowListSchema,
  maintenanceWindowViewSchema,
  silenceListSchema,
  silenceViewSchema,
} from '@logstag/schema/api';
import { listActiveEpisodes, listAlertRules, listEpisodeHistory, listEscalationPolicies, listEndedSilences, listMaintenanceWindows, listSilences, type AlertSilence, type MaintenanceWindow } from '@logstag/store';
import { principalOf, requirePermission } from '../auth/access';
import { auditContextOf } from '../audit';
import type { ApiRegistry } from '../http/api-registry';
import { createAlertsService, type AlertsDeps } from './alerts.service';
import { previewRule, simulateEscalation } from './alerts.preview';
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
const silencesQuery = z.object({ state: z.enum(['active', 'ended']).default('active'), limit: z.coerce.number().int().min(1).max(500).default(100) });

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
          ? await listActiveEpisodes(deps.db, org(req), query.limit, { ruleId: query.ruleId, targetId: query.targetId, severity: query.severity })
          : await listEpisodeHistory(deps.db, org(req), { ruleId: query.ruleId, targetId: query.targetId, severity: query.severity, from: query.from ? new Date(query.from) : undefined, to: query.to ? new Date(query.to) : undefined }, query.limit);
      return { items: rows.map(episodeView) };
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

  api.add(router, {
    method: 'post',
    path: '/api/alert-rule-previews',
    tag,
    summary: 'How often a rule (not saved) would have opened over the last 24 hours of stored data, with its for / clear-for hysteresis',
    access: manage,
    body: ruleInputSchema,
    response: rulePreviewSchema,
    handle: async ({ body }, req) => previewRule(deps.db, org(req), body),
  });
  api.add(router, {
    method: 'post',
    path: '/api/escalation-simulations',
    tag,
    summary: 'Who a policy (not saved) would notify, minute by minute after firing, if nobody acknowledges',
    access: manage,
    body: escalationPolicyInputSchema.extend({ minutes: z.number().int().min(1).max(7 * 24 * 60).default(120) }),
    response: escalationSimulationSchema,
    handle: async ({ body }) => simulateEscalation(body, body.minutes),
  });

  api.add(router, {
    method: 'get',
    path: '/api/silences',
    tag,
    summary: 'Silences not yet ended (each holds back the notifications of the alerts it matches: rule, target, tags) or, with state=ended, those that ran out or were ended early, most recent first',
    access: read,
    query: silencesQuery,
    response: silenceListSchema,
    handle: async ({ query }, req) => ({
      items: (query.state === 'active' ? await listSilences(deps.db, org(req), new Date()) : await listEndedSilences(deps.db, org(req), new Date(), query.limit)).map(silenceView),
    }),
  });
  api.add(router, {
    method: 'post',
    path: '/api/silences',
    tag,
    summary: 'Add a silence with a reason and an end; evaluation goes on, and alerts still firing when it ends send one catch-up (audit-logged)',
    access: manage,
    body: silenceInputSchema,
    status: 201,
    response: silenceViewSchema,
    errors: [400],
    handle: async ({ body }, req) => silenceView(await service.createSilence(org(req), body, auditContextOf(req))),
  });
  api.add(router, {
    method: 'delete',
    path: '/api/silences/:id',
    tag,
    summary: 'End a silence now (audit-logged)',
    access: manage,
    params: idParams,
    response: { noContent: true },
    errors: [404],
    handle: async ({ params }, req) => service.expireSilence(org(req), params.id, auditContextOf(req)),
  });
  api.add(router, {
    method: 'get',
    path: '/api/maintenance-windows',
    tag,
    summary: 'Maintenance windows (local time in their zone, once or by RRULE), each with the occurrence open now, if one is',
    access: read,
    response: maintenanceWindowListSchema,
    handle: async (_i, req) => ({ items: (await listMaintenanceWindows(deps.db, org(req))).map(windowView) }),
  });
  api.add(router, {
    method: 'post',
    path: '/api/maintenance-windows',
    tag,
    summary: 'Add a maintenance window for targets or tags; notifications wait for its end, then alerts still firing send one catch-up (audit-logged)',
    access: manage,
    body: maintenanceWindowInputSchema,
    status: 201,
    response: maintenanceWindowViewSchema,
    errors: [400],
    handle: async ({ body }, req) => windowView(await service.createWindow(org(req), body, auditContextOf(req))),
  });
  api.add(router, {
    method: 'delete',
    path: '/api/maintenance-windows/:id',
    tag,
    summary: 'Remove a maintenance window (audit-logged)',
    access: manage,
    params: idParams,
    response: { noContent: true },
    errors: [404],
    handle: async ({ params }, req) => service.deleteWindow(org(req), params.id, auditContextOf(req)),
  });
  return router;
}

function silenceView(s: AlertSilence) {
  return { id: s.id, matchers: s.matchers, reason: s.reason, createdBy: s.createdBy, startsAt: s.startsAt.toISOString(), endsAt: s.endsAt.toISOString(), createdAt: s.createdAt.toISOString(), expiredAt: s.expiredAt ? s.expiredAt.toISOString() : null };
}

function windowView(w: MaintenanceWindow) {
  const now = Date.now();
  const open = openWindowAt(w, now);
  const next = nextWindowOccurrence(w, now);
  return {
    id: w.id,
    name: w.name,
    matchers: w.matchers,
    start: w.start,
    durationMinutes: w.durationMinutes,
    timeZone: w.timeZone,
    rrule: w.rrule,
    createdBy: w.createdBy,
    createdAt: w.createdAt.toISOString(),
    openNow: open ? { start: new Date(open.start).toISOString(), end: new Date(open.end).toISOString() } : null,
    next: next ? { start: new Date(next.start).toISOString(), end: new Date(next.end).toISOString() } : null,
  };
}
