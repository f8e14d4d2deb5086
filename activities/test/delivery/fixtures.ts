// Shared set-up of delivery tests: an organization, integrations with sealed secrets, notification requests.
import { randomBytes, randomUUID } from 'node:crypto';
import { createSecretBox, insertIntegration, insertOrganization, type Db, type SecretBox } from '@logstag/store';
import type { IntegrationKind, NotificationRequest } from '@logstag/schema';
import type { DeliveryDeps } from '../../src/delivery/delivery-deps';

export const testSecretBox: SecretBox = createSecretBox(randomBytes(32));

/** Loopback is private: tests name it in the allowlist, as an operator would for a local receiver. */
export const loopbackDeliveryDeps: DeliveryDeps = { secrets: testSecretBox, destinations: { allow: ['127.0.0.0/8', '::1/128'] } };

export const newSigningSecret = () => `whsec_${randomBytes(32).toString('base64')}`;

export async function testOrganization(db: Db): Promise<string> {
  const id = randomUUID();
  await insertOrganization(db, id, `org ${id.slice(0, 8)}`);
  return id;
}

export async function testIntegration(db: Db, organizationId: string, kind: IntegrationKind, config: Record<string, unknown>, secrets: Record<string, unknown>, box = testSecretBox): Promise<string> {
  const id = randomUUID();
  await insertIntegration(db, { id, organizationId, kind, name: `${kind} ${id.slice(0, 6)}`, config, secretsSealed: box.seal(secrets) });
  return id;
}

export function notification(organizationId: string, integrationId: string, over: Partial<NotificationRequest> = {}): NotificationRequest {
  const notificationId = over.notificationId ?? randomUUID();
  return {
    organizationId,
    notificationId,
    episodeId: `ep-${randomUUID()}`,
    event: 'trigger',
    recipient: { kind: 'integration', integrationId },
    alert: {
      alertId: `alert-${randomUUID().slice(0, 8)}`,
      ruleId: 'rule-1',
      ruleName: 'Replication lag',
      severity: 'critical',
      status: 'firing',
      targetId: 't-1',
      targetName: 'pg-main',
      engine: 'postgresql',
      summary: 'Replication lag is 42 s on pg-main',
      labels: { env: 'prod' },
      values: { lag_seconds: 42 },
      startsAt: '2026-12-05T12:00:00.000Z',
      endsAt: null,
      url: 'https://logstag.example/alerts/1',
    },
    idempotencyKey: notificationId,
    requestedAt: new Date().toISOString(),
    replayOf: null,
    ...over,
  };
}
