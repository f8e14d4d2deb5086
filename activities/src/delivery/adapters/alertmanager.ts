// Prometheus Alertmanager: POST /api/v2/alerts with labels, annotations, startsAt and endsAt; a resolve sends endsAt
// (now, or the episode's end), so Alertmanager resolves it. A firing alert gets endsAt a day ahead: Alertmanager
// resolves alerts whose endsAt passes, and Logstag re-sends a firing alert's state well within a day (escalations,
// catch-up), so it never resolves on its own while firing.
import type { NotificationRequest } from '@logstag/schema';
import { httpAdapter, truncate } from './adapter';

const FIRING_HORIZON_MS = 24 * 60 * 60_000;

/** Label names must match [a-zA-Z_][a-zA-Z0-9_]*. */
const labelName = (k: string) => {
  const n = k.replace(/[^a-zA-Z0-9_]/g, '_');
  return /^[a-zA-Z_]/.test(n) ? n : `_${n}`;
};

export function alertmanagerAlerts(r: NotificationRequest, now: Date): Array<Record<string, unknown>> {
  const labels: Record<string, string> = {};
  for (const [k, v] of Object.entries(r.alert.labels)) labels[labelName(k)] = v;
  Object.assign(labels, {
    alertname: r.alert.ruleName || r.alert.ruleId,
    severity: r.alert.severity,
    logstag_episode: r.episodeId,
    logstag_rule: r.alert.ruleId,
    ...(r.alert.targetName ? { target: r.alert.targetName } : {}),
  });
  const resolved = r.event === 'resolve';
  const endsAt = resolved ? (r.alert.endsAt ?? now.toISOString()) : new Date(now.getTime() + FIRING_HORIZON_MS).toISOString();
  return [
    {
      labels,
      annotations: { summary: truncate(r.alert.summary, 4096), status: r.alert.status, ...(r.alert.url ? { logstag_url: r.alert.url } : {}) },
      startsAt: r.alert.startsAt,
      endsAt,
      ...(r.alert.url ? { generatorURL: r.alert.url } : {}),
    },
  ];
}

export const alertmanagerAdapter = httpAdapter({
  kind: 'alertmanager',
  secretValues: (s) => (s.bearerToken ? [s.bearerToken] : []),
  render: ({ request, config, secrets, now }) => ({
    url: `${config.url.replace(/\/+$/, '')}/api/v2/alerts`,
    headers: { 'content-type': 'application/json', ...(secrets.bearerToken ? { authorization: `Bearer ${secrets.bearerToken}` } : {}) },
    body: JSON.stringify(alertmanagerAlerts(request, now)),
  }),
});
