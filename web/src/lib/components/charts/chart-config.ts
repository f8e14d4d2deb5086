/** What each series of a chart is called, its colour and how its values read (as shadcn-svelte's ChartConfig). */
export type ChartConfig = Record<string, { label: string; color: string }>;

/** One instant of a time-series chart: the time and one value per series key (null where the series has no point). */
export interface TimePoint {
  ts: Date;
  values: Record<string, number | null>;
}

export type ValueFormat = (value: number) => string;

/** Colour-blind-safe palette (Okabe–Ito), in the order series get them. */
export const PALETTE = ['#0072B2', '#D55E00', '#009E73', '#CC79A7', '#E69F00', '#56B4E9', '#6b6b6b', '#F0E442'] as const;

export function configFor(keys: readonly string[], labels: Record<string, string> = {}): ChartConfig {
  return Object.fromEntries(keys.map((k, i) => [k, { label: labels[k] ?? k, color: PALETTE[i % PALETTE.length] ?? '#333' }]));
}

/** The point nearest to `ts` (points sorted by time). */
export function nearestPoint(points: readonly TimePoint[], ts: Date): TimePoint | undefined {
  let lo = 0;
  let hi = points.length - 1;
  if (hi < 0) return undefined;
  const t = ts.getTime();
  while (lo < hi) {
    const mid = (lo + hi) >> 1;
    if ((points[mid]?.ts.getTime() ?? 0) < t) lo = mid + 1;
    else hi = mid;
  }
  const a = points[lo];
  const b = points[lo - 1];
  if (!b || !a) return a ?? b;
  return Math.abs(a.ts.getTime() - t) < Math.abs(b.ts.getTime() - t) ? a : b;
}
