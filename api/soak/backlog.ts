// The ingest backlog, sampled every second: payloads committed but not yet stored or failed (pending + started).
import { sql, type Kysely } from 'kysely';
import type { Database } from '@logstag/store';

export interface BacklogSample {
  /** Seconds since the load started. */
  t: number;
  /** pending + started; null when the store did not answer (killed). */
  backlog: number | null;
}

export async function backlogNow(db: Kysely<Database>): Promise<number> {
  const r = await sql<{ n: number }>`select count(*)::int as n from payloads where status in ('pending', 'started')`.execute(db);
  return r.rows[0]?.n ?? 0;
}

export function sampleBacklog(db: Kysely<Database>, startedAt: number): { samples: BacklogSample[]; stop(): void } {
  const samples: BacklogSample[] = [];
  let busy = false;
  const timer = setInterval(() => {
    // One sample at a time: while the store is down a query waits for its connection timeout.
    if (busy) return;
    busy = true;
    const t = Math.round((Date.now() - startedAt) / 1000);
    backlogNow(db)
      .then(
        (n) => samples.push({ t, backlog: n }),
        () => samples.push({ t, backlog: null }),
      )
      .finally(() => (busy = false));
  }, 1_000);
  return { samples, stop: () => clearInterval(timer) };
}

/** The largest backlog and when it was seen. */
export function backlogPeak(samples: readonly BacklogSample[]): { peak: number; peakAtT: number } {
  let peak = 0;
  let peakAtT = 0;
  for (const s of samples) {
    if (s.backlog !== null && s.backlog > peak) {
      peak = s.backlog;
      peakAtT = s.t;
    }
  }
  return { peak, peakAtT };
}
