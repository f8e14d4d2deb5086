// The Alerts area's calls (issue 15): active alerts and history, an alert's timeline, acknowledge / resolve / snooze /
// reopen, rules and escalation policies. Apart from client.ts so the areas' clients grow without touching each other.
import type { AlertActionResult, AlertDetail, AlertEpisodeView, AlertRuleView, EscalationPolicyView, EscalationSimulation, RulePreview, Session } from '@logstag/schema/api';
import { requestJson, withQuery, type Fetch } from './request';

export type { AlertDetail, AlertEpisodeView, AlertRuleView, AlertTimelineEvent, EscalationPolicyView, EscalationSimulation, RulePreview } from '@logstag/schema/api';

export interface AlertHistoryFilter {
  ruleId?: string | undefined;
  targetId?: string | undefined;
  severity?: string | undefined;
  from?: string | undefined;
  to?: string | undefined;
}

export function alertsApi(fetch: Fetch) {
  let csrfToken: string | undefined;
  const get = <T>(path: string) => requestJson<T>(fetch, 'GET', path);
  async function send<T>(method: string, path: string, body?: unknown): Promise<T> {
    csrfToken ??= (await get<Session>('/api/session')).csrfToken;
    return requestJson<T>(fetch, method, path, { body, csrfToken });
  }
  const alert = (id: string) => `/api/alerts/${encodeURIComponent(id)}`;
  return {
    active: (targetId?: string) => get<{ items: AlertEpisodeView[] }>(withQuery('/api/alerts', { state: 'active', targetId })),
    history: (filter: AlertHistoryFilter) => get<{ items: AlertEpisodeView[] }>(withQuery('/api/alerts', { state: 'history', ...filter })),
    detail: (id: string) => get<AlertDetail>(alert(id)),
    acknowledge: (id: string, reason: string | null) => send<AlertActionResult>('POST', `${alert(id)}/acknowledge`, { reason }),
    resolve: (id: string, reason: string | null) => send<AlertActionResult>('POST', `${alert(id)}/resolve`, { reason }),
    reopen: (id: string, reason: string | null) => send<AlertActionResult>('POST', `${alert(id)}/reopen`, { reason }),
    snooze: (id: string, until: string, reason: string | null) => send<AlertActionResult>('POST', `${alert(id)}/snooze`, { until, reason }),
    rules: () => get<{ items: AlertRuleView[] }>('/api/alert-rules'),
    policies: () => get<{ items: EscalationPolicyView[] }>('/api/escalation-policies'),
    createRule: (rule: unknown) => send<AlertRuleView>('POST', '/api/alert-rules', rule),
    previewRule: (rule: unknown) => send<RulePreview>('POST', '/api/alert-rule-previews', rule),
    simulatePolicy: (policy: unknown) => send<EscalationSimulation>('POST', '/api/escalation-simulations', policy),
  };
}
