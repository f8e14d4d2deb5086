import { DEFAULT_RETENTION, type FleetBucketRow } from '@logstag/store';

const MINUTE = 60_000;
/** A piece of the range is complete once its end is this far in the past (collections arrive a few seconds after their time). */
export const SETTLE_MS = 2 * 60_000;

/** One read of the store: the rows of from…to in buckets of `bucketSeconds`, from minute rollups or the overview's tier. */
export type FleetQuery = (from: Date, to: Date, bucketSeconds: number, tier: 'raw' | '1m' | '1h') => Promise<FleetBucketRow[]>;
/** Runs of minutes up to this long, within the raw points' retention, are read from raw points alone (one index range per series). */
const RAW_RUN_MS = 10 * MINUTE;

/** The rows of one bucket (minute, hour or step), packed per series: a week's entry holds about 100,000 of them. */
interface Pack {
  sid: Int32Array;
  sum: Float64Array;
  count: Float64Array;
  max: Float64Array;
  /** NaN where the store said null (gauges, points stored before intervals were kept). */
  seconds: Float64Array;
}

interface Entry {
  storedAt: number;
  series: Map<string, number>;
  targets: string[];
  metrics: string[];
  minutes: Map<number, Pack>;
  units: Map<number, Pack>;
  steps: Map<number, Pack>;
}

type Level = 'minute' | 'unit' | 'step' | 'edge';
interface Piece {
  from: number;
  to: number;
  level: Level;
  /** The piece spans its level's whole width (a minute, a unit, a step bucket). */
  whole: boolean;
  /** Kept once read: the piece is whole and complete. */
  keep: boolean;
}

/**
 * The fleet overview's buckets, composed from pieces kept a few minutes per organization, target list, resolution and
 * step: whole step buckets, the hours (the resolution's unit) of the range's first and last buckets, and the minutes of
 * the range's first and last hours. A refresh reads only what it has not kept: the range's newest minutes (those
 * within SETTLE_MS of now and any completed since) and, once an hour, the minutes of the hour the range now starts in.
 * The range's partial first hour is read from minute rollups (kept 14 days), not raw points (kept 72 hours), so a
 * week's first bucket holds its first hour; a partial first minute older than the raw points' retention is not read.
 *
 * Every piece is summed per target and metric over its series (all label sets), exactly as the store sums a bucket:
 * sums, counts and covered seconds added, the highest value kept. Entries live `ttlMs` from their first read, so data
 * arriving late for a past piece (an agent's spool replayed) shows within that time.
 */
export class FleetBucketCache {
  private readonly entries = new Map<string, Entry>();
  constructor(
    readonly ttlMs = 5 * 60_000,
    private readonly maxEntries = 32,
    /** Raw points older than this are gone (the retention policy's raw tier): a partial first minute before it is not read. */
    private readonly rawKeepMs = DEFAULT_RETENTION.rawHours * 60 * MINUTE,
  ) {}

  async read(key: string, range: { from: number; to: number }, stepSeconds: number, resolution: '1m' | '1h', now: number, query: FleetQuery): Promise<FleetBucketRow[]> {
    const { from, to } = range;
    const stepMs = stepSeconds * 1000;
    const unitMs = resolution === '1h' ? 60 * MINUTE : MINUTE;
    // A step that is not a whole number of units (a hand-written range) cannot be composed from them: read it whole.
    if (stepMs % unitMs !== 0) return query(new Date(from), new Date(to), stepSeconds, resolution);
    let entry = this.entries.get(key);
    if (!entry || entry.storedAt <= now - this.ttlMs) {
      entry = { storedAt: now, series: new Map(), targets: [], metrics: [], minutes: new Map(), units: new Map(), steps: new Map() };
    }
    const e = entry;
    const pieces = this.pieces(e, from, to, stepMs, unitMs, now);
    // Pieces not kept, read in runs of neighbours of the same level (one statement per run).
    const runs: Array<{ from: number; to: number; level: Level; rows?: Map<number, Pack> }> = [];
    const runOf = new Map<Piece, (typeof runs)[number]>();
    for (const p of pieces) {
      if (this.keptPack(e, p)) continue;
      const last = runs.at(-1);
      if (last && last.to === p.from && last.level === p.level) last.to = p.to;
      else runs.push({ from: p.from, to: p.to, level: p.level });
      runOf.set(p, runs.at(-1)!);
    }
    const widthOf = (level: Level) => (level === 'minute' ? 60 : level === 'unit' ? unitMs / 1000 : stepSeconds);
    // Minutes and edges from minute rollups (and raw points after the last built minute), the newest few from raw
    // points alone; units and steps from the overview's tier.
    const tierOf = (r: { from: number; to: number; level: Level }) =>
      r.level === 'minute' || r.level === 'edge' ? (r.to - r.from <= RAW_RUN_MS && r.from >= now - this.rawKeepMs ? 'raw' : '1m') : resolution;
    const read = await Promise.all(runs.map((r) => query(new Date(r.from), new Date(r.to), widthOf(r.level), tierOf(r))));
    runs.forEach((r, i) => {
      r.rows = this.pack(e, read[i]!);
    });
    const packs: Array<[number, Pack]> = [];
    const used = new Set<Pack>();
    for (const p of pieces) {
      let pack = this.keptPack(e, p);
      if (!pack) {
        // An edge's rows are bucketed by step (an edge run's rows of one step bucket are taken once, by its first
        // edge there); every other piece's rows are bucketed at its own start.
        const rows = runOf.get(p)?.rows;
        const found = rows?.get(p.level === 'edge' ? Math.floor(p.from / stepMs) * stepMs : p.from);
        pack = found && !used.has(found) ? found : EMPTY;
        if (p.level === 'edge') used.add(pack);
        if (p.keep) this.storeOf(e, p.level)?.set(p.from, pack);
      }
      packs.push([p.from, pack]);
    }
    this.prune(e, from, stepMs, unitMs);
    this.entries.delete(key);
    this.entries.set(key, e);
    if (this.entries.size > this.maxEntries) this.entries.delete(this.entries.keys().next().value!);
    return fold(e, packs, stepMs);
  }

