import type { WaitBuckets } from '$lib/api';

/**
 * Buckets per range: fine enough that a lock wait starting shows as a step (30 s buckets at 1 h, 3 min at 6 h), not
 * as a ramp across a fifth of the chart (12 buckets of 5 min did that). The API allows 500; one SQL statement either way.
 */
export const WAIT_BUCKETS = 120;
const TOP = 6;

/** The bucket width (whole seconds, at least the API's 10) that cuts the range into about `n` buckets. */
export function waitStep(from: Date, to: Date, n = WAIT_BUCKETS): number {
  return Math.max(10, Math.ceil((to.getTime() - from.getTime()) / 1000 / n));
}

const keyOf = (w: { waitType: string; wait: string }) => (w.waitType === 'CPU' ? 'CPU' : `${w.waitType}: ${w.wait}`);

/**
 * Average sessions waiting on each event per bucket (samples / snapshots), drawn at each bucket's end, the top events
 * by total and the rest summed as "other", ready for a stacked chart. A bucket without a snapshot is a gap (null), not
 * zero waits: nothing was observed then.
 */
export function waitSeries(breakdown: WaitBuckets): { keys: string[]; series: Record<string, Array<{ ts: Date; value: number | null }>> } {
  const totals = new Map<string, number>();
  for (const b of breakdown.buckets) for (const w of b.waits) totals.set(keyOf(w), (totals.get(keyOf(w)) ?? 0) + w.samples);
  const top = [...totals.entries()].sort((a, b) => b[1] - a[1]).slice(0, TOP).map(([k]) => k);
  const keys = totals.size > top.length ? [...top, 'other'] : top;
  const series: Record<string, Array<{ ts: Date; value: number | null }>> = Object.fromEntries(keys.map((k) => [k, []]));
  for (const b of breakdown.buckets) {
    if (b.snapshots === 0) {
      for (const k of keys) series[k]?.push({ ts: new Date(b.to), value: null });
      continue;
    }
    const n = b.snapshots;
    const sums: Record<string, number> = Object.fromEntries(keys.map((k) => [k, 0]));
    for (const w of b.waits) {
      const k = top.includes(keyOf(w)) ? keyOf(w) : 'other';
      sums[k] = (sums[k] ?? 0) + w.samples;
    }
    for (const k of keys) series[k]?.push({ ts: new Date(b.to), value: (sums[k] ?? 0) / n });
  }
  return { keys, series };
}
