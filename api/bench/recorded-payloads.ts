// Recorded real agent payloads mixed as the agent's default cadence sends them; shared by bench:ingest and the soak.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';

/**
 * Real agent payloads recorded from the local PostgreSQL, MariaDB, Redis and the MongoDB wire server
 * (api/test/fixtures/*.jsonl), mixed as the default cadence sends them per target: six runtime collections and one
 * workload collection a minute, an operational one every ten minutes. Each simulated agent is its own target. The
 * list is interleaved (every target's first payload, then every target's second…), so that a target's payloads are
 * spread over the cycle as an agent's are over its minute, not sent back to back.
 */
export function recordedPayloads(targets: number): Array<Record<string, unknown>> {
  const fixtures = join(import.meta.dirname, '../test/fixtures');
  const byEngine = ['postgresql', 'mysql', 'redis', 'mongodb'].map((engine) =>
    readFileSync(join(fixtures, `${engine}.jsonl`), 'utf8')
      .trim()
      .split('\n')
      .map((l) => JSON.parse(l) as Record<string, unknown>),
  );
  const perTarget: Array<Array<Record<string, unknown>>> = [];
  for (let t = 0; t < targets; t++) {
    const recorded = byEngine[t % byEngine.length]!;
    const pick = (category: string) => recorded.filter((p) => p.category === category);
    const mix = [...Array(6).fill(pick('runtime')).flat().slice(0, 6), ...pick('workload').slice(0, 1)];
    if (t % 10 === 0) mix.push(...pick('operational').slice(0, 1));
    perTarget.push(mix.map((p) => ({ ...p, agentId: `agent-${t % 20}`, targetId: `${p.engine as string}-${t}` })));
  }
  const bodies: Array<Record<string, unknown>> = [];
  for (let round = 0; perTarget.some((m) => m.length > round); round++) {
    for (const mix of perTarget) if (mix[round]) bodies.push(mix[round]!);
  }
  return bodies;
}
