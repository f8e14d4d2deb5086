import { FREQUENCIES, type Frequency } from './types';

/**
 * Which frequency classes a scheduled run evaluates, PMM-style: the schedule fires every `periodMs` (the target's class);
 * classes as frequent or more frequent than that run every time, a rarer class runs when one of its periods (counted
 * from the epoch, so every target and restart agree) began since the previous run. The other rules keep their last
 * results in the report (carried forward), so every report is complete. Pure: the workflow calls it with its start time.
 */
export function dueFrequencies(nowMs: number, periodMs: number, hours: Readonly<Record<Frequency, number>>): Frequency[] {
  return FREQUENCIES.filter((c) => {
    const classMs = hours[c] * 3_600_000;
    if (classMs <= periodMs) return true;
    return Math.floor(nowMs / classMs) !== Math.floor((nowMs - periodMs) / classMs);
  });
}
