import type { FleetTarget } from '$lib/api';

export type FleetSortKey = 'target' | 'state' | 'connections' | 'throughput' | 'cacheHit' | 'slowest' | 'blocked' | 'lag';

/** Not reporting and failing targets first, then the others by name. */
const STATE_ORDER: Record<string, number> = { failing: 0, stale: 1, unknown: 2, healthy: 3 };

const value = (t: FleetTarget, key: FleetSortKey): number | string | null => {
  switch (key) {
    case 'target':
      return t.target.targetId;
    case 'state':
      return STATE_ORDER[t.target.health] ?? 9;
    case 'connections':
      return t.connectionsRatio;
    case 'throughput':
      return t.throughputPerSecond;
    case 'cacheHit':
      return t.cacheHitRatio;
    case 'slowest':
      return t.slowestStatementMeanMs;
    case 'blocked':
      return t.blockedSessions;
    case 'lag':
      return t.replicationLagSeconds;
  }
};

/** The fleet sorted by a column; targets without a value for it go last whichever the direction. */
export function sortFleet(items: readonly FleetTarget[], key: FleetSortKey, descending: boolean): FleetTarget[] {
  return [...items].sort((a, b) => {
    const x = value(a, key);
    const y = value(b, key);
    if (x === null && y === null) return a.target.targetId.localeCompare(b.target.targetId);
    if (x === null) return 1;
    if (y === null) return -1;
    const c = typeof x === 'string' ? x.localeCompare(String(y)) : x - Number(y);
    return (descending ? -c : c) || a.target.targetId.localeCompare(b.target.targetId);
  });
}

/**
 * An SVG polyline's points for a sparkline of `width` × `height`; gaps (null) split it into several. The scale runs
 * from zero to the highest value, or with `fromMin` from the lowest (a ratio near 100 % whose dips must show).
 */
export function sparkPaths(points: ReadonlyArray<{ value: number | null }>, width: number, height: number, fromMin = false): string[] {
  const values = points.flatMap((p) => (p.value === null ? [] : [p.value]));
  const max = Math.max(0, ...values);
  const min = fromMin && values.length ? Math.min(...values) : 0;
  const x = (i: number) => (points.length <= 1 ? width / 2 : (i / (points.length - 1)) * width);
  const y = (v: number) => (max === min ? height - 1 : height - 1 - ((v - min) / (max - min)) * (height - 2));
  const paths: string[] = [];
  let current: string[] = [];
  points.forEach((p, i) => {
    if (p.value === null) {
      if (current.length) paths.push(current.join(' '));
      current = [];
      return;
    }
    current.push(`${x(i).toFixed(1)},${y(p.value).toFixed(1)}`);
  });
  if (current.length) paths.push(current.join(' '));
  return paths;
}

/** The reporting state as it reads: the agent reports (nothing more is claimed), stopped reporting, or fails. */
export function reportingLabel(health: string): string {
  return health === 'healthy' ? 'reporting' : health === 'stale' ? 'not reporting' : health;
}

export interface OpenAlerts {
  count: number;
  /** The most severe open alert's severity. */
  worst: 'critical' | 'warning' | 'info';
}

const SEVERITY_RANK = { critical: 0, warning: 1, info: 2 } as const;

/** Open alerts (pending, firing, acknowledged, snoozed) per target: how many, and the worst severity among them. */
export function openAlertsByTarget(alerts: ReadonlyArray<{ targetId: string | null; severity: OpenAlerts['worst']; status: string }>): Record<string, OpenAlerts> {
  const out: Record<string, OpenAlerts> = {};
  for (const a of alerts) {
    if (!a.targetId || a.status === 'resolved') continue;
    const seen = out[a.targetId];
    if (!seen) out[a.targetId] = { count: 1, worst: a.severity };
    else {
      seen.count += 1;
      if (SEVERITY_RANK[a.severity] < SEVERITY_RANK[seen.worst]) seen.worst = a.severity;
    }
  }
  return out;
}
