// Generated bad ingest bodies against the real app (real PostgreSQL store, real Temporal dev server and worker) over
// real HTTP. The bounded run of `npm test`; `npm run fuzz -- --ingest 10000` runs the full count (api/fuzz/run.ts).
// Reproduce a failure with LOGSTAG_FUZZ_SEED=<the printed seed>.
import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { waitForDrain } from '../fuzz/drain';
import { createHttpClient, type HttpClient } from '../fuzz/http-client';
import { ingestCase } from '../fuzz/ingest-cases';
import { issueExamples } from '../fuzz/ingest-examples';
import { fuzzIngest, newIngestTally, sendIngestCase } from '../fuzz/ingest-fuzz';
import { errorLog, errorLogger } from '../fuzz/server-log';
import { fuzzSeed } from '../fuzz/seed';
import { mib, settledRss } from '../fuzz/rss';
import { seedOrganization, startTestContext, type TestContext } from './context';

const RUNS = Number(process.env.LOGSTAG_FUZZ_INGEST_RUNS ?? 250);
const DRAIN_TIMEOUT_MS = 30_000;

describe('generated bad ingest bodies', () => {
  let ctx: TestContext;
  let client: HttpClient;
  let keys: { own: string; other: string };
  const serverErrors = errorLog();
  const seed = fuzzSeed('ingest');
  const tally = newIngestTally();
  let rssBefore = 0;

  beforeAll(async () => {
    // The fuzzer sends far more than an agent's 600 requests a minute; the key's rate limit is not what is tested.
    ctx = await startTestContext('postgres', { logger: errorLogger(serverErrors), security: { ingestRatePerMinute: 1_000_000 } });
    keys = { own: (await seedOrganization(ctx, 'Fuzzed')).agentKey, other: (await seedOrganization(ctx, 'Other')).agentKey };
    client = createHttpClient(ctx.url);
    // Warm up before the baseline (lazy modules, JIT, pools, and heap grown once to hold a 32 MiB body) with the
    // issue's cases and small generated ones; their answers count like the others'.
    const warmUp = [...issueExamples({ large: true }), ...fc.sample(ingestCase({ largeWeight: 0 }), { seed: seed + 1, numRuns: 40 })];
    for (const c of warmUp) await sendIngestCase(client, keys, c, tally).catch(() => undefined);
    rssBefore = await settledRss();
  });
  afterAll(async () => {
    client?.close();
    await ctx?.stop();
  });

  it('answers every one with a 2xx or a 4xx in the one error shape, never a 5xx, and one verdict per batch line', async () => {
    await fuzzIngest({ client, keys, numRuns: RUNS, seed, largeWeight: 2, tally, serverErrors });
    expect(tally.accepted.size).toBeGreaterThan(0);
  });

  it('stays up', async () => {
    expect((await fetch(`${ctx.url}/healthz`)).status).toBe(200);
  });

  it('ends every accepted line stored or failed once the pipeline drains', async () => {
    const drain = await waitForDrain(ctx.app.store.db, tally.accepted, DRAIN_TIMEOUT_MS);
    console.log(`fuzz-ingest: ${tally.cases} cases, statuses ${JSON.stringify(tally.statuses)}, lines ${JSON.stringify(tally.lines)}, errors ${JSON.stringify(tally.errors)}, ${drain.settled} settled in ${drain.waitedMs} ms`);
    expect(drain.unsettled.slice(0, 20)).toEqual([]);
  });

  it('comes back within 10 % of the RSS it started with', async () => {
    const rssAfter = await settledRss();
    console.log(`fuzz-ingest: RSS ${mib(rssBefore)} -> ${mib(rssAfter)} (test process with the app in it)`);
    expect(rssAfter).toBeLessThanOrEqual(rssBefore * 1.1);
  });
});
