import type { WaitBreakdown } from '$lib/api';

export const WAIT_BUCKETS = 12;
const TOP = 6;

/** The range cut into equal buckets: the waits API sums a range, so the chart asks once per bucket. */
export function buckets(from: Date, to: Date, n = WAIT_BUCKETS): Array<{ from: Date; to: Date }> {
  const width = (to.getTime() - from.getTime()) / n;
  return Array.from({ length: n }, (_, i) => ({ from: new Date(from.getTime() + i * width), to: new Date(from.getTime() + (i + 1) * width) }));
}

const keyOf = (w: { waitType: string; wait: string }) => (w.waitType === 'CPU' ? 'CPU' : `${w.waitType}: ${w.wait}`);

/**
 * Average sessions waiting on each event per bucket (samples / snapshots), the top events by total and the rest
 * summed as "other", ready for a stacked chart.
 */
export function waitSeries(parts: Array<{ at: Date; breakdown: WaitBreakdown }>): { keys: string[]; series: Record<string, Array<{ ts: Date; value: number }>> } {
  const totals = new Map<string, number>();
  for (const p of parts) for (const w of p.breakdown.waits) totals.set(keyOf(w), (totals.get(keyOf(w)) ?? 0) + w.samples);
  const top = [...totals.entries()].sort((a, b) => b[1] - a[1]).slice(0, TOP).map(([k]) => k);
  const keys = totals.size > top.length ? [...top, 'other'] : top;
  const series: Record<string, Array<{ ts: Date; value: number }>> = Object.fromEntries(keys.map((k) => [k, []]));
  for (const p of parts) {
    const n = Math.max(1, p.breakdown.snapshots);
    const sums: Record<string, number> = Object.fromEntries(keys.map((k) => [k, 0]));
    for (const w of p.breakdown.waits) {
      const k = top.includes(keyOf(w)) ? keyOf(w) : 'other';
      sums[k] = (sums[k] ?? 0) + w.samples;
    }
    for (const k of keys) series[k]?.push({ ts: p.at, value: (sums[k] ?? 0) / n });
  }
  return { keys, series };
}
