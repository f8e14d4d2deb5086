import { DEFAULT_RETENTION, type FleetBucketRow } from '@logstag/store';

const MINUTE = 60_000;
/** A piece of the range is complete once its end is this far in the past (collections arrive a few seconds after their time). */
export const SETTLE_MS = 2 * 60_000;

/** One read of the store: the rows of from…to in buckets of `bucketSeconds`, from minute rollups or the overview's tier. */
export type FleetQuery = (from: Date, to: Date, bucketSeconds: number, tier: 'raw' | '1m' | '1h', settled?: boolean) => Promise<FleetBucketRow[]>;
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
  /** Kept pieces per width (ms): step buckets, hours, ten minutes, minutes. */
  kept: Map<number, Map<number, Pack>>;
}

interface Piece {
  from: number;
  to: number;
  /** The piece's level: its width in ms (0 for the range's partial first minute, read with its step bucket). */
  width: number;
  /** The piece spans its level's whole width. */
  whole: boolean;
  /** Kept once read: the piece is whole and complete. */
  keep: boolean;
}

/** Between the minute and the hour: the partial first and last hours' pieces on a first read (6 and 10 rows, not 60, per series). */
const BLOCK = 10 * MINUTE;

/**
 * The fleet overview's buckets, composed from pieces kept a few minutes per organization, target list, resolution and
 * step: whole step buckets, the hours of the range's first and last buckets, and the ten-minute pieces and minutes of
 * the range's first and last hours (at minute resolution: step buckets and minutes). A refresh reads only what it has
 * not kept: the range's newest minutes (those within SETTLE_MS of now), and when the range's start crosses into the
 * next ten minutes, hour or step bucket, the finer pieces of it.
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
    // The levels, coarsest first, each a whole number of the next.
    const widths = resolution === '1h' ? [stepMs, 60 * MINUTE, BLOCK, MINUTE] : [stepMs, MINUTE];
    // A step that is not a whole number of them (a hand-written range) cannot be composed: read it whole.
    if (stepMs % widths[1]! !== 0) return query(new Date(from), new Date(to), stepSeconds, resolution);
    let entry = this.entries.get(key);
    if (!entry || entry.storedAt <= now - this.ttlMs) entry = { storedAt: now, series: new Map(), targets: [], metrics: [], kept: new Map(widths.map((w) => [w, new Map()])) };
    const e = entry;
    const pieces = this.pieces(e, from, to, widths, now);
    const keptPack = (p: Piece) => (p.whole ? e.kept.get(p.width)?.get(p.from) : undefined);
    // Pieces not kept, read in runs of neighbours of the same level (one statement per run).
    const runs: Array<{ from: number; to: number; width: number; rows?: Map<number, Pack> }> = [];
    const runOf = new Map<Piece, (typeof runs)[number]>();
    for (const p of pieces) {
      if (keptPack(p)) continue;
      const last = runs.at(-1);
      if (last && last.to === p.from && last.width === p.width) last.to = p.to;
      else runs.push({ from: p.from, to: p.to, width: p.width });
      runOf.set(p, runs.at(-1)!);
    }
    // Minutes from minute rollups (and raw points after the last built minute), the newest few from raw points alone;
    // ten minutes from minute rollups; hours and steps from the overview's tier.
    const tierOf = (r: { from: number; to: number; width: number }) =>
      r.width <= MINUTE ? (r.to - r.from <= RAW_RUN_MS && r.from >= now - this.rawKeepMs ? 'raw' : '1m') : r.width === BLOCK ? '1m' : resolution;
    // Runs of whole pieces a day older than the raw points' retention are settled: their rollups alone are read.
    const settled = (r: { from: number; to: number; width: number }) => r.width >= MINUTE && r.to <= now - this.rawKeepMs - 24 * 60 * MINUTE;
    const read = await Promise.all(runs.map((r) => query(new Date(r.from), new Date(r.to), r.width === 0 ? stepSeconds : r.width / 1000, tierOf(r), settled(r))));
    runs.forEach((r, i) => {
      r.rows = this.pack(e, read[i]!);
    });
    const packs: Array<[number, Pack]> = [];
    for (const p of pieces) {
      let pack = keptPack(p);
      if (!pack) {
        // The partial first minute's rows are bucketed by step; every other piece's at its own start.
        pack = runOf.get(p)?.rows?.get(p.width === 0 ? Math.floor(p.from / stepMs) * stepMs : p.from) ?? EMPTY;
        if (p.keep) e.kept.get(p.width)?.set(p.from, pack);
      }
      packs.push([p.from, pack]);
    }
    // Forgets the pieces the range has moved past.
    for (const [w, kept] of e.kept) for (const [t] of kept) if (t < Math.floor(from / w) * w) kept.delete(t);
    this.entries.delete(key);
    this.entries.set(key, e);
    if (this.entries.size > this.maxEntries) this.entries.delete(this.entries.keys().next().value!);
    return fold(e, packs, stepMs);
  }

  /**
   * from…to cut into pieces, coarsest first: whole step buckets, then in the partial first and last buckets whole
   * hours, then ten minutes, then minutes (and the range's partial first minute). A piece not kept but whose finer
   * pieces all are is taken from them; one not yet complete is cut into finer pieces, so only they are read again.
   */
  private pieces(e: Entry, from: number, to: number, widths: number[], now: number): Piece[] {
    const out: Piece[] = [];
    const complete = (end: number) => end <= now - SETTLE_MS;
    const ceil = (t: number, w: number) => Math.ceil(t / w) * w;
    const floor = (t: number, w: number) => Math.floor(t / w) * w;
    const available = (li: number, p: number): boolean => {
      if (e.kept.get(widths[li]!)!.has(p)) return true;
      if (li === widths.length - 1) return false;
      for (let q = p; q < p + widths[li]!; q += widths[li + 1]!) if (!available(li + 1, q)) return false;
      return true;
    };
    const anyKept = (li: number, a: number, b: number): boolean => {
      for (let lj = li; lj < widths.length; lj += 1) for (let q = a; q < b; q += widths[lj]!) if (e.kept.get(widths[lj]!)!.has(q)) return true;
      return false;
    };
    const emitKept = (li: number, p: number) => {
      const w = widths[li]!;
      if (e.kept.get(w)!.has(p)) out.push({ from: p, to: p + w, width: w, whole: true, keep: true });
      else for (let q = p; q < p + w; q += widths[li + 1]!) emitKept(li + 1, q);
    };
    const cover = (a: number, b: number, li: number) => {
      if (a >= b) return;
      const w = widths[li]!;
      if (li === widths.length - 1) {
        for (let m = a; m < b; m += w) out.push({ from: m, to: Math.min(b, m + w), width: w, whole: m + w <= b, keep: m + w <= b && complete(m + w) });
        return;
      }
      const A = Math.min(b, ceil(a, w));
      const B = Math.max(A, floor(b, w));
      cover(a, A, li + 1);
      for (let p = A; p < B; p += w) {
        if (available(li, p)) emitKept(li, p);
        // Complete and none of it kept: read whole. Otherwise only what is missing, finer: ten minutes that completed
        // since the last refresh lack only their newest minute, read with the other newest ones.
        else if (complete(p + w) && !anyKept(li + 1, p, p + w)) out.push({ from: p, to: p + w, width: w, whole: true, keep: true });
        else cover(p, p + w, li + 1);
      }
      cover(B, b, li + 1);
    };
    const firstMinute = Math.min(to, ceil(from, MINUTE));
    if (from < firstMinute && from >= now - this.rawKeepMs) out.push({ from, to: firstMinute, width: 0, whole: false, keep: false });
    cover(firstMinute, to, 0);
    return out;
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
