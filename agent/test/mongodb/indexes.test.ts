import { describe, expect, it } from 'vitest';
import { indexRows } from '../../src/collectors/mongodb/indexes';

describe('MongoDB index rows: duplicate and redundant indexes', () => {
  const flags = (defs: Record<string, unknown>[]) => indexRows('shop', 'orders', defs, null, {}).map((r) => [r.name, r.duplicateOf]);

  it('flags a left prefix of an ascending/descending key, never _id_ or a unique index covered by a non-unique one', () => {
    expect(
      flags([
        { name: '_id_', key: { _id: 1 } },
        { name: 'id_again', key: { _id: 1 } },
        { name: 'a_b', key: { a: 1, b: -1 } },
        { name: 'a', key: { a: 1 } },
        { name: 'a_unique', key: { a: 1 }, unique: true },
        { name: 'b', key: { b: -1 } },
      ]),
    ).toEqual([['_id_', []], ['id_again', ['_id_']], ['a_b', []], ['a', ['a_b', 'a_unique']], ['a_unique', []], ['b', []]]);
  });

  it('compares text, hashed and partial indexes only where it is safe', () => {
    expect(
      flags([
        { name: 'a_hashed_b', key: { a: 'hashed', b: 1 } },
        { name: 'a_hashed', key: { a: 'hashed' } },
        { name: 'a_b', key: { a: 1, b: 1 } },
        // Two partial indexes with the same key: their filters' values are not known, so neither is called redundant.
        { name: 'a_partial', key: { a: 1 }, partialFilterExpression: { qty: { $gt: 3 } } },
        { name: 'a_sparse', key: { a: 1 }, sparse: true },
      ]),
    ).toEqual([['a_hashed_b', []], ['a_hashed', []], ['a_b', []], ['a_partial', []], ['a_sparse', []]]);
  });
});
