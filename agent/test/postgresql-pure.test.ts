import { describe, expect, it } from 'vitest';
import { blockingTree } from '../src/collectors/postgresql/blocking-tree';
import { databaseMatcher } from '../src/collectors/postgresql/databases-filter';
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
    schema: 's', table: 't', name, table_oid: 1, is_valid: true, indkey: '1 2', indclass: '1978 1978', expressions: null, predicate: null, ...over,
  });

  it('flags indexes with the same table, columns, operator classes, expressions and predicate as duplicates', () => {
    const flagged = flagIndexes([index('a'), index('b'), index('c', { predicate: '(x > 0)' }), index('d', { indkey: '2 1' }), index('e', { table_oid: 2 })]);
    expect(flagged.map((i) => [i.name, i.duplicate_of])).toEqual([['a', ['b']], ['b', ['a']], ['c', []], ['d', []], ['e', []]]);
  });

  it('flags an index that is not valid', () => {
    expect(flagIndexes([index('a', { is_valid: false })])[0]).toMatchObject({ invalid: true });
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
