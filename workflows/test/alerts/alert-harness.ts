// An in-memory stand-in for the alert workflow's store activities, and helpers to drive and observe one alert.
import type { AlertContext, AlertIdentity, AlertView, EscalationTier, NotificationGate, NotificationRequest } from '@logstag/schema';
import type { AlertEventRecord, EpisodeRecord } from '@logstag/store';

export interface Sent {
  at: number;
  event: string;
  recipient: string;
  episodeId: string;
  notificationId: string;
}

export function harness() {
  const sent: Sent[] = [];
  const episodes = new Map<string, EpisodeRecord>();
  const events: AlertEventRecord[] = [];
  const state = {
    context: {
      ruleName: 'Connections',
      ruleDeleted: false,
      severity: 'warning',
      forSeconds: 300,
      clearForSeconds: 600,
      policy: null,
      targetName: 'pg-main',
      engine: 'postgresql',
      url: null,
    } as AlertContext,
    /** The gate's answer at a workflow time (a silence or a maintenance window in tests). */
    gate: ((_at: number): NotificationGate => ({ suppressed: null, until: null })) as (at: number) => NotificationGate,
  };
  const activities = {
    async loadAlertContext(_alert: AlertIdentity): Promise<AlertContext> {
      return structuredClone(state.context);
    },
    async recordAlertEpisode(episode: EpisodeRecord | null, evs: AlertEventRecord[]): Promise<void> {
      if (episode) episodes.set(episode.id, episode);
      for (const e of evs) if (!events.some((x) => x.id === e.id)) events.push(e);
    },
    async alertNotificationGate(input: { at: string }): Promise<NotificationGate> {
      return state.gate(Date.parse(input.at));
    },
    async recordNotification(request: NotificationRequest, at: number): Promise<void> {
      const recipient = request.recipient.kind === 'integration' ? `integration:${request.recipient.integrationId}` : `user:${request.recipient.userId}`;
      sent.push({ at, event: request.event, recipient, episodeId: request.episodeId, notificationId: request.notificationId });
    },
  };
  return { sent, episodes, events, state, activities };
}

export const integration = (id: string) => ({ kind: 'integration' as const, integrationId: id });
export const policy = (tiers: EscalationTier[], repeat = 0, ackTimeoutSeconds: number | null = null): AlertContext['policy'] => ({ id: 'p1', tiers, repeat, ackTimeoutSeconds });

export type { AlertView };
