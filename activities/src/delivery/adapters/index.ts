import type { IntegrationKind } from '@logstag/schema';
import type { Adapter } from './adapter';
import { alertmanagerAdapter } from './alertmanager';
import { emailAdapter } from './email';
import { opsgenieAdapter } from './opsgenie';
import { pagerDutyAdapter } from './pagerduty';
import { slackAdapter } from './slack';
import { teamsAdapter } from './teams';
import { webhookAdapter } from './webhook';

/** Every kind's adapter. */
export const ADAPTERS: { [K in IntegrationKind]: Adapter<K> } = {
  webhook: webhookAdapter,
  slack: slackAdapter,
  pagerduty: pagerDutyAdapter,
  teams: teamsAdapter,
  email: emailAdapter,
  alertmanager: alertmanagerAdapter,
  opsgenie: opsgenieAdapter,
};

export function adapterOf<K extends IntegrationKind>(kind: K): Adapter<K> | undefined {
  return ADAPTERS[kind] as Adapter<K> | undefined;
}

export { webhookAdapter, webhookId, standardWebhookSignature, webhookBody } from './webhook';
export { slackMessage, SLACK_SECTION_LIMIT, SLACK_HEADER_LIMIT } from './slack';
export { pagerDutyEvent, pagerDutyChangeEvent, pagerDutyChangeUrl, PAGERDUTY_SUMMARY_LIMIT, PAGERDUTY_DEDUP_LIMIT, PAGERDUTY_EVENT_BYTES } from './pagerduty';
export { teamsMessage, TEAMS_CARD_BYTES } from './teams';
export { emailContent, EMAIL_SUBJECT_LIMIT } from './email';
export { alertmanagerAlerts } from './alertmanager';
export { opsgenieRequest, OPSGENIE_MESSAGE_LIMIT, OPSGENIE_ALIAS_LIMIT } from './opsgenie';
export { truncate, TRUNCATION_MARKER, headline, type Adapter, type AdapterInput, type AttemptResult } from './adapter';
