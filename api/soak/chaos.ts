// The chaos loop: kills processes with SIGKILL at seeded random times during the load and lets their supervisors
// start them again after a seeded random downtime. Each process gets its kills spread over the window (one at a
// random moment of each equal slot), so a short run still kills every process and a long one does not bunch them.
import type { Rng } from './rng';
import type { Supervised } from './supervised';

export interface ChaosEvent {
  /** Milliseconds after the load started. */
  atMs: number;
  target: string;
  downtimeMs: number;
}

export interface ChaosRecord extends ChaosEvent {
  /** When the kill actually happened (it waits for the process to be up), ms after the load started. */
  killedAtMs?: number;
}

/** Planned kills of each target: `kills` per target between 10 % and 85 % of the window, sorted by time. */
export function planChaos(targets: readonly string[], kills: number, windowMs: number, rng: Rng, downtimeMs: [number, number] = [1_000, 8_000]): ChaosEvent[] {
  const events: ChaosEvent[] = [];
  const from = windowMs * 0.1;
  const slot = (windowMs * 0.75) / Math.max(1, kills);
  for (const target of targets) {
    for (let k = 0; k < kills; k++) {
      events.push({ atMs: Math.round(from + slot * k + rng.next() * slot), target, downtimeMs: Math.round(rng.between(...downtimeMs)) });
    }
  }
  return events.sort((a, b) => a.atMs - b.atMs);
}

/**
 * Runs the plan from `startedAt`; resolves once every planned kill has happened (a kill waits until its process is
 * up again) or `signal` aborted the run.
 */
export async function runChaos(
  plan: readonly ChaosEvent[],
  processes: ReadonlyMap<string, Supervised>,
  startedAt: number,
  signal: AbortSignal,
): Promise<ChaosRecord[]> {
  const records: ChaosRecord[] = plan.map((e) => ({ ...e }));
  const kills: Array<Promise<void>> = [];
  for (const record of records) {
    const wait = startedAt + record.atMs - Date.now();
    if (wait > 0) await abortableSleep(wait, signal);
    if (signal.aborted) break;
    const target = processes.get(record.target);
    if (!target) throw new Error(`chaos: no process named ${record.target}`);
    kills.push(
      target.kill(record.downtimeMs, signal).then(() => {
        if (!signal.aborted) record.killedAtMs = Date.now() - startedAt;
      }),
    );
  }
  await Promise.all(kills);
  return records;
}

function abortableSleep(ms: number, signal: AbortSignal): Promise<void> {
  return new Promise((resolve) => {
    if (signal.aborted) return resolve();
    const timer = setTimeout(done, ms);
    function done() {
      clearTimeout(timer);
      signal.removeEventListener('abort', done);
      resolve();
    }
    signal.addEventListener('abort', done, { once: true });
  });
}
