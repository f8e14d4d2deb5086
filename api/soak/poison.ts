// Poison payloads: valid by the schema, but each carries something the store cannot hold (issue 12, defect 1):
// a NUL character or a lone surrogate in the strings of `data`, `collectedAt` in year 0001, or a very deep nesting.
// A fixed server refuses them at the door (400 per line) or marks them `failed`; none may take other payloads down.

export const POISON_KINDS = ['nul', 'lone-surrogate', 'year-0001', 'deep-nesting'] as const;
export type PoisonKind = (typeof POISON_KINDS)[number];

/** As deep as the reproduction: JSON.parse takes it, a recursive walk of it overflows the stack. */
export const POISON_DEPTH = 100_000;
const DEEP_MARK = '"__soak_deep_nesting__"';

/** Every string value inside `value` (keys kept) passed through `change`. */
function mapStrings(value: unknown, change: (s: string) => string): unknown {
  if (typeof value === 'string') return change(value);
  if (Array.isArray(value)) return value.map((v) => mapStrings(v, change));
  if (value !== null && typeof value === 'object') {
    return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, mapStrings(v, change)]));
  }
  return value;
}

/**
 * The JSON line of `payload` turned into poison of `kind`. Every string of `data` is changed, not one, so that the
 * poison reaches a column whatever the normalization of its engine and category keeps.
 */
export function poisonLine(payload: Record<string, unknown>, kind: PoisonKind): string {
  const data = payload.data as Record<string, unknown>;
  switch (kind) {
    case 'nul':
      return JSON.stringify({ ...payload, data: mapStrings(data, (s) => `${s.slice(0, 1)}\u0000${s.slice(1)}`) });
    case 'lone-surrogate':
      // JSON.stringify writes a lone surrogate as the escape \ud800, which JSON.parse on the server turns back into one.
      return JSON.stringify({ ...payload, data: mapStrings(data, (s) => `${s}\ud800`) });
    case 'year-0001':
      return JSON.stringify({ ...payload, collectedAt: '0001-01-01T00:00:00.000Z' });
    case 'deep-nesting':
      // Written as text: JSON.stringify of such a value would overflow our own stack.
      return JSON.stringify({ ...payload, data: { ...data, nested: '__soak_deep_nesting__' } }).replace(
        DEEP_MARK,
        `${'['.repeat(POISON_DEPTH)}${']'.repeat(POISON_DEPTH)}`,
      );
  }
}
