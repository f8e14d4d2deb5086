/** The ranges every explorer offers, as `?range=` values. */
export const RANGES = [
  { key: '1h', label: '1 h', ms: 3_600_000 },
  { key: '6h', label: '6 h', ms: 6 * 3_600_000 },
  { key: '24h', label: '24 h', ms: 24 * 3_600_000 },
  { key: '7d', label: '7 d', ms: 7 * 86_400_000 },
  { key: '30d', label: '30 d', ms: 30 * 86_400_000 },
] as const;

export type RangeKey = (typeof RANGES)[number]['key'];

export function rangeFrom(url: URL, fallback: RangeKey = '1h'): { key: RangeKey; from: Date; to: Date } {
  const wanted = url.searchParams.get('range');
  const r = RANGES.find((x) => x.key === wanted) ?? RANGES.find((x) => x.key === fallback) ?? RANGES[0];
  const to = new Date();
  return { key: r.key, from: new Date(to.getTime() - r.ms), to };
}
