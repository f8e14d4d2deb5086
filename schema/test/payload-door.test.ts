import { describe, expect, it } from 'vitest';
import {
  collectedAtIssue,
  firstUnstorable,
  MAX_DOOR_ISSUES,
  MAX_PAYLOAD_DEPTH,
  nestedDeeperThan,
  payloadDoorIssues,
  storableText,
  unstorableValueIssues,
  withStorableText,
} from '../src/index';

const NOW = Date.parse('2026-12-05T10:00:00.000Z');
const HOUR = 3_600_000;
const limits = { now: NOW, maxPastMs: 168 * HOUR };

/** An array nested `depth` deep, built without recursion. */
function nested(depth: number): unknown[] {
  const root: unknown[] = [];
  let inner = root;
  for (let i = 1; i < depth; i++) {
    const next: unknown[] = [];
    inner.push(next);
    inner = next;
  }
  return root;
}

describe('storable text', () => {
  it('finds NUL and lone surrogates, and lets well-formed pairs, U+FFFD and other controls through', () => {
    expect(firstUnstorable('a\u0000b')).toEqual({ index: 1, kind: 'nul', codeUnit: 0 });
    expect(firstUnstorable('\ud800')).toEqual({ index: 0, kind: 'lone-surrogate', codeUnit: 0xd800 });
    expect(firstUnstorable('x\udc00')).toEqual({ index: 1, kind: 'lone-surrogate', codeUnit: 0xdc00 });
    expect(firstUnstorable('\ud83d\ude00\ud83d')).toEqual({ index: 2, kind: 'lone-surrogate', codeUnit: 0xd83d });
    for (const ok of ['', 'plain', '\ud83d\ude00', '\ufffd', '\u0001\t\n', 'ünïcödé 日本']) expect(firstUnstorable(ok)).toBeUndefined();
  });

  it('replaces each NUL and lone surrogate with U+FFFD, keeping pairs and the length', () => {
    expect(storableText('a\u0000b\ud800c\udc00\ud83d\ude00')).toBe('a\ufffdb\ufffdc\ufffd\ud83d\ude00');
    const clean = 'nothing to do';
    expect(storableText(clean)).toBe(clean);
  });

  it('normalizes every string and key of a JSON value, and returns the value itself when it is clean', () => {
    const clean = { a: [1, 'x', { b: null }], c: true };
    expect(withStorableText(clean)).toBe(clean);
    const dirty = { 'k\u0000': ['v\ud800', { inner: 'ok', 'x\udfff': 2 }], same: clean };
    const fixed = withStorableText(dirty);
    expect(fixed).toEqual({ 'k\ufffd': ['v\ufffd', { inner: 'ok', 'x\ufffd': 2 }], same: clean });
    expect(fixed.same).toBe(clean);
    expect(JSON.stringify(fixed)).not.toMatch(/\\u(0000|d[89a-f])/);
  });
});

