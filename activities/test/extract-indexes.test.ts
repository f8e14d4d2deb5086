// What each engine's agent payload says about redundant indexes reaches the schema snapshot the Schema Explorer reads.
import { describe, expect, it } from 'vitest';
import { extractCollection } from '../src/normalize/index';

describe('index duplicate flags in schema snapshots', () => {
  it('MongoDB: duplicateOf from the agent is kept in the index stats', () => {
    const extracted = extractCollection('mongodb', 'schema', {
      databases: [{ name: 'shop' }],
      collections: [],
      indexes: [
        { db: 'shop', collection: 'orders', name: 'a_b', key: { a: 1, b: 1 }, duplicateOf: [] },
        { db: 'shop', collection: 'orders', name: 'a', key: { a: 1 }, duplicateOf: ['a_b'] },
      ],
    });
    const stats = Object.fromEntries((extracted.snapshots.schema ?? []).filter((i) => i.type === 'index').map((i) => [i.name, i.stats]));
    expect(stats['shop.orders.a']).toMatchObject({ duplicateOf: ['a_b'] });
    expect(stats['shop.orders.a_b']).toMatchObject({ duplicateOf: [] });
  });
});
