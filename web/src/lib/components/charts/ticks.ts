/**
 * The axes of a time-series chart, computed here rather than left to the chart library: value ticks that are round
 * numbers in one unit (0, 32, 64, 96, 128 MiB, never 95.37 MiB next to 1.2 GiB), whole numbers for counts, a domain
 * that ends on the last tick (so no line rises above the top label), and time ticks spaced for their labels at the
 * chart's width (so they never overlap, whatever the range).
 */
import { integerTicks } from './chart-config';

/** How a chart's values read. `ratio` is 0..1 shown as percent, `percent` is already 0..100. */
export type ChartUnit = 'count' | 'number' | 'rate' | 'perMinute' | 'perHour' | 'bytes' | 'bytesRate' | 'seconds' | 'msRate' | 'ratio' | 'percent';

export interface ValueAxis {
  ticks: number[];
  /** The domain's top: the last tick. */
  max: number;
  /** A tick's label, in the axis's one unit. */
  label: (v: number) => string;
}

const SUFFIX: Partial<Record<ChartUnit, string>> = { rate: '/s', perMinute: '/min', perHour: '/h', bytesRate: '/s', msRate: ' ms/s', percent: ' %' };

/** The smallest of 1, 2, 2.5, 5 × 10^k at or above `raw`. */
function niceStep(raw: number): number {
  const magnitude = 10 ** Math.floor(Math.log10(raw));
  for (const m of [1, 2, 2.5, 5, 10]) if (m * magnitude >= raw * (1 - 1e-9)) return m * magnitude;
  return 10 * magnitude;
}

/** Ticks from 0 by `step` up to the first at or above `top`. */
function ticksUpTo(top: number, step: number): number[] {
  const n = Math.max(1, Math.ceil(top / step - 1e-9));
  // Multiplied, not summed: 0.1 + 0.2 drifts, 3 × 0.1 rounds as the label does.
  const ticks = Array.from({ length: n + 1 }, (_, i) => Number((i * step).toPrecision(12)));
  // A top a billionth over a tick (0.30000000000000004, 1.0000000000000002e-6) ends on that tick, not one step
  // further, and the tick is raised to it so the domain still holds the value (same label).
  ticks[n] = Math.max(ticks[n]!, top);
  return ticks;
}

/** Decimal places that show `step` exactly (2.5 → 1, 0.25 → 2, 50 → 0). */
function decimalsOf(step: number): number {
  // Relative to the step: an absolute tolerance took 2.5e-7 for a whole number and labelled every tick "0".
  for (let d = 0; d < 10; d++) if (Math.abs(Math.round(step * 10 ** d) - step * 10 ** d) < 1e-6 * step * 10 ** d) return d;
  return 10;
}

function fixed(v: number, decimals: number): string {
  return v.toLocaleString('en', { minimumFractionDigits: decimals, maximumFractionDigits: decimals });
}

/** Round decimal ticks in one scale (units, K, M, G) with one number of decimals. */
function decimalAxis(top: number, target: number, suffix: string): ValueAxis {
  const step = niceStep(top / target);
  const ticks = ticksUpTo(top, step);
  const max = ticks.at(-1)!;
  const [div, prefix] = max >= 1e9 ? [1e9, 'G'] : max >= 1e6 ? [1e6, 'M'] : max >= 1e4 ? [1e3, 'K'] : [1, ''];
  const decimals = decimalsOf(step / div);
  return { ticks, max, label: (v) => (v === 0 ? `0${suffix}` : `${fixed(v / div, decimals)}${prefix}${suffix}`) };
}

const BYTE_UNITS = ['B', 'KiB', 'MiB', 'GiB', 'TiB', 'PiB'] as const;

/** Power-of-two ticks in one binary unit: 0, 32, 64, 96, 128 MiB; 0, 1, 2, 3, 4 MiB/s; 0, 0.5, 1, 1.5 GiB. */
function bytesAxis(top: number, target: number, suffix: string): ValueAxis {
  let k = Math.max(0, Math.min(BYTE_UNITS.length - 1, Math.floor(Math.log2(Math.max(1, top)) / 10)));
  let raw = top / 1024 ** k / target;
  // A step under a quarter of the unit (0.3 MiB in 4 steps): the unit below reads in whole numbers (0, 128, 256 KiB).
  if (raw < 0.25 && k > 0) {
    k -= 1;
    raw *= 1024;
  }
  const unit = 1024 ** k;
  // Halves and quarters of a unit when the range is a few units wide (1.5 MiB: 0, 0.5, 1, 1.5), never less than a byte.
  const step = 2 ** Math.max(k > 0 ? -2 : 0, Math.ceil(Math.log2(raw) - 1e-9));
  const ticks = ticksUpTo(top / unit, step).map((t) => t * unit);
  const decimals = decimalsOf(step);
  return { ticks, max: ticks.at(-1)!, label: (v) => (v === 0 ? `0 ${BYTE_UNITS[k]}${suffix}` : `${fixed(v / unit, decimals)} ${BYTE_UNITS[k]}${suffix}`) };
}