  /**
   * from…to cut into pieces: a partial first minute, the minutes up to the first whole unit, then per step bucket either
   * the whole bucket or its units, then the minutes of the last unit and its partial last minute.
   */
  private pieces(e: Entry, from: number, to: number, stepMs: number, unitMs: number, now: number): Piece[] {
    const out: Piece[] = [];
    const complete = (end: number) => end <= now - SETTLE_MS;
    const ceil = (t: number, w: number) => Math.ceil(t / w) * w;
    const floor = (t: number, w: number) => Math.floor(t / w) * w;
    const edge = (a: number, b: number) => out.push({ from: a, to: b, level: 'edge', whole: false, keep: false });
    const minute = (m: number, end: number) => out.push({ from: m, to: end, level: 'minute', whole: end === m + MINUTE, keep: end === m + MINUTE && complete(end) });
    const firstMinute = Math.min(to, ceil(from, MINUTE));
    if (from < firstMinute && from >= now - this.rawKeepMs) edge(from, firstMinute);
    const firstUnit = Math.max(firstMinute, Math.min(to, ceil(from, unitMs)));
    const lastUnit = Math.max(firstUnit, floor(to, unitMs));
    // The minutes of a partial first or last unit, kept one by one so a refresh reads only the newest.
    const minutes = (a: number, b: number) => {
      for (let m = a; m < b; m += MINUTE) minute(m, Math.min(b, m + MINUTE));
    };
    if (unitMs > MINUTE) minutes(firstMinute, firstUnit);
    // At minute resolution the units are the minutes (kept and read as such: the newest from raw points).
    const unitLevel: Level = unitMs > MINUTE ? 'unit' : 'minute';
    const units = unitMs > MINUTE ? e.units : e.minutes;
    for (let b = floor(firstUnit, stepMs); b < lastUnit; b += stepMs) {
      const lo = Math.max(b, firstUnit);
      const hi = Math.min(b + stepMs, lastUnit);
      if (lo === b && hi === b + stepMs && complete(hi) && (e.steps.has(b) || !this.all(units, b, hi, unitMs))) {
        // A whole, complete bucket: kept as such or read whole, unless its units are all kept.
        out.push({ from: b, to: hi, level: 'step', whole: true, keep: true });
        continue;
      }
      for (let u = lo; u < hi; u += unitMs) {
        // A unit whose minutes are all kept (the last unit of an earlier refresh) is composed from them.
        if (unitMs > MINUTE && !e.units.has(u) && complete(u + unitMs) && this.all(e.minutes, u, u + unitMs, MINUTE)) {
          for (let m = u; m < u + unitMs; m += MINUTE) minute(m, m + MINUTE);
        } else out.push({ from: u, to: u + unitMs, level: unitLevel, whole: true, keep: complete(u + unitMs) });
      }
    }
    if (unitMs > MINUTE) minutes(lastUnit, to);
    else if (lastUnit < to) minute(lastUnit, to);
    return out;
  }

  private all(kept: Map<number, Pack>, from: number, to: number, width: number): boolean {
    for (let t = from; t < to; t += width) if (!kept.has(t)) return false;
    return true;
  }

