// The Health Check area's calls (issue 17): catalog, fleet, reports, run-now, accepted risks, rule settings. Apart from
// client.ts so the areas' clients grow without touching each other; same request helper, same CSRF handling.
import type { AcceptedRiskView, HealthFleetView, HealthReportSummaryView, HealthReportView, HealthRuleView, Session } from '@logstag/schema/api';
import { requestJson, withQuery, type Fetch } from './request';

export type { AcceptedRiskView, HealthFleetView, HealthReportSummaryView, HealthReportView, HealthRuleView } from '@logstag/schema/api';

export function healthApi(fetch: Fetch) {
  let csrfToken: string | undefined;
  const get = <T>(path: string) => requestJson<T>(fetch, 'GET', path);
  async function send<T>(method: string, path: string, body?: unknown): Promise<T> {
    csrfToken ??= (await get<Session>('/api/session')).csrfToken;
    return requestJson<T>(fetch, method, path, { body: body ?? {}, csrfToken });
  }
  const target = (id: string) => `/api/health/targets/${encodeURIComponent(id)}`;
  return {
    rules: (engine?: string) => get<{ rules: HealthRuleView[]; eolAsOf: string }>(withQuery('/api/health/rules', { engine })),
    putRule: (ruleId: string, value: { enabled: boolean; thresholds: Record<string, number> }) => send<HealthRuleView>('PUT', '/api/health/rule-settings', { ruleId, ...value }),
    fleet: () => get<HealthFleetView>('/api/health/fleet'),
    reports: (targetId: string, limit = 30) => get<{ items: HealthReportSummaryView[] }>(withQuery(`${target(targetId)}/reports`, { limit })),
    report: (id: string) => get<HealthReportView>(`/api/health/reports/${encodeURIComponent(id)}`),
    runNow: (targetId: string) => send<{ workflowId: string }>('POST', `${target(targetId)}/run`),
    risks: (targetId?: string) => get<{ items: AcceptedRiskView[] }>(withQuery('/api/health/accepted-risks', { targetId })),
    acceptRisk: (v: { targetId: string; ruleId: string; object: string; reason: string; expiresAt: string }) => send<AcceptedRiskView>('POST', '/api/health/accepted-risks', v),
    revokeRisk: (id: number) => send<void>('DELETE', `/api/health/accepted-risks/${id}`),
  };
}
