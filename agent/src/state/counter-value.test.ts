import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { counterAsDelta, counterDecreased, subtractCounter } from './counter-value';

/*
 * The counter arithmetic takes numbers without BigInt when both sides are safe integers. These are the functions as
 * they were before that (BigInt for every integer), as the reference: for any value a driver returns, the answers must
 * be the same, to the sign of zero and the type (number or decimal string).
 */
const INTEGER = /^-?\d+$/;
const DECIMAL = /^-?\d+(\.\d+)?(e[+-]?\d+)?$/i;
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
const fromBigInt = (v: bigint) => (v <= BigInt(Number.MAX_SAFE_INTEGER) && v >= BigInt(Number.MIN_SAFE_INTEGER) ? Number(v) : v.toString());
const reference = {
  subtract(current: unknown, previous: unknown): number | string | undefined {
    const a = asBigInt(current);
    const b = asBigInt(previous);
    if (a !== undefined && b !== undefined) return fromBigInt(a - b);
    const x = asNumber(current);
    const y = asNumber(previous);
    if (x === undefined || y === undefined) return undefined;
    return x - y;
  },
  decreased(current: unknown, previous: unknown): boolean {
    const a = asBigInt(current);
    const b = asBigInt(previous);
    if (a !== undefined && b !== undefined) return a < b;
    const x = asNumber(current);
    const y = asNumber(previous);
    return x !== undefined && y !== undefined && x < y - Math.abs(y) * 1e-9;
  },
  asDelta(current: unknown): number | string | null {
    const a = asBigInt(current);
    if (a !== undefined) return fromBigInt(a);
    const x = asNumber(current);
    return x === undefined ? null : x;
  },
};

const edge = [0, -0, 1, -1, 2 ** 53 - 1, -(2 ** 53 - 1), 2 ** 53, 2 ** 53 + 2, 2 ** 60, 0.5, -2.25, Number.NaN, Infinity];
/** What drivers hand the diff: numbers of every size, integer strings of 1 to 25 digits, decimals, nulls, bigints. */
const counter = fc.oneof(
  fc.constantFrom<unknown>(...edge, null, undefined, '', '-', '-0', '007', 'abc', '1.5', '1e3', 10n, 2n ** 70n),
  fc.integer(),
  fc.maxSafeInteger(),
  fc.double({ noNaN: true }),
  fc.bigInt({ min: -(2n ** 80n), max: 2n ** 80n }),
  fc.bigInt({ min: -(2n ** 80n), max: 2n ** 80n }).map(String),
  fc.bigInt({ min: 0n, max: 10n ** 16n }).map(String),
  fc.stringMatching(/^-?\d{1,18}$/),
);

describe('counter arithmetic', () => {
  it('answers as the BigInt reference does, for every pair of values', () => {
    fc.assert(
      fc.property(counter, counter, (current, previous) => {
        expect(Object.is(subtractCounter(current, previous), reference.subtract(current, previous))).toBe(true);
        expect(counterDecreased(current, previous)).toBe(reference.decreased(current, previous));
        expect(Object.is(counterAsDelta(current), reference.asDelta(current))).toBe(true);
      }),
      { numRuns: 5_000 },
    );
  });

  it('keeps the exact decimal string once a difference leaves the safe integers', () => {
    expect(subtractCounter(2 ** 53 - 1, -1)).toBe('9007199254740992');
    expect(subtractCounter('900719925474099', '-900719925474099')).toBe(1801439850948198);
    expect(subtractCounter('99999999999999999999', '1')).toBe('99999999999999999998');
    expect(Object.is(subtractCounter(-0, 0), 0)).toBe(true);
    expect(Object.is(counterAsDelta('-0'), 0)).toBe(true);
  });
});
