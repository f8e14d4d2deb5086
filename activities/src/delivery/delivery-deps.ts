import type { AckLinks, SecretBox } from '@logstag/store';
import type { DestinationPolicy } from './ssrf-guard';

/** What deliveries need beyond the common activity deps: the key of the integration secrets and the SSRF policy. */
export interface DeliveryDeps {
  secrets: SecretBox;
  /** Private, loopback and link-local ranges deliveries may reach (LOGSTAG_OUTBOUND_ALLOW); public only by default. */
  destinations: DestinationPolicy;
  /** Signs the acknowledge links messages carry, under Logstag's public URL (LOGSTAG_PUBLIC_URL); absent: no links. */
  ackLinks?: { links: AckLinks; publicUrl: string | null } | null;
}
