// The two figures the ingest goals are stated in: sustained end-to-end capacity (accepted and stored, backlog flat)
// and the rate a backlog drains at. Pure, from backlog samples and stored counts, so a run cut short still has them.

/** [milliseconds since the load started, payloads not yet stored]. */
export type BacklogSample = [number, number];

/** Least-squares slope of the backlog over [fromMs, toMs], in payloads per second (positive: it grows). */
export function backlogSlope(samples: BacklogSample[], fromMs: number, toMs: number): number | null {
  const xs = samples.filter(([t]) => t >= fromMs && t <= toMs);
  if (xs.length < 3) return null;
  const mt = xs.reduce((a, [t]) => a + t, 0) / xs.length;
  const mb = xs.reduce((a, [, b]) => a + b, 0) / xs.length;
  let num = 0;
  let den = 0;
  for (const [t, b] of xs) {
    num += (t - mt) * (b - mb);
    den += (t - mt) ** 2;
  }
  return den === 0 ? null : (num / den) * 1000;
}

export interface CapacityFigures {
  acceptedPerSecond: number;
  storedPerSecond: number | null;
  /** How fast the backlog grew over the second half of the load (payloads/s); about 0 when the pipeline keeps up. */
  backlogGrowthPerSecond: number | null;
  /** The pipeline kept up: the backlog grew by less than 2 % of the accepted rate over the second half. */
  backlogFlat: boolean | null;
  /** Accepted and stored per second with the backlog flat; null when the backlog grew (the pipeline fell behind). */
  endToEndPerSecond: number | null;
}

export function capacityFigures(input: { accepted: number; stored: number | null; loadMs: number; samples: BacklogSample[] }): CapacityFigures {
  const seconds = input.loadMs / 1000;
  const acceptedPerSecond = input.accepted / seconds;
  const storedPerSecond = input.stored === null ? null : input.stored / seconds;
  const growth = backlogSlope(input.samples, input.loadMs / 2, input.loadMs);
  const flat = growth === null ? null : growth < 0.02 * acceptedPerSecond;
  return {
    acceptedPerSecond,
    storedPerSecond,
    backlogGrowthPerSecond: growth,
    backlogFlat: flat,
    endToEndPerSecond: flat && storedPerSecond !== null ? Math.min(acceptedPerSecond, storedPerSecond) : null,
  };
}

export interface DrainFigures {
  backlogAtStart: number;
  seconds: number;
  stored: number | null;
  left: number | null;
  drained: boolean;
  /** Payloads stored per second while draining (a partial drain counts what it stored). */
  perSecond: number | null;
}

export function drainFigures(input: { backlogAtStart: number; ms: number; stored: number | null; left: number | null }): DrainFigures {
  const seconds = input.ms / 1000;
  return {
    backlogAtStart: input.backlogAtStart,
    seconds,
    stored: input.stored,
    left: input.left,
    drained: input.left === 0,
    perSecond: input.stored === null || seconds <= 0 ? null : input.stored / seconds,
  };
}
