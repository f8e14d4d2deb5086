// Issue 14: axes read 95.37 MiB, 0.5 sessions, labels piled on each other at 7 d, and lines rose above the top tick.
// The axes are computed (src/lib/components/charts/ticks.ts); the browser test measures them as drawn.
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { timeAxis, timeLabel, valueAxis, type ChartUnit } from '../src/lib/components/charts/ticks';

const MiB = 1024 * 1024;

describe('value axes', () => {
  it('tick bytes in one binary unit with round numbers', () => {
    const a = valueAxis('bytes', 100 * MiB);
    expect(a.ticks.map(a.label)).toEqual(['0 MiB', '32 MiB', '64 MiB', '96 MiB', '128 MiB']);
    const small = valueAxis('bytes', 1.5 * MiB);
    expect(small.ticks.map(small.label)).toEqual(['0 MiB', '0.5 MiB', '1.0 MiB', '1.5 MiB']);
    const wal = valueAxis('bytesRate', 3.52 * MiB);
    expect(wal.ticks.map(wal.label)).toEqual(['0 MiB/s', '1 MiB/s', '2 MiB/s', '3 MiB/s', '4 MiB/s']);
    const kib = valueAxis('bytes', 0.3 * MiB);
    expect(kib.ticks.map(kib.label)).toEqual(['0 KiB', '128 KiB', '256 KiB', '384 KiB']);
    const gib = valueAxis('bytesRate', 5 * 1024 * MiB);
    expect(gib.ticks.map(gib.label)).toEqual(['0 GiB/s', '2 GiB/s', '4 GiB/s', '6 GiB/s']);
  });

  it('tick counts in whole numbers', () => {
    const a = valueAxis('count', 2.5);
    expect(a.ticks).toEqual([0, 1, 2, 3]);
    expect(a.ticks.map(a.label)).toEqual(['0', '1', '2', '3']);
  });

  it('tick rates, durations and shares in round steps of one unit', () => {
    const r = valueAxis('rate', 23);
    expect(r.ticks.map(r.label)).toEqual(['0/s', '10/s', '20/s', '30/s']);
    const k = valueAxis('rate', 23_000);
    expect(k.ticks.map(k.label)).toEqual(['0/s', '10K/s', '20K/s', '30K/s']);
    const s = valueAxis('seconds', 0.3);
    expect(s.ticks.map(s.label)).toEqual(['0 ms', '100 ms', '200 ms', '300 ms']);
    const ratio = valueAxis('ratio', 0.99);
    expect(ratio.ticks.map(ratio.label)).toEqual(['0 %', '25 %', '50 %', '75 %', '100 %']);
    const small = valueAxis('percent', 0.012);
    expect(small.ticks.map(small.label)).toEqual(['0 %', '0.005 %', '0.010 %', '0.015 %']);
  });

  const UNITS: ChartUnit[] = ['count', 'number', 'rate', 'perMinute', 'perHour', 'bytes', 'bytesRate', 'seconds', 'msRate', 'ratio', 'percent'];

  it('end on a tick at or above the largest value, from 0, with few ticks and labels that differ', () => {
    fc.assert(
      fc.property(fc.constantFrom(...UNITS), fc.double({ min: 0, max: 1e13, noNaN: true }), (unit, top) => {
        const value = unit === 'ratio' ? Math.min(top, 1) : top;
        const a = valueAxis(unit, value);
        expect(a.ticks[0]).toBe(0);
        expect(a.max).toBe(a.ticks.at(-1));
        expect(a.max).toBeGreaterThanOrEqual(value);
        expect(a.ticks.length).toBeGreaterThanOrEqual(2);
        expect(a.ticks.length).toBeLessThanOrEqual(9);
        const labels = a.ticks.map(a.label);
        expect(new Set(labels).size).toBe(labels.length);
        // One unit per axis: every label ends the same way.
        const unitOf = (l: string) => l.replace(/^[\d.,]+/, '').replace(/^[KMG]/, '');
        expect(new Set(labels.slice(1).map(unitOf)).size).toBe(1);
        if (unit === 'count') expect(a.ticks.every(Number.isInteger)).toBe(true);
      }),
      // The examples: found by a suite run (seed 1576725967), a top one ulp over a tick ended the axis below it.
      { numRuns: 500, examples: [['rate', 1.0000000000000002e-6], ['number', 0.30000000000000004]] },
    );
  });
});

describe('time axes', () => {
  const now = Date.UTC(2026, 11, 5, 16, 37, 12);
  const spans = { '1 h': 3_600_000, '6 h': 6 * 3_600_000, '24 h': 86_400_000, '7 d': 7 * 86_400_000, '30 d': 30 * 86_400_000, '90 s': 90_000 };

  it.each(Object.entries(spans))('at %s put round, readable ticks far enough apart for their labels', (_name, span) => {
    for (const width of [260, 330, 520, 900]) {
      const from = new Date(now - span);
      const a = timeAxis(from, new Date(now), width);
      expect(a.ticks.length, `${width}px`).toBeGreaterThanOrEqual(2);
      const xs = a.ticks.map((t) => ((t.getTime() - from.getTime()) / span) * width);
      for (let i = 1; i < xs.length; i++) expect(xs[i]! - xs[i - 1]!).toBeGreaterThanOrEqual(a.labelPx);
      for (const t of a.ticks) expect(a.label(t)).toMatch(/^(\d\d:\d\d(:\d\d)?|[A-Z][a-z]{2} \d{1,2})$/);
    }
  });

  it('labels hours and minutes within a day and the date at midnight or by the day', () => {
    expect(timeLabel(new Date(Date.UTC(2026, 11, 5, 14, 30)), 15 * 60_000)).toBe('14:30');
    expect(timeLabel(new Date(Date.UTC(2026, 11, 5)), 6 * 3_600_000)).toBe('Dec 5');
    expect(timeLabel(new Date(Date.UTC(2026, 11, 5, 14, 30, 15)), 15_000)).toBe('14:30:15');
    expect(timeLabel(new Date(Date.UTC(2026, 11, 4)), 86_400_000)).toBe('Dec 4');
  });

  it('leaves out a tick whose label would stick out past the chart', () => {
    const from = new Date(Date.UTC(2026, 11, 5, 12, 0, 30));
    const a = timeAxis(from, new Date(Date.UTC(2026, 11, 5, 13, 0, 0)), 300, { left: 0, right: 0 });
    // 12:15, 12:30, 12:45 fit; 13:00 sits on the right edge, half its label outside.
    expect(a.ticks.map(a.label)).not.toContain('13:00');
  });
});
