import { expect, it } from 'vitest';
import type { CounterSpec } from '../collectors/types';
import { diffSince } from './diff';

// pg_stat_statements' sum of squared execution times is derived as calls × (stddev² + mean²) from rounded values: it
// can step back by a rounding error while nothing was reset. That must not resend the statement's counters whole.
const specs: Record<string, CounterSpec> = { statements: { key: ['queryid'], counters: ['calls', 'total_exec_time', 'exec_time_sq'] } };

it('a fractional counter stepping back by a rounding error is no reset; a real reset still is', () => {
  const prev = { statements: [{ queryid: '1', calls: 1000, total_exec_time: 5000.5, exec_time_sq: 123456789.125 }] };
  const noisy = { statements: [{ queryid: '1', calls: 1001, total_exec_time: 5000.5000001, exec_time_sq: 123456789.12499 }] };
  const result = diffSince(prev, noisy, specs);
  expect(result.counterReset).toBe(false);
  const [row] = result.data.statements as Array<Record<string, number>>;
  expect(row?.calls).toBe(1);
  expect(row?.exec_time_sq).toBeCloseTo(-0.00001, 6);

  const reset = diffSince(prev, { statements: [{ queryid: '1', calls: 3, total_exec_time: 15, exec_time_sq: 75 }] }, specs);
  expect(reset.counterReset).toBe(true);
  expect(reset.data.statements).toEqual([{ queryid: '1', calls: 3, total_exec_time: 15, exec_time_sq: 75, counterReset: true }]);
});
