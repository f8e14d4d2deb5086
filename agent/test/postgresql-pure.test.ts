import { describe, expect, it } from 'vitest';
import { blockingTree } from '../src/collectors/postgresql/blocking-tree';
import { databaseMatcher } from '../src/collectors/databases-filter';
import { flagIndexes } from '../src/collectors/postgresql/indexes';
import { redactConninfo } from '../src/collectors/postgresql/settings';

describe('blockingTree', () => {
  it('roots the tree at the blocker that waits on nobody, nesting waiters of waiters', () => {
    expect(
      blockingTree([
        { pid: 20, blocking_pids: [10] },
        { pid: 30, blocking_pids: [20] },
        { pid: 31, blocking_pids: [10, 20] },
      ]),
    ).toEqual([
      {
        pid: 10,
        waiters: [
          { pid: 20, waiters: [{ pid: 30, waiters: [] }, { pid: 31, waiters: [] }] },
          { pid: 31, waiters: [] },
        ],
      },
    ]);
  });

  it('still shows the members of a wait cycle, without looping', () => {
    expect(blockingTree([{ pid: 1, blocking_pids: [2] }, { pid: 2, blocking_pids: [1] }])).toEqual([
      { pid: 1, waiters: [{ pid: 2, waiters: [] }] },
      { pid: 2, waiters: [{ pid: 1, waiters: [] }] },
    ]);
  });
});

describe('flagIndexes', () => {
  const index = (name: string, over: Partial<Parameters<typeof flagIndexes>[0][number]> = {}) => ({
    schema: 's', table: 't', name, table_oid: 1, method: 'btree', is_unique: false, is_primary: false, is_valid: true,
    indkey: '1 2', indclass: '1978 1978', indoption: '0 0', key_columns: 2, expressions: null, predicate: null, ...over,
  });
  const flags = (rows: ReturnType<typeof index>[]) => flagIndexes(rows).map((i) => [i.name, i.duplicate_of]);

  it('flags indexes with the same table, columns, operator classes, expressions and predicate as duplicates', () => {
    expect(flags([index('a'), index('b'), index('c', { predicate: '(x > 0)' }), index('d', { indkey: '2 1' }), index('e', { table_oid: 2 })])).toEqual([
      ['a', ['b']], ['b', ['a']], ['c', []], ['d', []], ['e', []],
    ]);
  });

  it('flags a B-tree whose key is a left prefix of another, but not a hash index, another ordering or other INCLUDE columns', () => {
    const prefix = { indkey: '1', indclass: '1978', indoption: '0', key_columns: 1 };
    expect(flags([index('ab'), index('a', prefix), index('b', { ...prefix, indkey: '2' })])).toEqual([['ab', []], ['a', ['ab']], ['b', []]]);
    // (a, b DESC) orders rows in a way (a, b, c) cannot, forwards or backwards.
    const abc = { indkey: '1 2 3', indclass: '1978 1978 1978', indoption: '0 0 0', key_columns: 3 };
    expect(flags([index('abc', abc), index('a_bdesc', { indoption: '0 3' })])).toEqual([['abc', []], ['a_bdesc', []]]);
    expect(flags([index('ab', { method: 'hash' }), index('a', { ...prefix, method: 'hash' })])).toEqual([['ab', []], ['a', []]]);
    // (a) INCLUDE (c) is not served by (a, b): the included column is what it adds.
    expect(flags([index('ab'), index('a_inc_c', { indkey: '1 3', indclass: '1978', indoption: '0', key_columns: 1 })])).toEqual([['ab', []], ['a_inc_c', []]]);
  });

  it('never flags the primary key or a unique index that a non-unique or longer index covers; flags the plain twin of a unique one', () => {
    expect(flags([index('pkey', { is_primary: true, is_unique: true }), index('uniq', { is_unique: true }), index('plain')])).toEqual([
      ['pkey', []], ['uniq', ['pkey']], ['plain', ['pkey', 'uniq']],
    ]);
    expect(flags([index('ab'), index('a_unique', { indkey: '1', indclass: '1978', indoption: '0', key_columns: 1, is_unique: true })])).toEqual([
      ['ab', []], ['a_unique', []],
    ]);
  });

  it('flags an index that is not valid, and never counts it as a duplicate either way', () => {
    expect(flagIndexes([index('a', { is_valid: false })])[0]).toMatchObject({ invalid: true });
    expect(flags([index('a', { is_valid: false }), index('b')])).toEqual([['a', []], ['b', []]]);
  });
});

describe('redactConninfo', () => {
  it('removes passwords from keyword and URI connection strings', () => {
    expect(redactConninfo("host=primary user=rep password='s3 cret' port=5432")).toBe('host=primary user=rep password=******** port=5432');
    expect(redactConninfo('postgresql://rep:s3cret@primary:5432/db')).toBe('postgresql://rep:********@primary:5432/db');
  });
});

describe('databaseMatcher', () => {
  it('includes everything by default, honours globs, and lets exclude win', () => {
    expect(databaseMatcher({ include: [], exclude: [] })('anything')).toBe(true);
    const match = databaseMatcher({ include: ['app_*', 'billing'], exclude: ['app_test'] });
    expect(['app_eu', 'billing', 'app_test', 'billing2', 'xapp_eu'].filter(match)).toEqual(['app_eu', 'billing']);
  });
});
