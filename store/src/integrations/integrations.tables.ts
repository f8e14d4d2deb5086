import type { Generated, Insertable, Selectable, Updateable } from 'kysely';
import type { GeneratedTimestamp, Json, Timestamp } from '../column-types';

export interface IntegrationTable {
  id: string;
  organization_id: string;
  kind: string;
  name: string;
  /** Settings shown to Admins (the kind's config schema in @logstag/schema). */
  config: Json<Record<string, unknown>>;
  /** The kind's secrets, sealed with AES-256-GCM (secret-box.ts); never returned by the API. */
  secrets_sealed: string;
  enabled: Generated<boolean>;
  disabled_reason: string | null;
  created_at: GeneratedTimestamp;
  updated_at: GeneratedTimestamp;
}
export type IntegrationRow = Selectable<IntegrationTable>;
export type NewIntegrationRow = Insertable<IntegrationTable>;
export type IntegrationUpdate = Updateable<IntegrationTable>;

export interface DeliveryTable {
  id: string;
  organization_id: string;
  integration_id: string | null;
  kind: string | null;
  idempotency_key: string;
  episode_id: string;
  alert_id: string;
  event: string;
  profile: string;
  request: Json<Record<string, unknown>>;
  /** DeliveryStatus of @logstag/schema. */
  status: Generated<string>;
  attempts: Generated<number>;
  last_status: number | null;
  last_error: string | null;
  replay_of: string | null;
  created_at: GeneratedTimestamp;
  finished_at: Timestamp | null;
}
export type DeliveryRow = Selectable<DeliveryTable>;

export interface DeliveryAttemptTable {
  delivery_id: string;
  attempt: number;
  started_at: Timestamp;
  latency_ms: number;
  verdict: string;
  status: number | null;
  error: string | null;
  response_excerpt: string | null;
  retry_after_ms: number | null;
}
export type DeliveryAttemptRow = Selectable<DeliveryAttemptTable>;

export interface DeliveryRateSlotTable {
  key: string;
  tat: Timestamp;
}

/** An organization's daily end-to-end test setting (absent: off). */
export interface IntegrationE2eSettingsTable {
  organization_id: string;
  enabled: boolean;
  hour: number;
  time_zone: string;
  updated_at: GeneratedTimestamp;
}
export type IntegrationE2eSettingsRow = Selectable<IntegrationE2eSettingsTable>;

/** The last daily end-to-end test through one integration. */
export interface IntegrationE2eResultTable {
  integration_id: string;
  organization_id: string;
  last_run_at: Timestamp;
  /** 'ok' | 'failed'. */
  last_result: string;
  last_success_at: Timestamp | null;
  last_failure_at: Timestamp | null;
  last_error: string | null;
  last_delivery_id: string | null;
}
export type IntegrationE2eResultRow = Selectable<IntegrationE2eResultTable>;

export interface IntegrationsTables {
  integration_e2e_settings: IntegrationE2eSettingsTable;
  integration_e2e_results: IntegrationE2eResultTable;
  integrations: IntegrationTable;
  deliveries: DeliveryTable;
  delivery_attempts: DeliveryAttemptTable;
  delivery_rate_slots: DeliveryRateSlotTable;
}
