import { describe, expect, it } from 'vitest';
import type { CounterSpec } from '../collectors/types';
import { diffSince } from './diff';

const specs: Record<string, CounterSpec> = {
  databases: { key: ['datname'], counters: ['xact_commit', 'blks_read'] },
  stats: { key: [], counters: ['questions'] },
};

describe('diffSince', () => {
  it('sends only gauges on the first run and marks it as a baseline', () => {
    const current = { databases: [{ datname: 'a', xact_commit: 10, blks_read: 5 }], stats: { questions: 7, threads: 2 }, sessions: [{ pid: 1 }] };
    const result = diffSince(undefined, current, specs);
    expect(result.baseline).toBe(true);
    expect(result.data).toEqual({ sessions: [{ pid: 1 }] });
    expect(result.baselineSections).toEqual(['databases', 'stats']);
    expect(result.next).toEqual({ databases: current.databases, stats: current.stats });
  });

  it('turns counters into deltas per row key and copies the other columns', () => {
    const prev = { databases: [{ datname: 'a', xact_commit: 10, blks_read: 5 }, { datname: 'b', xact_commit: 1, blks_read: 1 }], stats: { questions: 7, threads: 2 } };
    const current = { databases: [{ datname: 'b', xact_commit: 4, blks_read: 1, size: 99 }, { datname: 'a', xact_commit: 25, blks_read: 5, size: 10 }], stats: { questions: 17, threads: 9 } };
    const result = diffSince(prev, current, specs);
    expect(result.baseline).toBe(false);
    expect(result.counterReset).toBe(false);
    expect(result.data).toEqual({
      databases: [{ datname: 'b', xact_commit: 3, blks_read: 0, size: 99 }, { datname: 'a', xact_commit: 15, blks_read: 0, size: 10 }],
      stats: { questions: 10, threads: 9 },
    });
  });

  it('marks a row whose counter went backwards as reset and sends its current values', () => {
    const prev = { databases: [{ datname: 'a', xact_commit: 100, blks_read: 50 }, { datname: 'b', xact_commit: 1, blks_read: 1 }] };
    const current = { databases: [{ datname: 'a', xact_commit: 3, blks_read: 60 }, { datname: 'b', xact_commit: 2, blks_read: 1 }] };
    const result = diffSince(prev, current, specs);
    expect(result.counterReset).toBe(true);
    expect(result.resetSections).toEqual(['databases']);
    expect(result.data.databases).toEqual([
      { datname: 'a', xact_commit: 3, blks_read: 60, counterReset: true },
      { datname: 'b', xact_commit: 1, blks_read: 0 },
    ]);
  });

  it('detects a reset of a single-object section', () => {
    const result = diffSince({ stats: { questions: 500 } }, { stats: { questions: 20 } }, specs);
    expect(result.counterReset).toBe(true);
    expect(result.data.stats).toEqual({ questions: 20, counterReset: true });
  });

  it('counts a row not seen before from zero and marks it new', () => {
    const result = diffSince({ databases: [] }, { databases: [{ datname: 'new', xact_commit: 4, blks_read: 2 }] }, specs);
    expect(result.data.databases).toEqual([{ datname: 'new', xact_commit: 4, blks_read: 2, newRow: true }]);
  });

  it('subtracts bigint strings exactly beyond 2^53', () => {
    const s = { wal: { key: [], counters: ['bytes'] } };
    const result = diffSince({ wal: { bytes: '90071992547409930' } }, { wal: { bytes: '90071992547409935' } }, s);
    expect(result.data.wal).toEqual({ bytes: 5 });
    const big = diffSince({ wal: { bytes: '0' } }, { wal: { bytes: '90071992547409935' } }, s);
    expect(big.data.wal).toEqual({ bytes: '90071992547409935' });
  });

  it('treats a counter section the previous run lacked as a baseline for that section only', () => {
    const result = diffSince({ stats: { questions: 1 } }, { stats: { questions: 2 }, databases: [{ datname: 'a', xact_commit: 1, blks_read: 1 }] }, specs);
    expect(result.baseline).toBe(false);
    expect(result.baselineSections).toEqual(['databases']);
    expect(result.data).toEqual({ stats: { questions: 1 } });
  });

  it('leaves out the rows that did not run (omitIdleBy), keeping them in the state; new and reset rows are sent', () => {
    const digests: Record<string, CounterSpec> = { digests: { key: ['digest'], counters: ['calls', 'errors'], omitIdleBy: 'calls' } };
    const prev = { digests: [{ digest: 'ran', calls: 5, errors: 0 }, { digest: 'idle', calls: 9, errors: 1 }, { digest: 'reset', calls: 9, errors: 4 }] };
    const current = {
      digests: [{ digest: 'ran', calls: 7, errors: 0 }, { digest: 'idle', calls: 9, errors: 1 }, { digest: 'reset', calls: 9, errors: 2 }, { digest: 'new', calls: 1, errors: 0 }],
    };
    const result = diffSince(prev, current, digests);
    expect(result.data.digests).toEqual([
      { digest: 'ran', calls: 2, errors: 0 },
      { digest: 'reset', calls: 9, errors: 2, counterReset: true },
      { digest: 'new', calls: 1, errors: 0, newRow: true },
    ]);
    expect(result.next).toEqual(current);
    // Without omitIdleBy the idle row is sent with its zero deltas, as before.
    const all = diffSince(prev, current, { digests: { key: ['digest'], counters: ['calls', 'errors'] } });
    expect(all.data.digests).toContainEqual({ digest: 'idle', calls: 0, errors: 0 });
  });

  it('omits a row handed back as the same object as idle, and diffs a row of the same key that is a new object', () => {
    const digests: Record<string, CounterSpec> = { digests: { key: ['schema', 'digest'], counters: ['calls'], omitIdleBy: 'calls' } };
    const kept = { schema: 's', digest: 'kept', calls: 4 };
    const prev = { digests: [kept, { schema: 's', digest: 'ran', calls: 1 }] };
    const result = diffSince(prev, { digests: [kept, { schema: 's', digest: 'ran', calls: 3 }] }, digests);
    expect(result.data.digests).toEqual([{ schema: 's', digest: 'ran', calls: 2 }]);
    // Without omitIdleBy, the same object is still sent with its zero deltas.
    const all = diffSince(prev, { digests: [kept] }, { digests: { key: ['schema', 'digest'], counters: ['calls'] } });
    expect(all.data.digests).toEqual([{ schema: 's', digest: 'kept', calls: 0 }]);
  });

  it('tells apart keys whose parts only differ in where they split, and null from the text "null"', () => {
    const spec: Record<string, CounterSpec> = { rows: { key: ['a', 'b'], counters: ['n'] } };
    const prev = { rows: [{ a: 'x:y', b: 'z', n: 1 }, { a: null, b: 'q', n: 10 }, { a: 1, b: 'q', n: 20 }] };
    const current = { rows: [{ a: 'x', b: 'y:z', n: 5 }, { a: 'null', b: 'q', n: 11 }, { a: '1', b: 'q', n: 21 }, { a: 1, b: 'q', n: 22 }] };
    expect(diffSince(prev, current, spec).data.rows).toEqual([
      { a: 'x', b: 'y:z', n: 5, newRow: true },
      { a: 'null', b: 'q', n: 11, newRow: true },
      { a: '1', b: 'q', n: 21, newRow: true },
      { a: 1, b: 'q', n: 2 },
    ]);
  });

  it('gives a null delta when a counter was null before', () => {
    const result = diffSince({ stats: { questions: null } }, { stats: { questions: 5 } }, specs);
    expect(result.data.stats).toEqual({ questions: null });
  });
});
