// What a page's charts look like as drawn: boxes of the card, the svg, the axis labels and the series, measured in the
// browser, and the checks issue 14 asked for (round ticks in one unit, whole ticks for counts, labels that do not
// overlap, no line above the top tick, nothing outside the card).
import { expect } from 'vitest';
import type { Page } from 'playwright-core';

export interface Box {
  x: number;
  y: number;
  width: number;
  height: number;
}

export interface Label {
  text: string;
  box: Box;
}

export interface ChartGeometry {
  title: string;
  unit: string;
  points: number;
  card: Box;
  svg: Box | null;
  svgOverflow: string | null;
  yLabels: Label[];
  xLabels: Label[];
  /** The y of the highest grid line: the top tick. */
  topGridY: number | null;
  series: Box[];
}

// A string, not a function: a transpiler's helpers (keepNames' __name) would be missing in the page.
const MEASURE = `(() => {
  const box = (e) => { const r = e.getBoundingClientRect(); return { x: r.x, y: r.y, width: r.width, height: r.height }; };
  return Array.from(document.querySelectorAll('figure.chart')).map((fig) => {
    const svg = fig.querySelector('svg.lc-layout-svg');
    const labels = (sel) => Array.from(fig.querySelectorAll(sel)).map((t) => ({ text: (t.textContent || '').trim(), box: box(t) })).filter((l) => l.text !== '');
    const grid = Array.from(fig.querySelectorAll('.lc-axis.placement-left .lc-axis-grid')).map((g) => box(g).y);
    const area = fig.querySelector('[role="group"]');
    return {
      title: (fig.querySelector('figcaption .title')?.textContent || '').trim(),
      unit: area?.getAttribute('data-unit') || '',
      points: Number(area?.getAttribute('data-points') || 0),
      card: box(fig),
      svg: svg ? box(svg) : null,
      svgOverflow: svg ? getComputedStyle(svg).overflow : null,
      yLabels: labels('.lc-axis.placement-left .lc-axis-tick-label'),
      xLabels: labels('.lc-axis.placement-bottom .lc-axis-tick-label'),
      topGridY: grid.length ? Math.min(...grid) : null,
      series: Array.from(fig.querySelectorAll('.series')).map(box),
    };
  });
})()`;

export async function chartGeometry(page: Page): Promise<ChartGeometry[]> {
  return (await page.evaluate(MEASURE)) as ChartGeometry[];
}

const inside = (inner: Box, outer: Box, slack = 0.5) =>
  inner.x >= outer.x - slack && inner.y >= outer.y - slack && inner.x + inner.width <= outer.x + outer.width + slack && inner.y + inner.height <= outer.y + outer.height + slack;

/** "128 MiB" → 134217728 and " MiB"; "2.5K/s" → 2500 and "/s"; "0 %" → 0 and " %". */
export function parseTick(text: string): { value: number; suffix: string } {
  const m = /^(-?[\d,]*\.?\d+)([KMG]?)(.*)$/.exec(text);
  if (!m) return { value: Number.NaN, suffix: text };
  const scale = { '': 1, K: 1e3, M: 1e6, G: 1e9 }[m[2] as '' | 'K' | 'M' | 'G'];
  return { value: Number(m[1]!.replace(/,/g, '')) * scale, suffix: m[3]! };
}

/** The checks on one drawn chart. */
export function expectReadableChart(g: ChartGeometry, where: string): void {
  const what = `${where}: ${g.title}`;
  expect(g.svg, `${what} has a plot`).not.toBeNull();
  const svg = g.svg!;
  // Nothing outside the card: the svg sits in it and clips what it draws (the wait chart painted over the sidebar).
  expect(inside(svg, g.card), `${what}: svg inside its card`).toBe(true);
  expect(g.svgOverflow, `${what}: svg clips`).toBe('hidden');
  // Inside the svg too: the svg clips, so a label sticking out of it would be cut.
  for (const l of [...g.yLabels, ...g.xLabels]) expect(inside(l.box, svg, 1), `${what}: label ${l.text} inside the plot`).toBe(true);

  // Value axis: round ticks, equally spaced, in one unit, whole for counts.
  expect(g.yLabels.length, `${what}: value ticks`).toBeGreaterThanOrEqual(2);
  const ticks = [...g.yLabels].sort((a, b) => b.box.y - a.box.y).map((l) => ({ ...parseTick(l.text), text: l.text }));
  for (const t of ticks) expect(Number.isFinite(t.value), `${what}: tick ${t.text} is a number`).toBe(true);
  expect(new Set(ticks.map((t) => t.suffix)).size, `${what}: one unit in ${ticks.map((t) => t.text).join(', ')}`).toBe(1);
  const steps = ticks.slice(1).map((t, i) => t.value - ticks[i]!.value);
  for (const s of steps) expect(Math.abs(s - steps[0]!) / steps[0]!, `${what}: even steps in ${ticks.map((t) => t.text).join(', ')}`).toBeLessThan(1e-6);
  expect(ticks[0]!.value, `${what}: from 0`).toBe(0);
  // Round: the step is 1, 2, 2.5 or 5 times a power of ten, or (bytes) a power of two.
  const step = steps[0]!;
  const mantissa = step / 10 ** Math.floor(Math.log10(step));
  const round = [1, 2, 2.5, 5].some((m) => Math.abs(m - mantissa) < 1e-6) || (/i?B/.test(ticks[0]!.suffix) && Number.isInteger(Math.log2(parseTick(ticks[1]!.text).value)));
  expect(round, `${what}: round step in ${ticks.map((t) => t.text).join(', ')}`).toBe(true);
  if (g.unit === 'count') for (const t of ticks) expect(Number.isInteger(t.value), `${what}: whole count ${t.text}`).toBe(true);
  if (/B/.test(ticks[0]!.suffix)) for (const t of ticks) expect(t.text, `${what}: bytes in binary units`).toMatch(/^\d[\d,]*(\.\d+)? (B|KiB|MiB|GiB|TiB)(\/s)?$/);

  // Time axis: labels apart from each other, inside the plot's width.
  expect(g.xLabels.length, `${what}: time ticks`).toBeGreaterThanOrEqual(2);
  const xs = [...g.xLabels].sort((a, b) => a.box.x - b.box.x);
  for (let i = 1; i < xs.length; i++) {
    expect(xs[i]!.box.x, `${what}: ${xs[i - 1]!.text} and ${xs[i]!.text} do not overlap`).toBeGreaterThanOrEqual(xs[i - 1]!.box.x + xs[i - 1]!.box.width + 2);
  }
  const ys = [...g.yLabels].sort((a, b) => a.box.y - b.box.y);
  for (let i = 1; i < ys.length; i++) expect(ys[i]!.box.y, `${what}: value labels do not overlap`).toBeGreaterThanOrEqual(ys[i - 1]!.box.y + ys[i - 1]!.box.height - 0.5);

  // No line above the top tick.
  if (g.topGridY !== null) for (const s of g.series) if (s.height > 0 || s.width > 0) expect(s.y, `${what}: series below the top tick`).toBeGreaterThanOrEqual(g.topGridY - 1);
}
