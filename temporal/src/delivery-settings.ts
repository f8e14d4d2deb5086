import { createSecretBox, loadSecretKey } from '@logstag/store';
import { destinationPolicyFromEnv, type DeliveryDeps } from '@logstag/activities';

export type { DeliveryDeps } from '@logstag/activities';

/**
 * What a worker's deliveries need: the integrations' secret key (LOGSTAG_SECRET_KEY, or `<dataDir>/secret.key`
 * generated with mode 0600) and the SSRF allowlist (LOGSTAG_OUTBOUND_ALLOW: CIDRs deliveries may reach although they
 * are private, e.g. `10.0.0.0/8,127.0.0.1`).
 */
export function deliveryDepsFromEnv(env: NodeJS.ProcessEnv, dataDir: string): DeliveryDeps {
  return {
    secrets: createSecretBox(loadSecretKey({ env, dataDir })),
    destinations: destinationPolicyFromEnv(env.LOGSTAG_OUTBOUND_ALLOW),
  };
}
