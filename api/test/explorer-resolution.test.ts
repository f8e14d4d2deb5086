import { describe, expect, it } from 'vitest';
import { chooseResolution, effectiveStep } from '../src/explorer/databases.service';

const HOUR = 3_600_000;
const now = Date.parse('2026-11-25T12:00:00Z');
const ago = (ms: number) => new Date(now - ms);

describe('series resolution', () => {
  it('serves an hour from raw points and a day from minute rollups', () => {
    expect(chooseResolution(ago(HOUR), effectiveStep(ago(HOUR), new Date(now), undefined), now)).toBe('raw');
    expect(chooseResolution(ago(24 * HOUR), effectiveStep(ago(24 * HOUR), new Date(now), undefined), now)).toBe('1m');
  });

  it('serves ranges beyond three days from hour rollups even when a finer step is asked', () => {
    const from = ago(7 * 24 * HOUR);
    const step = effectiveStep(from, new Date(now), 1800);
    expect(step).toBe(3600);
    expect(chooseResolution(from, step, now)).toBe('1h');
    // Three days exactly still gets the step it asked for.
    expect(effectiveStep(ago(3 * 24 * HOUR), new Date(now), 1800)).toBe(1800);
  });
});
