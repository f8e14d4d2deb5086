// The form fields of each integration kind: which go to `config` (shown again) and which to `secrets` (sealed, never
// shown again: left blank on edit, they keep their stored value).
export type FieldType = 'text' | 'url' | 'number' | 'password' | 'email' | 'list' | 'select';

export interface FieldSpec {
  name: string;
  label: string;
  part: 'config' | 'secrets';
  type: FieldType;
  required?: boolean;
  options?: readonly string[];
  placeholder?: string;
  help?: string;
}

export const KIND_LABELS: Record<string, string> = {
  webhook: 'Signed webhook',
  slack: 'Slack',
  pagerduty: 'PagerDuty',
  teams: 'Microsoft Teams',
  email: 'E-mail (SMTP)',
  alertmanager: 'Prometheus Alertmanager',
  opsgenie: 'Opsgenie (legacy)',
};

export const KIND_FIELDS: Record<string, readonly FieldSpec[]> = {
  webhook: [
    { name: 'url', label: 'URL', part: 'config', type: 'url', required: true, placeholder: 'https://example.com/logstag-hook' },
    { name: 'signingSecret', label: 'Signing secret', part: 'secrets', type: 'password', required: true, placeholder: 'whsec_…', help: 'Standard Webhooks secret: whsec_ and base64 of at least 24 bytes.' },
    { name: 'previousSigningSecret', label: 'Previous signing secret (during a rotation)', part: 'secrets', type: 'password', placeholder: 'whsec_…' },
  ],
  slack: [
    { name: 'webhookUrl', label: 'Incoming webhook URL', part: 'secrets', type: 'url', required: true, placeholder: 'https://hooks.slack.com/services/…' },
    { name: 'channel', label: 'Channel (label)', part: 'config', type: 'text', placeholder: '#database-alerts' },
  ],
  pagerduty: [
    { name: 'routingKey', label: 'Integration (routing) key', part: 'secrets', type: 'password', required: true },
    { name: 'apiUrl', label: 'Events API URL', part: 'config', type: 'url', placeholder: 'https://events.pagerduty.com/v2/enqueue' },
    { name: 'webhookSecret', label: 'v3 webhook signing secret (optional)', part: 'secrets', type: 'password', help: 'Subscribe a PagerDuty v3 webhook to <Logstag URL>/hooks/pagerduty/<this integration’s id> (shown on its page): incidents acknowledged or resolved there acknowledge or resolve the alert here.' },
  ],
  teams: [{ name: 'workflowUrl', label: 'Workflows HTTP trigger URL', part: 'secrets', type: 'url', required: true, help: 'From a Teams Workflows (Power Automate) "When a Teams webhook request is received" flow.' }],
  email: [
    { name: 'host', label: 'SMTP host', part: 'config', type: 'text', required: true },
    { name: 'port', label: 'Port', part: 'config', type: 'number', placeholder: '587' },
    { name: 'security', label: 'Security', part: 'config', type: 'select', options: ['starttls', 'tls', 'none'] },
    { name: 'from', label: 'From', part: 'config', type: 'email', required: true },
    { name: 'to', label: 'To (comma-separated)', part: 'config', type: 'list', required: true },
    { name: 'username', label: 'Username', part: 'secrets', type: 'text' },
    { name: 'password', label: 'Password', part: 'secrets', type: 'password' },
  ],
  alertmanager: [
    { name: 'url', label: 'Alertmanager URL', part: 'config', type: 'url', required: true, placeholder: 'http://alertmanager:9093' },
    { name: 'bearerToken', label: 'Bearer token', part: 'secrets', type: 'password' },
  ],
  opsgenie: [
    { name: 'apiKey', label: 'API key', part: 'secrets', type: 'password', required: true },
    { name: 'apiUrl', label: 'API URL', part: 'config', type: 'url', placeholder: 'https://api.opsgenie.com' },
  ],
};

/**
 * The config and secrets a form posted for `kind`. Blank fields are left out (a default applies on create; the
 * stored secret stays on edit).
 */
export function partsFromForm(kind: string, data: FormData): { config: Record<string, unknown>; secrets: Record<string, unknown> } {
  const config: Record<string, unknown> = {};
  const secrets: Record<string, unknown> = {};
  for (const f of KIND_FIELDS[kind] ?? []) {
    const raw = data.get(f.name);
    const text = typeof raw === 'string' ? raw.trim() : '';
    if (!text) continue;
    const value =
      f.type === 'number'
        ? Number(text)
        : f.type === 'list'
          ? text
              .split(',')
              .map((s) => s.trim())
              .filter(Boolean)
          : text;
    (f.part === 'config' ? config : secrets)[f.name] = value;
  }
  return { config, secrets };
}
