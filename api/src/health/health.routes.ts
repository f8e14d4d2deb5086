import { Router } from 'express';
import { z } from 'zod';
import {
  acceptedRiskListSchema,
  acceptedRiskSchema,
  healthFleetSchema,
  healthReportListSchema,
  healthReportSchema,
  healthRulesSchema,
  healthRuleSchema,
  healthRunSchema,
  healthTargetSettingsSchema,
} from '@logstag/schema/api';
import { ENGINES } from '@logstag/schema';
import { principalOf, requirePermission } from '../auth/access';
import { auditContextOf } from '../audit';
import type { ApiRegistry } from '../http/api-registry';
import { catalogMeta } from '@logstag/schema/health';
import { createHealthService, type HealthDeps } from './health.service';
import { printPdf } from './report-pdf';
import { renderReportHtml } from './report-html';

const targetParams = z.object({ targetId: z.string().min(1).max(200) });
const frequency = z.enum(['frequent', 'standard', 'rare']);

/**
 * Health Check: the rule catalog with the organization's choices, reports and the fleet overview (every member reads),
 * and what Admins change: rule settings, accepted risks, a target's frequency and host facts, run-now. Changes are
 * audit-logged (`health.rule.updated`, `health.risk.accepted`, `health.risk.revoked`, `health.target.updated`).
 */
export function healthRoutes(api: ApiRegistry, deps: HealthDeps): Router {
  const router = Router();
  const service = createHealthService(deps);
  const read = requirePermission('explorers:read');
  const manage = requirePermission('targets:manage');
  const tag = 'Health Check';
  const org = (req: Parameters<typeof principalOf>[0]) => principalOf(req).organizationId;

  api.add(router, {
    method: 'get', path: '/api/health/rules', tag, access: read, summary: 'The rule catalog with its anchors, and the organization\'s enable/disable and threshold overrides',
    query: z.object({ engine: z.enum(ENGINES).optional() }), response: healthRulesSchema,
    handle: async ({ query }, req) => service.rules(org(req), query.engine),
  });
  api.add(router, {
    // The rule id is the catalog's, not an object of the organization: it goes in the body, the setting is the organization's.
    method: 'put', path: '/api/health/rule-settings', tag, access: manage, summary: 'Enable or disable a rule for the organization and override its thresholds (audit-logged)',
    body: z.object({ ruleId: z.string().min(1).max(200), enabled: z.boolean(), thresholds: z.record(z.string(), z.number().finite()).default({}) }),
    response: healthRuleSchema, errors: [404],
    handle: async ({ body }, req) => service.putRule(org(req), body.ruleId, { enabled: body.enabled, thresholds: body.thresholds }, auditContextOf(req)),
  });
  api.add(router, {
    method: 'get', path: '/api/health/fleet', tag, access: read, summary: 'Every target\'s latest score with its trend, worst first',
    response: healthFleetSchema,
    handle: async (_input, req) => service.fleet(org(req)),
  });
  api.add(router, {
    method: 'get', path: '/api/health/targets/:targetId/reports', tag, access: read, summary: 'A target\'s reports, newest first (scores and counts)',
    params: targetParams, query: z.object({ limit: z.coerce.number().int().min(1).max(200).default(30) }), response: healthReportListSchema, errors: [404],
    handle: async ({ params, query }, req) => service.reports(org(req), params.targetId, query.limit),
  });
  api.add(router, {
    method: 'get', path: '/api/health/reports/:id', tag, access: read, summary: 'One report: every rule\'s result (findings with evidence, or why skipped) and the diff with the previous report',
    params: z.object({ id: z.string().uuid() }), response: healthReportSchema, errors: [404],
    handle: async ({ params }, req) => service.report(org(req), params.id),
  });
  for (const format of ['html', 'pdf'] as const) {
    api.add(router, {
      method: 'get', path: `/api/health/reports/:id/report.${format}`, tag, access: read,
      summary: format === 'html' ? 'One report as a standalone HTML document (download)' : 'One report as PDF, printed by Chromium (download)',
      params: z.object({ id: z.string().uuid() }), response: { text: format === 'html' ? 'text/html' : 'application/pdf', description: `the report as ${format.toUpperCase()}` }, errors: [404, 503],
      handle: async ({ params }, req, res) => {
        const report = await service.report(org(req), params.id);
        const html = renderReportHtml(report, new Map(catalogMeta().map((r) => [r.id, r])));
        const name = `health-${report.targetId.replace(/[^\w.-]+/g, '_')}-${report.createdAt.slice(0, 19).replace(/:/g, '')}.${format}`;
        res.setHeader('content-disposition', `attachment; filename="${name}"`);
        if (format === 'html') res.type('text/html; charset=utf-8').send(html);
        else res.type('application/pdf').send(await printPdf(html));
      },
    });
  }
  api.add(router, {
    method: 'post', path: '/api/health/targets/:targetId/run', tag, access: manage, summary: 'Run a target\'s health report now (starts the healthReport workflow)',
    params: targetParams, status: 202, response: healthRunSchema, errors: [404, 503],
    handle: async ({ params }, req) => service.runNow(org(req), params.targetId),
  });
  api.add(router, {
    method: 'get', path: '/api/health/targets/:targetId/settings', tag, access: read, summary: 'A target\'s report frequency class and host facts (co-located agent, RAM)',
    params: targetParams, response: healthTargetSettingsSchema, errors: [404],
    handle: async ({ params }, req) => service.targetSettings(org(req), params.targetId),
  });
  api.add(router, {
    method: 'put', path: '/api/health/targets/:targetId/settings', tag, access: manage, summary: 'Set a target\'s frequency class (puts its Schedule) and host facts (audit-logged)',
    params: targetParams, body: z.object({ frequency, colocated: z.boolean(), memoryBytes: z.number().int().positive().nullable() }),
    response: healthTargetSettingsSchema, errors: [404, 503],
    handle: async ({ params, body }, req) => service.putTargetSettings(org(req), params.targetId, body, auditContextOf(req)),
  });
  api.add(router, {
    method: 'get', path: '/api/health/accepted-risks', tag, access: read, summary: 'Accepted risks (active, expired and revoked), of one target or all',
    query: z.object({ targetId: z.string().min(1).max(200).optional() }), response: acceptedRiskListSchema,
    handle: async ({ query }, req) => service.risks(org(req), query.targetId, new Date()),
  });
  api.add(router, {
    method: 'post', path: '/api/health/accepted-risks', tag, access: manage, summary: 'Accept a finding\'s risk on one target with a reason until an expiry: it leaves the score until then (audit-logged)',
    body: z.object({ targetId: z.string().min(1).max(200), ruleId: z.string().min(1).max(200), object: z.string().min(1).max(1000), reason: z.string().trim().min(3).max(2000), expiresAt: z.iso.datetime() }),
    status: 201, response: acceptedRiskSchema, errors: [404],
    handle: async ({ body }, req) => service.acceptRisk(org(req), { ...body, expiresAt: new Date(body.expiresAt) }, auditContextOf(req), new Date()),
  });
  api.add(router, {
    method: 'delete', path: '/api/health/accepted-risks/:id', tag, access: manage, summary: 'Revoke an accepted risk: its finding counts again from the next report (audit-logged)',
    params: z.object({ id: z.coerce.number().int().positive() }), response: { noContent: true }, errors: [404],
    handle: async ({ params }, req) => service.revokeRisk(org(req), params.id, auditContextOf(req), new Date()),
  });
  return router;
}
