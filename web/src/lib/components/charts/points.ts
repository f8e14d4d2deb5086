import type { TimePoint } from './chart-config';

/** Merges named series of `{ ts, value }` into chart points, one per distinct time (missing values are null). */
export function mergeSeries(series: Record<string, Array<{ ts: string | Date; value: number | null }>>): TimePoint[] {
  const byTime = new Map<number, Record<string, number | null>>();
  for (const [key, points] of Object.entries(series)) {
    for (const p of points) {
      const t = new Date(p.ts).getTime();
      const row = byTime.get(t) ?? {};
      row[key] = p.value;
      byTime.set(t, row);
    }
  }
  return [...byTime.entries()].sort((a, b) => a[0] - b[0]).map(([t, values]) => ({ ts: new Date(t), values }));
}
