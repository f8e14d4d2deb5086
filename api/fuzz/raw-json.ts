// JSON documents that may hold what JSON.stringify cannot write: number literals beyond a double, raw control bytes,
// invalid or overlong UTF-8, nesting 100,000 deep. Generated cases stay plain data (fast-check prints them as the counterexample); the
// bytes are produced only when a case is sent.

/** Raw bytes spliced into the JSON text where the token stands: text parts as UTF-8, `{ hex }` parts as they are. */
export interface RawToken {
  $raw: Array<string | { hex: string }>;
}

/** A string of `times` copies of `unit`, described rather than held, so a counterexample stays printable. */
export interface RepeatToken {
  $repeat: { unit: string; times: number };
}

export function isRawToken(v: unknown): v is RawToken {
  return typeof v === 'object' && v !== null && Array.isArray((v as RawToken).$raw);
}

/** Arrays or objects nested `depth` deep around the number 1, written as text (JSON.stringify would recurse). */
export interface DeepToken {
  $deep: { depth: number; shape: 'array' | 'object' };
}

function isRepeatToken(v: unknown): v is RepeatToken {
  return typeof v === 'object' && v !== null && typeof (v as RepeatToken).$repeat === 'object';
}

function isDeepToken(v: unknown): v is DeepToken {
  return typeof v === 'object' && v !== null && typeof (v as DeepToken).$deep === 'object';
}

function deepText({ depth, shape }: DeepToken['$deep']): string {
  return shape === 'array' ? `${'['.repeat(depth)}1${']'.repeat(depth)}` : `${'{"a":'.repeat(depth)}1${'}'.repeat(depth)}`;
}

export function rawBytes(token: RawToken): Buffer {
  return Buffer.concat(token.$raw.map((p) => (typeof p === 'string' ? Buffer.from(p, 'utf8') : Buffer.from(p.hex, 'hex'))));
}

const PLACEHOLDER = /"@@raw:(\d+)@@"/g;

/**
 * The JSON bytes of a value whose tree may hold raw and repeat tokens. Raw tokens replace their whole JSON value
 * (quotes included), so `{ $raw: ['"a', { hex: 'c080' }, 'b"'] }` writes a string with an overlong NUL inside.
 */
export function renderJson(value: unknown): Buffer {
  const raws: RawToken[] = [];
  const text = JSON.stringify(value, (_key, v: unknown) => {
    if (isRawToken(v)) {
      raws.push(v);
      return `@@raw:${raws.length - 1}@@`;
    }
    if (isDeepToken(v)) {
      raws.push({ $raw: [deepText(v.$deep)] });
      return `@@raw:${raws.length - 1}@@`;
    }
    if (isRepeatToken(v)) return v.$repeat.unit.repeat(v.$repeat.times);
    return v;
  });
  if (text === undefined) return Buffer.alloc(0);
  if (raws.length === 0) return Buffer.from(text, 'utf8');
  const parts: Buffer[] = [];
  let last = 0;
  for (const m of text.matchAll(PLACEHOLDER)) {
    parts.push(Buffer.from(text.slice(last, m.index), 'utf8'), rawBytes(raws[Number(m[1])]!));
    last = m.index + m[0].length;
  }
  parts.push(Buffer.from(text.slice(last), 'utf8'));
  return Buffer.concat(parts);
}