  private storeOf(e: Entry, level: Level): Map<number, Pack> | undefined {
    return level === 'minute' ? e.minutes : level === 'unit' ? e.units : level === 'step' ? e.steps : undefined;
  }

  /** A kept pack for a whole piece (a partial last minute or unit is always read). */
  private keptPack(e: Entry, p: Piece): Pack | undefined {
    return p.whole ? this.storeOf(e, p.level)?.get(p.from) : undefined;
  }

  /** Rows grouped by bucket and packed, each (target, metric) numbered once per entry. */
  private pack(e: Entry, rows: FleetBucketRow[]): Map<number, Pack> {
    // The store returns rows ordered by target, metric and bucket: a series' number is looked up once per run of rows.
    const sids = new Int32Array(rows.length);
    const groups = new Map<number, number[]>();
    let sid = -1;
    rows.forEach((r, i) => {
      const prev = rows[i - 1];
      if (!prev || r.target_id !== prev.target_id || r.metric !== prev.metric) {
        const k = `${r.target_id}\u0000${r.metric}`;
        const known = e.series.get(k);
        sid = known ?? e.targets.length;
        if (known === undefined) {
          e.series.set(k, sid);
          e.targets.push(r.target_id);
          e.metrics.push(r.metric);
        }
      }
      sids[i] = sid;
      const t = r.bucket.getTime();
      const g = groups.get(t);
      if (g) g.push(i);
      else groups.set(t, [i]);
    });
    const out = new Map<number, Pack>();
    for (const [t, g] of groups) {
      const p: Pack = { sid: new Int32Array(g.length), sum: new Float64Array(g.length), count: new Float64Array(g.length), max: new Float64Array(g.length), seconds: new Float64Array(g.length) };
      g.forEach((i, j) => {
        const r = rows[i]!;
        p.sid[j] = sids[i]!;
        p.sum[j] = Number(r.sum);
        p.count[j] = Number(r.count);
        p.max[j] = Number(r.max);
        p.seconds[j] = r.seconds === null ? NaN : Number(r.seconds);
      });
      out.set(t, p);
    }
    return out;
  }

  /** Forgets the pieces the range has moved past. */
  private prune(e: Entry, from: number, stepMs: number, unitMs: number): void {
    for (const [m] of e.minutes) if (m < Math.floor(from / MINUTE) * MINUTE) e.minutes.delete(m);
    for (const [u] of e.units) if (u < Math.floor(from / unitMs) * unitMs) e.units.delete(u);
    for (const [s] of e.steps) if (s < Math.floor(from / stepMs) * stepMs) e.steps.delete(s);
  }
}

const EMPTY: Pack = { sid: new Int32Array(0), sum: new Float64Array(0), count: new Float64Array(0), max: new Float64Array(0), seconds: new Float64Array(0) };

/** The pieces summed into step buckets per (target, metric), as the store sums a bucket. */
function fold(e: Entry, packs: Array<[number, Pack]>, stepMs: number): FleetBucketRow[] {
  if (packs.length === 0) return [];
  const first = Math.floor(packs[0]![0] / stepMs);
  const steps = Math.floor(packs.at(-1)![0] / stepMs) - first + 1;
  const n = e.targets.length;
  const sum = new Float64Array(steps * n);
  const count = new Float64Array(steps * n);
  const max = new Float64Array(steps * n).fill(-Infinity);
  const seconds = new Float64Array(steps * n).fill(NaN);
  const present = new Uint8Array(steps * n);
  for (const [start, p] of packs) {
    const base = (Math.floor(start / stepMs) - first) * n;
    for (let i = 0; i < p.sid.length; i += 1) {
      const c = base + p.sid[i]!;
      present[c] = 1;
      sum[c]! += p.sum[i]!;
      count[c]! += p.count[i]!;
      if (p.max[i]! > max[c]!) max[c] = p.max[i]!;
      const s = p.seconds[i]!;
      if (!Number.isNaN(s)) seconds[c] = Number.isNaN(seconds[c]!) ? s : seconds[c]! + s;
    }
  }
  const rows: FleetBucketRow[] = [];
  for (let k = 0; k < steps; k += 1) {
    const bucket = new Date((first + k) * stepMs);
    for (let sid = 0; sid < n; sid += 1) {
      const c = k * n + sid;
      if (!present[c]) continue;
      rows.push({ target_id: e.targets[sid]!, metric: e.metrics[sid]!, bucket, sum: sum[c]!, count: count[c]!, max: max[c]!, seconds: Number.isNaN(seconds[c]!) ? null : seconds[c]! });
    }
  }
  return rows;
}