describe('door checks of a payload', () => {
  it('names the path of a NUL in a nested string, of a NUL in a key, and of a lone surrogate', () => {
    expect(unstorableValueIssues({ data: { rows: [{ name: 'ok' }, { name: 'a\u0000b' }] } })).toEqual([
      { path: 'data.rows.1.name', message: expect.stringContaining('NUL character (U+0000) at offset 1') },
    ]);
    expect(unstorableValueIssues({ data: { 'a\u0000b': 1 } })).toEqual([{ path: 'data.a\\u0000b', message: expect.stringMatching(/^the key contains a NUL/) }]);
    expect(unstorableValueIssues({ data: { s: '\ud800' } })).toEqual([{ path: 'data.s', message: expect.stringContaining('lone UTF-16 surrogate (U+D800)') }]);
  });

  it(`accepts nesting of exactly ${MAX_PAYLOAD_DEPTH} levels and refuses one more, naming the path`, () => {
    expect(unstorableValueIssues({ deep: nested(MAX_PAYLOAD_DEPTH - 1) })).toEqual([]);
    const issues = unstorableValueIssues({ deep: nested(MAX_PAYLOAD_DEPTH) });
    expect(issues).toEqual([{ path: `deep${'.0'.repeat(MAX_PAYLOAD_DEPTH - 1)}`, message: expect.stringContaining(`deeper than ${MAX_PAYLOAD_DEPTH}`) }]);
    expect(unstorableValueIssues({ deep: nested(5) }, 4)).toHaveLength(1);
  });

  it('walks a 100,000-deep array without recursion, in bounded time', () => {
    const deep = nested(100_000);
    const started = performance.now();
    expect(unstorableValueIssues({ deep })).toHaveLength(1);
    expect(performance.now() - started).toBeLessThan(100);
  });

  it(`reports at most ${MAX_DOOR_ISSUES} issues, however many there are`, () => {
    const many = Object.fromEntries(Array.from({ length: 10_000 }, (_, i) => [`k${i}`, '\u0000']));
    expect(unstorableValueIssues({ many })).toHaveLength(MAX_DOOR_ISSUES);
  });

  it('escapes and cuts a long key in the path', () => {
    const key = `${'x'.repeat(100)}\u0000`;
    const [issue] = unstorableValueIssues({ [key]: 1 });
    expect(issue!.path).toBe(`${'x'.repeat(64)}…`);
  });

  it('accepts collectedAt from maxPast ago to 10 minutes ahead, exactly, and refuses outside', () => {
    const iso = (t: number) => new Date(t).toISOString();
    expect(collectedAtIssue(iso(NOW - 168 * HOUR), limits)).toBeUndefined();
    expect(collectedAtIssue(iso(NOW + 10 * 60_000), limits)).toBeUndefined();
    expect(collectedAtIssue(iso(NOW - 168 * HOUR - 1), limits)).toEqual({ path: 'collectedAt', message: 'older than 168 hours; expected 2026-11-28T10:00:00.000Z or later' });
    expect(collectedAtIssue(iso(NOW + 10 * 60_000 + 1), limits)?.message).toMatch(/^more than 10 minutes ahead of the server's clock; expected 2026-12-05T10:10:00.000Z or earlier/);
    for (const far of ['0000-01-01T00:00:00Z', '0001-01-01T00:00:00Z']) expect(collectedAtIssue(far, limits)?.message).toMatch(/^older than/);
    expect(collectedAtIssue('9999-12-31T23:59:59Z', limits)?.message).toMatch(/ahead/);
    expect(collectedAtIssue('2026-12-05T11:00:00+02:00', limits)).toBeUndefined();
    expect(collectedAtIssue('not a date', limits)?.message).toMatch(/ISO 8601/);
  });

  it('finds deep nesting on the cheap pass too, which a payload without escapes takes', () => {
    expect(nestedDeeperThan({ deep: nested(MAX_PAYLOAD_DEPTH - 1) })).toBe(false);
    expect(nestedDeeperThan({ deep: nested(MAX_PAYLOAD_DEPTH) })).toBe(true);
    expect(nestedDeeperThan({ deep: nested(100_000) })).toBe(true);
    const deep = { collectedAt: new Date(NOW).toISOString(), data: { deep: nested(MAX_PAYLOAD_DEPTH) } };
    expect(payloadDoorIssues(deep, limits, { mayHoldEscapes: false })).toEqual([expect.objectContaining({ path: expect.stringMatching(/^data\.deep\.0/) })]);
    // The hint is trusted: strings are not looked at without escapes in the text.
    expect(payloadDoorIssues({ collectedAt: new Date(NOW).toISOString(), s: '\u0000' } as { collectedAt: string }, limits, { mayHoldEscapes: false })).toEqual([]);
  });

  it('puts the time issue first, then the values', () => {
    const issues = payloadDoorIssues({ collectedAt: '0001-01-01T00:00:00Z', data: { s: '\u0000' } } as { collectedAt: string }, limits);
    expect(issues.map((i) => i.path)).toEqual(['collectedAt', 'data.s']);
    expect(payloadDoorIssues({ collectedAt: new Date(NOW).toISOString() }, limits)).toEqual([]);
  });
});
