import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { declareTarget, findTarget, mergeSeen, upsertTargetsSeen, type CollectionSeen, type Store } from '../src/index';
import { backends } from './backends';

describe.each(backends)('target writes on %s', (_name, open) => {
  let store: Store;
  let cleanup: () => Promise<void>;
  const org = randomUUID();
  beforeAll(async () => {
    ({ store, cleanup } = await open());
  });
  afterAll(async () => {
    await store.close();
    await cleanup();
  });

  const seen = (s: number, category: string, failed = false): CollectionSeen => ({
    organizationId: org,
    targetId: 'pg-a',
    agentId: 'agent-1',
    engine: 'postgresql',
    category,
    ts: new Date(Date.UTC(2026, 11, 5, 10, 0, s)),
    version: s === 0 ? '15.4' : null,
    errors: [],
    failed,
  });

  it('records what collections saw of a target; an older one never overwrites a newer status', async () => {
    await store.db.transaction().execute(async (trx) => {
      await declareTarget(trx, org, 'pg-a', { engine: 'postgresql', agentId: 'agent-1', tags: JSON.stringify({ env: 'prod' }) });
      await upsertTargetsSeen(trx, [mergeSeen([seen(0, 'metrics'), seen(10, 'activity')])]);
    });
    await store.db.transaction().execute((trx) => upsertTargetsSeen(trx, [mergeSeen([seen(5, 'metrics', true)])]));
    const target = await findTarget(store.db, org, 'pg-a');
    expect(target).toMatchObject({ engine: 'postgresql', version: '15.4', status: 'ok', tags: { env: 'prod' } });
    expect(Object.keys(target?.last_payloads ?? {}).sort()).toEqual(['activity', 'metrics']);
  });
});
