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

/** The index of the point nearest to `ts` (points sorted by time), -1 when there is none. */
export function nearestIndex(points: readonly TimePoint[], ts: Date): number {
  let lo = 0;
  let hi = points.length - 1;
  if (hi < 0) return -1;
  const t = ts.getTime();
  while (lo < hi) {
    const mid = (lo + hi) >> 1;
    if ((points[mid]?.ts.getTime() ?? 0) < t) lo = mid + 1;
    else hi = mid;
  }
  const a = points[lo];
  const b = points[lo - 1];
  if (!b || !a) return lo;
  return Math.abs(a.ts.getTime() - t) < Math.abs(b.ts.getTime() - t) ? lo : lo - 1;
}

/**
 * Where a key moves the crosshair among a chart's points: arrows one point, Page Up/Down a tenth of them, Home/End to
 * the ends. From no crosshair every key starts at the latest point. undefined: the key is not ours.
 */
export function steppedIndex(key: string, current: number, count: number): number | undefined {
  if (count === 0) return undefined;
  const last = count - 1;
  const page = Math.max(1, Math.round(count / 10));
  const from = current < 0 ? last : current;
  const moved: Record<string, number> = {
    ArrowLeft: current < 0 ? last : from - 1,
    ArrowRight: current < 0 ? last : from + 1,
    PageUp: from - page,
    PageDown: from + page,
    Home: 0,
    End: last,
  };
  const to = moved[key];
  return to === undefined ? undefined : Math.min(last, Math.max(0, to));
}

/**
 * The value axis of a count (sessions, connections): whole ticks from 0, about `target` of them, and the domain ending
 * on the last, so the line never rises above the top tick and no tick reads "0.5 sessions".
 */
export function integerTicks(top: number, target = 4): number[] {
  const max = Math.max(1, Math.ceil(top));
  const raw = max / target;
  const magnitude = 10 ** Math.floor(Math.log10(Math.max(1, raw)));
  const step = Math.max(1, [1, 2, 5, 10].map((m) => m * magnitude).find((s) => s >= raw) ?? 10 * magnitude);
  const ticks: number[] = [];
  for (let t = 0; t < max + step; t += step) {
    ticks.push(t);
    if (t >= max) break;
  }
  return ticks;
}

/**
 * The newest value of each series and when the newest of them was taken. Series are collected at different
 * intervals (connections every 10 s, MariaDB's threads every minute): the last bucket holds only some of them, and the
 * others are their own last value, not "no value".
 */
export function latestValues(points: readonly TimePoint[], keys: readonly string[]): TimePoint | undefined {
  if (points.length === 0) return undefined;
  const values: Record<string, number | null> = {};
  let ts: Date | undefined;
  for (const key of keys) {
    for (let i = points.length - 1; i >= 0; i -= 1) {
      const p = points[i]!;
      const v = p.values[key];
      if (v === null || v === undefined) continue;
      values[key] = v;
      if (!ts || p.ts > ts) ts = p.ts;
      break;
    }
  }
  return { ts: ts ?? points.at(-1)!.ts, values };
}
