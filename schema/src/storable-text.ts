/**
 * Text PostgreSQL can hold. Its `text` and `jsonb` refuse U+0000, and a lone UTF-16 surrogate has no UTF-8 encoding
 * (JSON carries it as `\ud800`, which jsonb refuses too), so a payload holding either anywhere, a key included, could
 * be accepted and then never stored. The server refuses such payloads; the agent replaces both with U+FFFD.
 */

/** A string that may hold NUL or a surrogate: one cheap test, true for almost no real string. */
// eslint-disable-next-line no-control-regex -- NUL is exactly what this looks for
const SUSPECT = /[\u0000\ud800-\udfff]/;

export type UnstorableKind = 'nul' | 'lone-surrogate';

/** The first code unit of `s` the store cannot hold (NUL or a lone surrogate), or undefined when there is none. */
export function firstUnstorable(s: string): { index: number; kind: UnstorableKind; codeUnit: number } | undefined {
  if (!SUSPECT.test(s)) return undefined;
  for (let i = 0; i < s.length; i++) {
    const c = s.charCodeAt(i);
    if (c === 0) return { index: i, kind: 'nul', codeUnit: c };
    if (c >= 0xd800 && c <= 0xdbff) {
      const next = s.charCodeAt(i + 1);
      if (next >= 0xdc00 && next <= 0xdfff) {
        i++;
        continue;
      }
      return { index: i, kind: 'lone-surrogate', codeUnit: c };
    }
    if (c >= 0xdc00 && c <= 0xdfff) return { index: i, kind: 'lone-surrogate', codeUnit: c };
  }
  return undefined;
}

const hex4 = (c: number) => `U+${c.toString(16).toUpperCase().padStart(4, '0')}`;

/** What is wrong with `s` in words, or undefined when the store can hold it. */
export function unstorableTextMessage(s: string): string | undefined {
  const bad = firstUnstorable(s);
  if (!bad) return undefined;
  const what = bad.kind === 'nul' ? 'a NUL character (U+0000)' : `a lone UTF-16 surrogate (${hex4(bad.codeUnit)})`;
  return `contains ${what} at offset ${bad.index}; expected text without NUL and with well-formed surrogate pairs`;
}

/** `s` with each NUL and lone surrogate replaced by U+FFFD (the same length in code units); `s` itself when clean. */
export function storableText(s: string): string {
  if (firstUnstorable(s) === undefined) return s;
  let out = '';
  for (let i = 0; i < s.length; i++) {
    const c = s.charCodeAt(i);
    if (c >= 0xd800 && c <= 0xdbff) {
      const next = s.charCodeAt(i + 1);
      if (next >= 0xdc00 && next <= 0xdfff) {
        out += s[i]! + s[i + 1]!;
        i++;
      } else out += '\ufffd';
    } else out += c === 0 || (c >= 0xdc00 && c <= 0xdfff) ? '\ufffd' : s[i]!;
  }
  return out;
}

/**
 * A copy of a JSON value with storableText applied to every string and key; the value itself when nothing needed it.
 * Recursive: meant for what the agent builds, whose depth its collectors bound (the server's check is iterative).
 */
export function withStorableText<T>(value: T): T {
  if (typeof value === 'string') return storableText(value) as T;
  if (value === null || typeof value !== 'object') return value;
  if (Array.isArray(value)) {
    let copy: unknown[] | undefined;
    for (let i = 0; i < value.length; i++) {
      const v = withStorableText(value[i] as unknown);
      if (v !== value[i]) (copy ??= value.slice())[i] = v;
    }
    return (copy ?? value) as T;
  }
  let changed = false;
  const entries: Array<[string, unknown]> = [];
  for (const [k, v] of Object.entries(value)) {
    const key = storableText(k);
    const next = withStorableText(v);
    if (key !== k || next !== v) changed = true;
    entries.push([key, next]);
  }
  return changed ? (Object.fromEntries(entries) as T) : value;
}
