import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { sql } from 'kysely';
import { payloadSchema } from '@logstag/schema';
import { openStore, payloadBodyFromJson, type Store } from '@logstag/store';
import { createTestDatabase, type TestDatabase } from '@logstag/store/testing';
import { claimPendingBatch, payloadRow } from '@logstag/store';
import { collectionPayload } from './context';

const ORG = 'org-claim';
const TARGETS = ['t-a', 't-b', 't-c', 't-d', 't-e'];
const ROUNDS = 10;
const CLAIM = { claimTimeoutMs: 60_000 };

/** A heartbeat (a payload without a target). */
function heartbeat() {
  const { id, agentId, collectedAt, schemaVersion } = collectionPayload();
  const host = { hostname: 'h', os: 'Linux', platform: 'linux', arch: 'x64', cpuCount: 2, loadAverage: [], memoryTotalBytes: 1, memoryFreeBytes: 1, uptimeSeconds: 1, agentVersion: '1.0.0', agentUptimeSeconds: 1 };
  return { id, agentId, collectedAt, schemaVersion, kind: 'heartbeat', host };
}

/**
 * A backlog as agents leave it: every target sends once per round, so the oldest payloads are a time slice across all
 * targets. Returns the ids in the order received. Heartbeats (no target) are sent in rounds 0 and 5.
 */
async function commitBacklog(store: Store): Promise<Array<{ id: string; target: string | null }>> {
  const sent: Array<{ id: string; target: string | null }> = [];
  const start = Date.parse('2026-12-05T10:00:00Z');
  for (let round = 0; round < ROUNDS; round++) {
    const payloads = TARGETS.map((targetId) => payloadSchema.parse(collectionPayload({ targetId })));
    if (round % 5 === 0) payloads.push(payloadSchema.parse(heartbeat()));
    for (const p of payloads) {
      const receivedAt = new Date(start + sent.length * 10);
      await store.db
        .insertInto('payloads')
        .values({ ...payloadRow(ORG, p, await payloadBodyFromJson(p)), received_at: sql`${receivedAt.toISOString()}::timestamptz` })
        .execute();
      sent.push({ id: p.id, target: p.kind === 'collection' ? p.targetId : null });
    }
  }
  return sent;
}

describe.each(['pglite', 'postgres'] as const)('claiming pending payloads (%s)', (kind) => {
  let store: Store;
  let tdb: TestDatabase | null = null;

  beforeAll(async () => {
    tdb = kind === 'postgres' ? await createTestDatabase('logstag_claim') : null;
    store = await openStore(tdb ? { databaseUrl: tdb.url, poolSize: 8 } : { dataDir: 'memory://' });
  });
  afterAll(async () => {
    await store?.close();
    await tdb?.drop();
  });

  it('takes a backlog grouped by target, the targets of the oldest payloads first, each oldest first, and the oldest pending payload in every batch', async () => {
    await sql`delete from payloads`.execute(store.db);
    const sent = await commitBacklog(store);
    const targetOf = new Map(sent.map((s) => [s.id, s.target]));
    const claimed: string[][] = [];
    for (;;) {
      const oldest = await store.db.selectFrom('payloads').select('id').where('status', '=', 'pending').orderBy('received_at').limit(1).executeTakeFirst();
      const batch = await claimPendingBatch(store.db, { limit: 2 * ROUNDS, ...CLAIM });
      if (!batch) break;
      expect(batch.payloadIds).toContain(oldest!.id);
      claimed.push(batch.payloadIds);
    }
    // Every payload exactly once.
    expect(claimed.flat().sort()).toEqual(sent.map((s) => s.id).sort());
    // Two whole targets per batch (ten payloads each), in the order of their oldest payload; the two heartbeats last.
    expect(claimed.map((ids) => [...new Set(ids.map((id) => targetOf.get(id)))].sort())).toEqual([['t-a', 't-b'], ['t-c', 't-d'], [null, 't-e']]);
  });

  it('takes everything pending when fewer than a batch are pending, as they arrive', async () => {
    await sql`delete from payloads`.execute(store.db);
    const sent = await commitBacklog(store);
    const batch = await claimPendingBatch(store.db, { limit: 1000, ...CLAIM });
    expect(batch?.payloadIds.slice().sort()).toEqual(sent.map((s) => s.id).sort());
    expect(await claimPendingBatch(store.db, { limit: 1000, ...CLAIM })).toBeNull();
  });

  it.runIf(kind === 'postgres')('gives concurrent claims disjoint batches that together hold every payload', async () => {
    await sql`delete from payloads`.execute(store.db);
    const sent = await commitBacklog(store);
    const claimed: string[] = [];
    for (;;) {
      const batches = await Promise.all(Array.from({ length: 4 }, () => claimPendingBatch(store.db, { limit: 7, ...CLAIM })));
      const ids = batches.flatMap((b) => b?.payloadIds ?? []);
      if (ids.length === 0) break;
      claimed.push(...ids);
    }
    expect(claimed.length).toBe(sent.length);
    expect(new Set(claimed).size).toBe(sent.length);
  });
});
