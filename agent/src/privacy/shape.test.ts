import { ObjectId, Long, Decimal128 } from 'bson';
import { describe, expect, it } from 'vitest';
import { shapeOfDocument } from './shape';

describe('shapeOfDocument', () => {
  it('replaces values with ? and keeps field names and operators', () => {
    expect(shapeOfDocument({ email: 'alice@example.com', age: { $gt: 30, $lt: 60 } })).toEqual({
      email: '?',
      age: { $gt: '?', $lt: '?' },
    });
  });

  it('collapses arrays of values to one placeholder', () => {
    expect(shapeOfDocument({ status: { $in: ['a', 'b', 'c'] } })).toEqual({ status: { $in: ['?'] } });
  });

  it('keeps each distinct shape of an array of documents, such as pipeline stages', () => {
    const pipeline = [{ $match: { user: 'u1' } }, { $group: { _id: '$city', n: { $sum: 1 } } }, { $limit: 5 }];
    expect(shapeOfDocument({ aggregate: 'orders', pipeline })).toEqual({
      aggregate: '?',
      pipeline: [{ $match: { user: '?' } }, { $group: { _id: '?', n: { $sum: '?' } } }, { $limit: '?' }],
    });
    expect(shapeOfDocument({ $or: [{ a: 1 }, { a: 2 }, { b: 3 }] })).toEqual({ $or: [{ a: '?' }, { b: '?' }] });
  });

  it('treats BSON values, dates, regexes and buffers as values', () => {
    const doc = {
      _id: new ObjectId(),
      n: Long.fromNumber(5),
      d: Decimal128.fromString('1.5'),
      at: new Date(),
      re: /secret/,
      bin: Buffer.from('secret'),
      nul: null,
    };
    expect(shapeOfDocument(doc)).toEqual({ _id: '?', n: '?', d: '?', at: '?', re: '?', bin: '?', nul: '?' });
  });

  it('never lets a value through in the serialized shape', () => {
    const shaped = JSON.stringify(shapeOfDocument({ find: 'users', filter: { $where: "this.ssn == '123-45-6789'" }, comment: 'token=abc' }));
    expect(shaped).not.toContain('123-45-6789');
    expect(shaped).not.toContain('token=abc');
  });

  it('cuts below the depth limit and so survives cyclic documents', () => {
    expect(shapeOfDocument({ a: { b: { c: 1 } } }, 2)).toEqual({ a: { b: '?' } });
    const cyclic: Record<string, unknown> = { x: 1 };
    cyclic.self = cyclic;
    expect(() => JSON.stringify(shapeOfDocument(cyclic, 5))).not.toThrow();
  });

  it('shapes a scalar on its own as ?', () => {
    expect(shapeOfDocument('plain')).toBe('?');
    expect(shapeOfDocument(42)).toBe('?');
  });
});
