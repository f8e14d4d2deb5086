// Recorded real agent payloads (api/test/fixtures), rebased so the newest was collected a minute ago: data for the
// explorers to answer from while they are fuzzed.
import { readFileSync } from 'node:fs';

const ENGINES = ['heartbeat', 'postgresql', 'mysql', 'redis', 'mongodb'];

export function recordedPayloads(now = Date.now()): Array<Record<string, unknown>> {
  const recorded = ENGINES.flatMap((e) =>
    readFileSync(new URL(`../test/fixtures/${e}.jsonl`, import.meta.url), 'utf8')
      .trim()
      .split('\n')
      .map((l) => JSON.parse(l) as Record<string, unknown>),
  );
  const newest = Math.max(...recorded.map((p) => Date.parse(String(p.collectedAt))));
  const shift = now - 60_000 - newest;
  return recorded.map((p) => ({ ...p, collectedAt: new Date(Date.parse(String(p.collectedAt)) + shift).toISOString() }));
}
