// Two ingest batches of the same targets normalized at the same time, as two workers do under load.
import { randomUUID } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { normalizePayloads } from '../src/normalize/index';
import { insertPayloadRows, type PayloadJson } from './payload-rows';
import { postgresTestStore } from './test-store';

type Body = Record<string, any>;
const ORG = 'org-concurrent';
const runtime = readFileSync(new URL('../../api/test/fixtures/postgresql.jsonl', import.meta.url), 'utf8')
  .trim()
  .split('\n')
  .map((l) => JSON.parse(l) as Body)
  .find((b) => b.category === 'runtime')!;

describe('concurrent normalization of batches that share targets (PostgreSQL)', () => {
  const store = postgresTestStore(4);

  async function stored(targetId: string, at: Date) {
    const body: Body = { ...runtime, id: randomUUID(), targetId, collectedAt: at.toISOString() };
    await insertPayloadRows(store.db, ORG, [body as PayloadJson]);
    return store.db.selectFrom('payloads').selectAll().where('id', '=', body.id).executeTakeFirstOrThrow();
  }

  it('commits both when their payloads name the same targets in opposite orders, and keeps the newest state', async () => {
    const t0 = Date.now() - 60_000;
    const targets = Array.from({ length: 6 }, (_, i) => `pg-${i}`);
    // Batch A meets the targets in one order by collected_at, batch B in the reverse one.
    const a = await Promise.all(targets.map((t, i) => stored(t, new Date(t0 + i * 1_000))));
    const b = await Promise.all([...targets].reverse().map((t, i) => stored(t, new Date(t0 + 10_000 + i * 1_000))));
    await Promise.all([a, b].map((rows) => store.db.transaction().execute((trx) => normalizePayloads(trx, rows))));
    const rows = await store.db.selectFrom('targets').select(['target_id', 'last_seen']).where('organization_id', '=', ORG).orderBy('target_id').execute();
    expect(rows.map((r) => r.target_id)).toEqual(targets);
    for (const [i, t] of [...targets].reverse().entries()) {
      expect(new Date(rows.find((r) => r.target_id === t)!.last_seen!).getTime()).toBe(t0 + 10_000 + i * 1_000);
    }
  });
});