/** Durations in the one unit that suits the top: ms, s, min or h. */
function secondsAxis(top: number, target: number): ValueAxis {
  const [div, name] = top < 1 ? [0.001, 'ms'] : top < 120 ? [1, 's'] : top < 7200 ? [60, 'min'] : [3600, 'h'];
  const inner = decimalAxis(top / div, target, ` ${name}`);
  return { ticks: inner.ticks.map((t) => t * div), max: inner.max * div, label: (v) => inner.label(v / div) };
}

/**
 * The value axis of a chart whose largest value (stacked: the largest sum; with a reference line: at least it) is `top`.
 * Values below zero do not occur in these charts (levels, rates of counters), so the axis starts at 0.
 */
export function valueAxis(unit: ChartUnit, top: number, target = 4): ValueAxis {
  // Below a millionth nothing is readable (and 10^-324 is no step): such an axis reads as zero.
  const t = Number.isFinite(top) && top > 1e-6 ? top : 0;
  const suffix = SUFFIX[unit] ?? '';
  switch (unit) {
    case 'count': {
      const ticks = integerTicks(t, target);
      return { ticks, max: ticks.at(-1)!, label: (v) => fixed(v, 0) };
    }
    case 'bytes':
    case 'bytesRate':
      return bytesAxis(Math.max(t, 1), target, suffix);
    case 'seconds':
      return secondsAxis(t > 0 ? t : 1, target);
    case 'ratio': {
      // A share: percent ticks, 0 to 100 % at most (a cache hit ratio of 99 % is near the top, as it should look).
      const inner = decimalAxis(Math.min(100, t > 0 ? t * 100 : 100), target, ' %');
      return { ticks: inner.ticks.map((x) => x / 100), max: inner.max / 100, label: (v) => inner.label(v * 100) };
    }
    default:
      return decimalAxis(t > 0 ? t : 1, target, suffix);
  }
}

const MINUTE = 60_000;
const HOUR = 60 * MINUTE;
const DAY = 24 * HOUR;
/** Tick intervals a reader counts in, finest first. */
const INTERVALS = [10_000, 15_000, 30_000, MINUTE, 2 * MINUTE, 5 * MINUTE, 10 * MINUTE, 15 * MINUTE, 30 * MINUTE, HOUR, 2 * HOUR, 3 * HOUR, 6 * HOUR, 12 * HOUR, DAY, 2 * DAY, 7 * DAY];
const MONTHS = ['Jan', 'Feb', 'Mar', 'Apr', 'May', 'Jun', 'Jul', 'Aug', 'Sep', 'Oct', 'Nov', 'Dec'];

/** Width in pixels a label of that many characters takes at the axis's 10–11 px font, with room between labels. */
const CHAR_PX = 7;
const GAP_PX = 14;

export interface TimeAxis {
  ticks: Date[];
  label: (d: Date) => string;
  /** Pixels one label may take (for keeping the edge labels inside the chart). */
  labelPx: number;
}

const pad = (n: number) => String(n).padStart(2, '0');
const dayLabel = (d: Date) => `${MONTHS[d.getUTCMonth()]} ${d.getUTCDate()}`;

/** The label of a tick at that interval, in UTC as every time on the pages: 14:05:30, 14:05, or Dec 5 at midnight. */
export function timeLabel(d: Date, interval: number): string {
  if (interval >= DAY || (d.getTime() % DAY === 0 && interval >= MINUTE)) return dayLabel(d);
  const hm = `${pad(d.getUTCHours())}:${pad(d.getUTCMinutes())}`;
  return interval < MINUTE ? `${hm}:${pad(d.getUTCSeconds())}` : hm;
}

/**
 * Time ticks on round UTC instants (every 15 min, 6 h, a day…), as many as fit in a plot `widthPx` wide without their
 * labels touching. A tick whose label would stick out past the chart's ends (the plot has `room` pixels beside it on
 * each side) is left out rather than clipped.
 */
export function timeAxis(from: Date, to: Date, widthPx: number, room: { left: number; right: number } = { left: 0, right: 0 }): TimeAxis {
  const span = Math.max(1, to.getTime() - from.getTime());
  const px = Math.max(1, widthPx);
  for (const interval of INTERVALS) {
    const labelPx = (interval < MINUTE ? 8 : 6) * CHAR_PX;
    if ((interval / span) * px < labelPx + GAP_PX) continue;
    const ticks: Date[] = [];
    for (let t = Math.ceil(from.getTime() / interval) * interval; t <= to.getTime(); t += interval) {
      const x = ((t - from.getTime()) / span) * px;
      if (x + room.left >= labelPx / 2 && px - x + room.right >= labelPx / 2) ticks.push(new Date(t));
    }
    return { ticks, label: (d) => timeLabel(d, interval), labelPx };
  }
  // Narrower than one label per range: none rather than a pile.
  return { ticks: [], label: dayLabel, labelPx: 6 * CHAR_PX };
}
