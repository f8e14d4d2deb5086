/**
 * Turns driver results into JSON-safe values for the payload. BSON types have no JSON form of their own: Longs that fit
 * become numbers (counters past 2^53 are kept as decimal strings rather than silently rounded), Timestamps become
 * `{t, i}` (an optime), dates ISO strings, ObjectIds hex, binary data only its length (UUIDs of sessions are not useful
 * and could identify a client).
 */
export function toPlain(value: unknown, depth = 16): unknown {
  if (value === null || value === undefined) return value ?? null;
  if (typeof value === 'bigint') return Number.isSafeInteger(Number(value)) ? Number(value) : value.toString();
  if (typeof value !== 'object') return value;
  if (value instanceof Date) return Number.isNaN(value.getTime()) ? null : value.toISOString();
  if (depth <= 0) return null;
  if (Array.isArray(value)) return value.map((v) => toPlain(v, depth - 1));
  const bsonType = (value as { _bsontype?: unknown })._bsontype;
  if (typeof bsonType === 'string') return bsonToPlain(bsonType, value);
  const out: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(value)) out[k] = toPlain(v, depth - 1);
  return out;
}

function bsonToPlain(type: string, value: object): unknown {
  switch (type) {
    case 'Timestamp': {
      const ts = value as { t?: number; i?: number; high?: number; low?: number };
      return { t: ts.t ?? ts.high ?? 0, i: ts.i ?? ts.low ?? 0 };
    }
    case 'Long': {
      const n = (value as { toNumber(): number }).toNumber();
      return Number.isSafeInteger(n) ? n : value.toString();
    }
    case 'Int32':
    case 'Double':
      return (value as { valueOf(): number }).valueOf();
    case 'ObjectId':
      return (value as { toHexString(): string }).toHexString();
    case 'Decimal128':
      return value.toString();
    case 'Binary':
      return { binaryLength: (value as { length(): number }).length() };
    default:
      return String(type);
  }
}

/** A number from a BSON numeric (number, Long, Int32, Double, bigint); `null` when absent or not numeric. */
export function num(value: unknown): number | null {
  if (typeof value === 'number') return Number.isFinite(value) ? value : null;
  if (typeof value === 'bigint') return Number(value);
  if (value && typeof value === 'object') {
    const type = (value as { _bsontype?: unknown })._bsontype;
    if (type === 'Long' || type === 'Timestamp') return (value as { toNumber(): number }).toNumber();
    if (type === 'Int32' || type === 'Double') return (value as { valueOf(): number }).valueOf();
  }
  return null;
}

/** Seconds since the epoch of an optime's Timestamp (`{ts: Timestamp}` or the Timestamp itself) or a Date. */
export function optimeSeconds(value: unknown): number | null {
  if (value instanceof Date) return value.getTime() / 1000;
  if (!value || typeof value !== 'object') return null;
  const v = value as { _bsontype?: unknown; t?: unknown; high?: unknown; ts?: unknown };
  if (v._bsontype === 'Timestamp') return typeof v.t === 'number' ? v.t : typeof v.high === 'number' ? v.high : null;
  if ('ts' in v) return optimeSeconds(v.ts);
  return null;
}

export function asRecord(value: unknown): Record<string, unknown> {
  return value && typeof value === 'object' && !Array.isArray(value) ? (value as Record<string, unknown>) : {};
}
