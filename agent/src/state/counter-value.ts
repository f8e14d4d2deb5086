/**
 * Counter arithmetic over the types drivers return: numbers, and integer strings (node-postgres returns bigint and
 * numeric as strings; MySQL's status values are strings too). Integer strings are subtracted as BigInt so values
 * beyond 2^53 (bytes read, WAL bytes) stay exact, and the delta goes back to a number when it fits.
 */
export type CounterValue = number | string | bigint;

const INTEGER = /^-?\d+$/;
const DECIMAL = /^-?\d+(\.\d+)?(e[+-]?\d+)?$/i;

/**
 * A counter that is exactly a safe integer, as a number: a safe-integer number, or an integer string of at most 15
 * digits (below 2^53). The common case, taken without BigInt: counters are subtracted a few hundred thousand times a
 * minute (every digest, statement, status and INFO row), and each BigInt is an allocation. Undefined when the exact
 * BigInt arithmetic below is needed (or the value is no integer).
 */
function asSafeInteger(value: unknown): number | undefined {
  if (typeof value === 'number') return Number.isSafeInteger(value) ? value : undefined;
  if (typeof value === 'string' && value.length <= 15 && value.length > 0 && INTEGER.test(value)) return Number(value);
  return undefined;
}

/** current - previous, or undefined when either is not a number (null, missing, text). */
export function subtractCounter(current: unknown, previous: unknown): number | string | undefined {
  const i = asSafeInteger(current);
  const j = i === undefined ? undefined : asSafeInteger(previous);
  if (i !== undefined && j !== undefined) {
    // Exact whenever the result is a safe integer (then it is what the BigInt path returns; + 0 turns -0 into 0 as it
    // does). Otherwise the exact difference is at least 2^53 in size: the BigInt path writes it as a string.
    const delta = i - j;
    if (Number.isSafeInteger(delta)) return delta + 0;
  }
  const a = asBigInt(current);
  const b = asBigInt(previous);
  if (a !== undefined && b !== undefined) return fromBigInt(a - b);
  const x = asNumber(current);
  const y = asNumber(previous);
  if (x === undefined || y === undefined) return undefined;
  return x - y;
}

/**
 * True when the counter went backwards: the server restarted or its statistics were reset. A fractional counter
 * derived by the server from rounded values (pg_stat_statements' sum of squared times, calls × (stddev² + mean²)) may
 * step back by a rounding error while nothing was reset: a step within a billionth of its value is not a reset, or the
 * statement's every counter would be sent whole again.
 */
export function counterDecreased(current: unknown, previous: unknown): boolean {
  const i = asSafeInteger(current);
  const j = i === undefined ? undefined : asSafeInteger(previous);
  // Safe integers compare exactly as numbers.
  if (i !== undefined && j !== undefined) return i < j;
  const a = asBigInt(current);
  const b = asBigInt(previous);
  if (a !== undefined && b !== undefined) return a < b;
  const x = asNumber(current);
  const y = asNumber(previous);
  return x !== undefined && y !== undefined && x < y - Math.abs(y) * ROUNDING;
}

/** The relative step a fractional counter may go back by through rounding alone. */
const ROUNDING = 1e-9;

/** A counter's own value as a delta (after a reset, everything counted since the restart). */
export function counterAsDelta(current: unknown): number | string | null {
  const i = asSafeInteger(current);
  if (i !== undefined) return i + 0;
  const a = asBigInt(current);
  if (a !== undefined) return fromBigInt(a);
  const x = asNumber(current);
  return x === undefined ? null : x;
}

function asBigInt(value: unknown): bigint | undefined {
  if (typeof value === 'bigint') return value;
  if (typeof value === 'number' && Number.isSafeInteger(value)) return BigInt(value);
  if (typeof value === 'string' && INTEGER.test(value)) return BigInt(value);
  return undefined;
}

function asNumber(value: unknown): number | undefined {
  if (typeof value === 'number' && Number.isFinite(value)) return value;
  if (typeof value === 'string' && DECIMAL.test(value)) return Number(value);
  if (typeof value === 'bigint') return Number(value);
  return undefined;
}

/** JSON has no bigint: a delta beyond 2^53 travels as a decimal string rather than losing precision. */
const MAX_SAFE = BigInt(Number.MAX_SAFE_INTEGER);
const MIN_SAFE = BigInt(Number.MIN_SAFE_INTEGER);
function fromBigInt(value: bigint): number | string {
  return value <= MAX_SAFE && value >= MIN_SAFE ? Number(value) : value.toString();
}
