import type { IntegrationKind } from '@logstag/schema';
import type { Adapter } from './adapter';
import { webhookAdapter } from './webhook';

/** Every kind's adapter. */
export const ADAPTERS: { [K in IntegrationKind]?: Adapter<K> } = {
  webhook: webhookAdapter,
};

export function adapterOf<K extends IntegrationKind>(kind: K): Adapter<K> | undefined {
  return ADAPTERS[kind] as Adapter<K> | undefined;
}

export { webhookAdapter, webhookId, standardWebhookSignature, webhookBody } from './webhook';
export { truncate, TRUNCATION_MARKER, headline, type Adapter, type AdapterInput, type AttemptResult } from './adapter';
