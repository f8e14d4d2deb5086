// Secrets never reach a log or a record: a Slack delivery, whose webhook URL is the secret, through the delivery
// activities with a logger that keeps every line, to a receiver that fails and echoes the URL back. The log names the
// delivery and the integration; neither the log nor the recorded attempt holds the URL or its token.
import { describe, expect, it } from 'vitest';
import { listDeliveryAttempts } from '@logstag/store';
import { createDeliveryActivities } from '../src/delivery/delivery.activities';
import { activityDeps, type ActivityLogger } from '../src/deps';
import { loopbackDeliveryDeps, notification, startReceiver, testIntegration, testOrganization } from './delivery/index';
import { postgresTestStore } from './test-store';

const store = postgresTestStore(4, 'delivery_logs');

describe('delivery logs (PostgreSQL, loopback receiver)', () => {
  it('log every attempt by ids, never the webhook URL or its token, even when the receiver echoes it', async () => {
    const lines: string[] = [];
    const keep = (obj: object, msg?: string) => void lines.push(JSON.stringify({ ...obj, msg }));
    const logger: ActivityLogger = { debug: keep, info: keep, warn: keep, error: keep };
    const token = 'xoxT0KEN-s3cr3t-9f8e7d6c5b4a';
    const receiver = await startReceiver({ path: `/services/T0001/B0002/${token}` });
    try {
      receiver.fallback = { kind: 'status', status: 500, body: `no channel behind ${receiver.url}` };
      const org = await testOrganization(store.db);
      const integrationId = await testIntegration(store.db, org, 'slack', { channel: '#db' }, { webhookUrl: receiver.url });
      const activities = createDeliveryActivities(activityDeps({ db: store.db, logger, delivery: loopbackDeliveryDeps }));

      const prepared = await activities.prepareDelivery(notification(org, integrationId), null);
      expect(prepared.outcome).toBeNull();
      await activities.reserveDeliverySlot(prepared.deliveryId);
      const attempt = await activities.attemptDelivery(prepared.deliveryId, 1);
      expect(attempt).toMatchObject({ verdict: 'retry', status: 500 });
      await activities.finishDelivery(prepared.deliveryId, 'failed', { status: attempt.status, error: attempt.error });
      expect(receiver.requests).toHaveLength(1);

      // The log says which delivery and integration, and how the attempt went.
      const logged = lines.join('\n');
      expect(logged).toContain(prepared.deliveryId);
      expect(logged).toContain(integrationId);
      expect(logged).toContain('"status":500');
      // Never the URL, its path or its token; and the recorded attempt has them removed too.
      for (const secret of [receiver.url, `/services/T0001/B0002/${token}`, token]) expect(logged).not.toContain(secret);
      const [recorded] = await listDeliveryAttempts(store.db, [prepared.deliveryId]);
      expect(recorded!.response_excerpt).toContain('no channel behind');
      expect(recorded!.response_excerpt).toContain('[redacted]');
      expect(`${recorded!.response_excerpt} ${recorded!.error}`).not.toContain(token);
    } finally {
      await receiver.close();
    }
  });
});
