const compact = new Intl.NumberFormat('en', { notation: 'compact', maximumFractionDigits: 1 });
const plain = new Intl.NumberFormat('en', { maximumFractionDigits: 2 });

export function formatNumber(v: number | null | undefined): string {
  if (v === null || v === undefined || !Number.isFinite(v)) return '—';
  return Math.abs(v) >= 10_000 ? compact.format(v) : plain.format(v);
}

/** A count of things (sessions, connections): whole, even when a bucket's average of samples is not. */
export function formatCount(v: number | null | undefined): string {
  return v === null || v === undefined || !Number.isFinite(v) ? '—' : formatNumber(Math.round(v));
}

export function formatBytes(v: number | null | undefined): string {
  if (v === null || v === undefined || !Number.isFinite(v)) return '—';
  const units = ['B', 'KiB', 'MiB', 'GiB', 'TiB'];
  let n = v;
  let i = 0;
  while (Math.abs(n) >= 1024 && i < units.length - 1) {
    n /= 1024;
    i++;
  }
  return `${plain.format(n)} ${units[i]}`;
}

export function formatMs(v: number | null | undefined): string {
  if (v === null || v === undefined || !Number.isFinite(v)) return '—';
  if (v >= 60_000) return `${plain.format(v / 60_000)} min`;
  if (v >= 1000) return `${plain.format(v / 1000)} s`;
  return `${plain.format(v)} ms`;
}

export function formatSeconds(v: number | null | undefined): string {
  return v === null || v === undefined ? '—' : formatMs(v * 1000);
}

export function formatPercent(v: number | null | undefined): string {
  return v === null || v === undefined || !Number.isFinite(v) ? '—' : `${plain.format(v * 100)} %`;
}

/** "1 agent", "3 agents": a count with its noun, singular for one. */
export function plural(n: number, one: string, many = `${one}s`): string {
  return `${n.toLocaleString('en')} ${n === 1 ? one : many}`;
}
