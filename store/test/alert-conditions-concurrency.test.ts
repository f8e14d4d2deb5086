// Alert evaluation runs in every ingest batch, several batches at once on a split worker, and each records its
// observations in a transaction held while it signals the alert workflows. New alerts appear while others are being
// updated: no two batches may deadlock on alert_conditions (issue 12 allows none; bench:ingest saw one in 80,000 payloads).
import { randomUUID } from 'node:crypto';
import { setTimeout as sleep } from 'node:timers/promises';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openStore, recordConditionObservations, type ConditionObservation, type Store } from '../src/index';
import { createTestDatabase, type TestDatabase } from '../src/testing';

const WORKERS = 8;
const ROUNDS = 40;

/** A deterministic generator: the test meets the same interleavings' chances on every run. */
function random(seed: number) {
  let s = seed;
  return () => {
    s = (s * 1_103_515_245 + 12_345) % 2_147_483_648;
    return s / 2_147_483_648;
  };
}

describe('alert conditions recorded by concurrent batches on PostgreSQL', () => {
  let tdb: TestDatabase;
  let store: Store;
  const org = randomUUID();

  beforeAll(async () => {
    tdb = await createTestDatabase();
    store = await openStore({ databaseUrl: tdb.url, poolSize: WORKERS + 2 });
  });
  afterAll(async () => {
    await store?.close();
    await tdb?.drop();
  });

  it('never deadlock while new alerts appear among the ones they update, and keep one row per alert', async () => {
    let pool = 8;
    const deadlocks: string[] = [];
    const observation = (fingerprint: string, breaching: boolean, at: number): ConditionObservation => ({
      organizationId: org,
      fingerprint,
      ruleId: 'r1',
      ruleVersion: 1,
      subjectId: fingerprint,
      labels: {},
      breaching,
      severity: breaching ? 'warning' : null,
      value: 1,
      observedAt: new Date(1_800_000_000_000 + at),
    });
    const worker = async (w: number) => {
      const next = random(w + 1);
      for (let round = 0; round < ROUNDS; round++) {
        // The pool of alerts grows as the batches run: each batch meets some alerts for the first time.
        if (next() < 0.5) pool += 1;
        const picked = new Set<number>();
        while (picked.size < 6) picked.add(Math.floor(next() * pool));
        const obs = [...picked].map((i) => observation(`fp-${String(i).padStart(4, '0')}`, next() < 0.5, round * 1000 + w));
        try {
          await store.db.transaction().execute(async (trx) => {
            await recordConditionObservations(trx, obs);
            // The signals to the alert workflows, sent while the rows are locked.
            await sleep(Math.floor(next() * 3));
          });
        } catch (e) {
          if ((e as { code?: string }).code === '40P01') deadlocks.push((e as Error).message);
          else throw e;
        }
      }
    };
    await Promise.all(Array.from({ length: WORKERS }, (_, w) => worker(w)));
    expect(deadlocks).toEqual([]);
    const rows = await store.db.selectFrom('alert_conditions').select(['fingerprint']).where('organization_id', '=', org).execute();
    expect(new Set(rows.map((r) => r.fingerprint)).size).toBe(rows.length);
    expect(rows.length).toBeGreaterThan(20);
  }, 120_000);
});
