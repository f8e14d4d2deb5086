import { createAckLinks, createSecretBox, loadSecretKey } from '@logstag/store';
import { destinationPolicyFromEnv, type DeliveryDeps } from '@logstag/activities';

export type { DeliveryDeps } from '@logstag/activities';

/**
 * What a worker's deliveries need: the integrations' secret key (LOGSTAG_SECRET_KEY, or `<dataDir>/secret.key`
 * generated with mode 0600) and the SSRF allowlist (LOGSTAG_OUTBOUND_ALLOW: CIDRs deliveries may reach although they
 * are private, e.g. `10.0.0.0/8,127.0.0.1`).
 */
export function deliveryDepsFromEnv(env: NodeJS.ProcessEnv, dataDir: string): DeliveryDeps {
  const key = loadSecretKey({ env, dataDir });
  // Acknowledge links need the address people reach Logstag at (LOGSTAG_PUBLIC_URL); without it messages carry none.
  const publicUrl = env.LOGSTAG_PUBLIC_URL?.trim();
  return {
    secrets: createSecretBox(key),
    destinations: destinationPolicyFromEnv(env.LOGSTAG_OUTBOUND_ALLOW),
    ackLinks: { links: createAckLinks(key), publicUrl: publicUrl || null },
  };
}
