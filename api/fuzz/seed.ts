/** The run's seed: LOGSTAG_FUZZ_SEED to replay a failure, otherwise a new one, printed so any run can be replayed. */
export function fuzzSeed(name: string, given = process.env.LOGSTAG_FUZZ_SEED): number {
  const seed = given ? Number(given) : Math.floor(Math.random() * 2 ** 31);
  if (!Number.isSafeInteger(seed)) throw new Error(`LOGSTAG_FUZZ_SEED must be an integer, got "${given}"`);
  console.log(`fuzz-${name}: seed ${seed} (replay with LOGSTAG_FUZZ_SEED=${seed})`);
  return seed;
}
