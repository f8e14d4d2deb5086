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

/**
 * The time axis every chart of a page shares: the chosen range, but starting at the first value when the data is newer
 * than the range. A target (or statement) seen for two minutes otherwise drew its points into the last few pixels of a
 * one-hour axis, and its charts looked empty.
 */
export function shownWindow(range: { from: Date; to: Date }, charts: ReadonlyArray<readonly TimePoint[]>): { from: Date; to: Date } {
  // The first point holding a value: empty buckets (null everywhere) before the data do not count.
  const firstValued = (points: readonly TimePoint[]) => points.find((p) => Object.values(p.values).some((v) => v !== null && v !== undefined));
  const first = Math.min(...charts.map((points) => firstValued(points)?.ts.getTime() ?? Infinity));
  if (!Number.isFinite(first) || first <= range.from.getTime()) return range;
  // A point exactly on the left edge would be half clipped: start one hundredth of the shown span earlier.
  const pad = Math.max(1000, (range.to.getTime() - first) / 100);
  return { from: new Date(Math.max(range.from.getTime(), first - pad)), to: range.to };
}
