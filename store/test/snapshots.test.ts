import { randomUUID } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { diffSnapshots, latestSnapshot, listChanges, lockSnapshotScopes, toStoredItems, writeSnapshot } from '../src/index';
import { backends, suiteStore } from './backends';

describe('snapshot diff', () => {
  it('reports added, removed and altered objects by definition, never by statistics', () => {
    const before = toStoredItems([
      { type: 'table', name: 'a', def: { columns: 1 }, stats: { rows: 1 } },
      { type: 'table', name: 'b', def: { columns: 1 } },
    ]);
    const after = toStoredItems([
      { type: 'table', name: 'a', def: { columns: 1 }, stats: { rows: 99 } },
      { type: 'table', name: 'c', def: { columns: 2 } },
    ]);
    expect(diffSnapshots(before, after).map((c) => [c.objectName, c.change]).sort()).toEqual([
      ['b', 'removed'],
      ['c', 'added'],
    ]);
  });
});

describe.each(backends)('snapshot writes on %s', (_name, open) => {
  const store = suiteStore(open);
  const org = randomUUID();

  it('records a snapshot and, on the next one, what changed', async () => {
    const where = (s: number) => ({ organizationId: org, targetId: 't', ts: new Date(Date.UTC(2026, 11, 5, 10, 0, s)), payloadId: randomUUID() });
    await store.db.transaction().execute(async (trx) => {
      await lockSnapshotScopes(trx, [{ organizationId: org, targetId: 't', kind: 'schema' }]);
      await writeSnapshot(trx, where(0), 'schema', [{ type: 'table', name: 'a', def: { columns: 1 } }]);
    });
    await store.db.transaction().execute(async (trx) => {
      await writeSnapshot(trx, where(10), 'schema', [
        { type: 'table', name: 'a', def: { columns: 2 } },
        { type: 'table', name: 'b', def: { columns: 1 } },
      ]);
    });
    const latest = await latestSnapshot(store.db, org, 't', 'schema');
    expect(Object.values(latest?.items ?? {}).map((i) => i.name).sort()).toEqual(['a', 'b']);
    const changes = await listChanges(store.db, { organizationId: org, targetId: 't', from: where(0).ts, to: where(60).ts }, 10);
    expect(changes.map((c) => [c.object_name, c.change]).sort()).toEqual([
      ['a', 'altered'],
      ['b', 'added'],
    ]);
  });
});
