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

export interface IntegrationsTables {
  integrations: IntegrationTable;
  deliveries: DeliveryTable;
  delivery_attempts: DeliveryAttemptTable;
  delivery_rate_slots: DeliveryRateSlotTable;
}
