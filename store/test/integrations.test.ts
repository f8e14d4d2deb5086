import { randomBytes, randomUUID } from 'node:crypto';
import { chmodSync, mkdtempSync, readFileSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  createSecretBox,
  insertDelivery,
  insertIntegration,
  insertOrganization,
  integrationHealth,
  listDeliveries,
  loadSecretKey,
  recordDeliveryAttempt,
  reserveRateSlot,
  updateDeliveryStatus,
  type Store,
} from '../src/index';
import { backends } from './backends';

describe('the secret box (AES-256-GCM)', () => {
  const dir = mkdtempSync(join(tmpdir(), 'logstag-key-'));
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it('opens what it sealed, with a fresh IV each time, and refuses altered text or another key', () => {
    const box = createSecretBox(randomBytes(32));
    const secret = { routingKey: 'R0UTING-KEY-1234567890' };
    const a = box.seal(secret);
    const b = box.seal(secret);
    expect(a).not.toBe(b);
    expect(a).not.toContain('R0UTING');
    expect(box.open(a)).toEqual(secret);
    const [v, iv, tag, ct] = a.split('.');
    const flipped = `${v}.${iv}.${tag}.${ct!.slice(0, -2)}${ct!.endsWith('A') ? 'B' : 'A'}${ct!.slice(-1)}`;
    expect(() => box.open(flipped)).toThrow(/cannot be opened/);
    expect(() => createSecretBox(randomBytes(32)).open(a)).toThrow(/cannot be opened/);
  });

  it('generates the key file once with mode 0600, reads the same key again, and refuses it when others can read it', () => {
    const first = loadSecretKey({ env: {}, dataDir: dir });
    const path = join(dir, 'secret.key');
    expect(statSync(path).mode & 0o777).toBe(0o600);
    expect(loadSecretKey({ env: {}, dataDir: dir }).equals(first)).toBe(true);
    expect(readFileSync(path, 'utf8').trim()).toBe(first.toString('base64'));
    chmodSync(path, 0o644);
    expect(() => loadSecretKey({ env: {}, dataDir: dir })).toThrow(/readable by other users/);
    chmodSync(path, 0o600);
  });

  it('takes LOGSTAG_SECRET_KEY as base64 or hex over the file, and refuses a key of the wrong length', () => {
    const key = randomBytes(32);
    expect(loadSecretKey({ env: { LOGSTAG_SECRET_KEY: key.toString('base64') }, dataDir: dir }).equals(key)).toBe(true);
    expect(loadSecretKey({ env: { LOGSTAG_SECRET_KEY: key.toString('hex') }, dataDir: dir }).equals(key)).toBe(true);
    expect(() => loadSecretKey({ env: { LOGSTAG_SECRET_KEY: 'c2hvcnQ=' }, dataDir: dir })).toThrow(/32 bytes/);
  });
});

describe.each(backends)('integrations and deliveries on %s', (_name, open) => {
  let store: Store;
  let cleanup: () => Promise<void>;
  const org = randomUUID();
  const integration = randomUUID();
  beforeAll(async () => {
    ({ store, cleanup } = await open());
    await insertOrganization(store.db, org, 'Acme');
    await insertIntegration(store.db, { id: integration, organizationId: org, kind: 'webhook', name: 'hook', config: { url: 'https://example.com' }, secretsSealed: 'v1.x.y.z' });
  });
  afterAll(async () => {
    await store.close();
    await cleanup();
  });

  const delivery = (id: string, over: { alertId?: string } = {}) =>
    insertDelivery(store.db, {
      id,
      organizationId: org,
      integrationId: integration,
      kind: 'webhook',
      idempotencyKey: id,
      episodeId: 'ep',
      alertId: over.alertId ?? 'a1',
      event: 'trigger',
      profile: 'durable',
      request: { any: 'thing' },
      replayOf: null,
    });

  it('records a delivery once, its attempts (a re-recorded attempt wins), and lists failed ones by filter', async () => {
    const d1 = await delivery('d1');
    expect((await delivery('d1')).created_at).toEqual(d1.created_at);
    const at = new Date();
    await recordDeliveryAttempt(store.db, { deliveryId: 'd1', attempt: 1, startedAt: at, latencyMs: 12.4, verdict: 'retry', status: 500, error: 'HTTP 500', responseExcerpt: 'x', retryAfterMs: null });
    await recordDeliveryAttempt(store.db, { deliveryId: 'd1', attempt: 1, startedAt: at, latencyMs: 13, verdict: 'retry', status: 503, error: 'HTTP 503', responseExcerpt: 'y', retryAfterMs: 2000 });
    await recordDeliveryAttempt(store.db, { deliveryId: 'd1', attempt: 2, startedAt: at, latencyMs: 9, verdict: 'retry', status: 503, error: 'HTTP 503', responseExcerpt: null, retryAfterMs: null });
    await updateDeliveryStatus(store.db, 'd1', { status: 'failed', lastStatus: 503, lastError: 'retries exhausted', finished: true });
    await delivery('d2', { alertId: 'a2' });
    await updateDeliveryStatus(store.db, 'd2', { status: 'delivered', lastStatus: 200, finished: true });

    const failed = await listDeliveries(store.db, { organizationId: org, status: 'failed' }, undefined, 10);
    expect(failed.map((d) => [d.id, d.attempts, d.last_status])).toEqual([['d1', 2, 503]]);
    expect(await listDeliveries(store.db, { organizationId: org, status: 'failed', lastStatus: 500 }, undefined, 10)).toEqual([]);
    expect((await listDeliveries(store.db, { organizationId: org, alertId: 'a2' }, undefined, 10)).map((d) => d.id)).toEqual(['d2']);
    expect(await listDeliveries(store.db, { organizationId: randomUUID() }, undefined, 10)).toEqual([]);

    const [health] = await integrationHealth(store.db, org, new Date());
    expect(health).toMatchObject({ integration_id: integration, delivered_7d: 1, failed_7d: 1 });
    expect(health!.last_success_at).toBeInstanceOf(Date);
  });

  it('gives each caller of a rate-limited destination its own slot: a burst waits its turn', async () => {
    const key = `test:${randomUUID()}`;
    const waits = [];
    for (let i = 0; i < 4; i++) waits.push(await reserveRateSlot(store.db, key, 1000, 1));
    expect(waits[0]).toBe(0);
    // Each later one waits about one more interval (less the time the loop took).
    for (let i = 1; i < 4; i++) {
      expect(waits[i]!).toBeGreaterThan(i * 1000 - 500);
      expect(waits[i]!).toBeLessThanOrEqual(i * 1000);
    }
    const burst = `test:${randomUUID()}`;
    const burstWaits = [];
    for (let i = 0; i < 3; i++) burstWaits.push(await reserveRateSlot(store.db, burst, 250, 2));
    expect(burstWaits.slice(0, 2)).toEqual([0, 0]);
    expect(burstWaits[2]!).toBeGreaterThan(0);
  });
});
