/** One bar of a statement's time sparkline, in the SVG's pixels. */
export interface SparkBar {
  x: number;
  y: number;
  width: number;
  height: number;
}

/**
 * A statement's time per bucket of the range as bars scaled to its largest bucket: a bar where it ran (at least a
 * pixel high, so a short run still shows), none where it did not. Bars rather than a line, which a statement that ran in
 * one bucket only drew as a single invisible point.
 */
export function sparkBars(values: ReadonlyArray<number | null>, width: number, height: number): SparkBar[] {
  const max = Math.max(0, ...values.map((v) => v ?? 0));
  if (values.length === 0 || max === 0) return [];
  const slot = width / values.length;
  const gap = slot > 3 ? 1 : 0;
  const bars: SparkBar[] = [];
  values.forEach((v, i) => {
    if (v === null || !(v > 0)) return;
    const h = Math.max(1, Math.round((v / max) * height * 10) / 10);
    bars.push({ x: Math.round(i * slot * 10) / 10, y: Math.round((height - h) * 10) / 10, width: Math.round((slot - gap) * 10) / 10, height: h });
  });
  return bars;
}
