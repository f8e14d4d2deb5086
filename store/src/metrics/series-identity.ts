// A metric series is identified by its labels: normalization writes the key (metric_points.labels_key), the explorers
// look a series up by it. Both compute it here, so they cannot disagree.

/** Canonical JSON of labels (keys sorted): the series identity in the primary key. */
export function labelsKey(labels: Record<string, string>): string {
  const keys = Object.keys(labels).sort();
  return JSON.stringify(Object.fromEntries(keys.map((k) => [k, labels[k]])));
}

/** JSON with object keys sorted at every depth, so equal structures compare and hash equal. */
export function stableJson(v: unknown): string {
  if (Array.isArray(v)) return `[${v.map(stableJson).join(',')}]`;
  if (v !== null && typeof v === 'object') {
    const row = v as Record<string, unknown>;
    return `{${Object.keys(row)
      .sort()
      .filter((k) => row[k] !== undefined)
      .map((k) => `${JSON.stringify(k)}:${stableJson(row[k])}`)
      .join(',')}}`;
  }
  return JSON.stringify(v ?? null);
}
