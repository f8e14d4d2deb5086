// npm run fuzz -- [--ingest 10000] [--rest 5000] [--seed N] [--large-weight 3] [--drain-seconds 600]
//
// The full-count bad-input run of issue 12: the server (API + worker, `node api/src/main.ts`) runs as a process of its
// own on a fresh PostgreSQL database (the test-services cluster) and the real Temporal dev server, all on loopback.
// Generated bad ingest bodies, then generated bad REST requests, each answer checked as it arrives (never a 5xx, errors
// in the one shape, one verdict per batch line); then the process must still be up, every line it accepted must end
// stored or failed, and its RSS after a full GC must be within 10 % of the RSS after the warm-up. Exits 1 on any
// failure, printing fast-check's seed and shrunk counterexample; replay with --seed.
import { parseArgs } from 'node:util';
import { gzipSync } from 'node:zlib';
import fc from 'fast-check';
import { DefaultLogger, Runtime } from '@temporalio/worker';
import { useTestServicesEnv } from '../bench/services-env';
import { stuckDiagnosis, waitForDrain } from './drain';
import { createHttpClient } from './http-client';
import { ingestCase } from './ingest-cases';
import { issueExamples } from './ingest-examples';
import { fuzzIngest, newIngestTally, sendIngestCase } from './ingest-fuzz';
import { recordedPayloads } from './recorded';
import { fuzzRest, loadOperations, newRestTally } from './rest-fuzz';
import { mib } from './rss';
import { fuzzSeed } from './seed';
import { startFuzzTarget } from './fuzz-target';

const { values: args } = parseArgs({
  options: {
    ingest: { type: 'string', default: '10000' },
    rest: { type: 'string', default: '5000' },
    seed: { type: 'string' },
    'large-weight': { type: 'string', default: '3' },
    'drain-seconds': { type: 'string', default: '600' },
  },
});
const INGEST_RUNS = Number(args.ingest);
const REST_RUNS = Number(args.rest);
const LARGE_WEIGHT = Number(args['large-weight']);

useTestServicesEnv();
Runtime.install({ logger: new DefaultLogger('ERROR') });

const failures: string[] = [];
async function phase(name: string, run: () => Promise<void>): Promise<number> {
  const started = Date.now();
  process.stdout.write(`${name}…\n`);
  try {
    await run();
  } catch (err) {
    // fast-check's report says which case failed; the property's own error (what the server answered) is its cause.
    const cause = (err as Error).cause instanceof Error ? `\ncaused by: ${((err as Error).cause as Error).message}` : '';
    failures.push(`${name}: ${(err as Error).message}${cause}`);
    process.stdout.write(`${name} FAILED:\n${(err as Error).message}${cause}\n`);
  }
  const seconds = (Date.now() - started) / 1000;
  process.stdout.write(`${name}: ${seconds.toFixed(1)} s\n`);
  return seconds;
}

async function main(): Promise<void> {
  const seed = fuzzSeed('run', args.seed ?? process.env.LOGSTAG_FUZZ_SEED);
  const target = await startFuzzTarget();
  const { server, store, temporal, errors } = target;
  process.stdout.write(`server log (level warn): ${target.logFile}\n`);
  const client = createHttpClient(server.url, 120_000);
  const ingestTally = newIngestTally();
  const restTally = newRestTally();
  const times: Record<string, number> = {};
  let rssStart = 0;
  let rssEnd = 0;
  try {
    const { fuzzed, other, rest } = target.orgs;
    const keys = { own: fuzzed.agentKey, other: other.agentKey };

    times.warmUp = await phase('warm-up', async () => {
      const payloads = recordedPayloads();
      for (const p of payloads) {
        const res = await client.send({ method: 'POST', path: '/v1/ingest', headers: { authorization: `Bearer ${rest.agentKey}`, 'content-type': 'application/json', 'content-encoding': 'gzip' }, body: gzipSync(JSON.stringify(p)) });
        if (res.status !== 202) throw new Error(`a recorded payload was answered ${res.status}`);
      }
      const warm = [...issueExamples({ large: true }), ...fc.sample(ingestCase({ largeWeight: LARGE_WEIGHT }), { seed: seed + 1, numRuns: 100 })];
      for (const c of warm) await sendIngestCase(client, keys, c, ingestTally, errors);
      const operations = await loadOperations(client);
      const known = { targetId: [...new Set(payloads.map((p) => String(p.targetId)))], id: [rest.ownerId, rest.agentKeyId, other.ownerId, other.agentKeyId] };
      await fuzzRest({ client, origin: server.url, operations, known, credentials: rest, numRuns: 200, seed: seed + 1, tally: newRestTally(), serverErrors: errors });
      const drain = await waitForDrain(store.db, ingestTally.accepted, 120_000);
      if (drain.unsettled.length) throw new Error(`warm-up payloads not settled: ${JSON.stringify(drain.unsettled.slice(0, 10))}`);
    });
    rssStart = await server.settledRss();

    times.ingest = await phase(`ingest: ${INGEST_RUNS} generated bodies`, () =>
      fuzzIngest({ client, keys, numRuns: INGEST_RUNS, seed, largeWeight: LARGE_WEIGHT, tally: ingestTally, examples: issueExamples({ large: true }), serverErrors: errors }),
    );

    times.rest = await phase(`REST: ${REST_RUNS} generated requests`, async () => {
      const operations = await loadOperations(client);
      const known = { targetId: [...new Set(recordedPayloads().map((p) => String(p.targetId)))], id: [rest.ownerId, rest.agentKeyId, other.ownerId, other.agentKeyId] };
      await fuzzRest({ client, origin: server.url, operations, known, credentials: rest, numRuns: REST_RUNS, seed, tally: restTally, serverErrors: errors });
      process.stdout.write(`REST operations: ${JSON.stringify(restTally.operations)}\n`);
    });

    await phase('still up', async () => {
      if (server.exit() !== null) throw new Error(`the server process exited: ${server.exit()}`);
      const res = await client.send({ method: 'GET', path: '/healthz', headers: {} });
      if (res.status !== 200) throw new Error(`/healthz answered ${res.status}`);
    });

    times.drain = await phase('every accepted line stored or failed', async () => {
      const drain = await waitForDrain(store.db, ingestTally.accepted, Number(args['drain-seconds']) * 1000);
      process.stdout.write(`settled ${drain.settled} of ${ingestTally.accepted.size} accepted ids in ${(drain.waitedMs / 1000).toFixed(1)} s\n`);
      if (drain.unsettled.length) {
        process.stdout.write(await stuckDiagnosis(store.db, temporal.client, drain.unsettled.map((u) => u.id)));
        throw new Error(`${drain.unsettled.length} accepted ids not stored or failed: ${JSON.stringify(drain.unsettled.slice(0, 20))}`);
      }
    });

    await phase('RSS back within 10 %', async () => {
      rssEnd = await server.settledRss();
      if (rssEnd > rssStart * 1.1) throw new Error(`RSS ${mib(rssStart)} after the warm-up, ${mib(rssEnd)} at the end (+${((rssEnd / rssStart - 1) * 100).toFixed(1)} %)`);
    });

    const statuses = await store.db.selectFrom('payloads').select(['status']).select((eb) => eb.fn.countAll<number>().as('n')).groupBy('status').execute();
    const lines = [
      '',
      `seed ${seed}`,
      `ingest: ${ingestTally.cases} bodies (${INGEST_RUNS} generated + examples + warm-up), answers ${JSON.stringify(ingestTally.statuses)}`,
      `  batch lines ${JSON.stringify(ingestTally.lines)}, errors ${JSON.stringify(ingestTally.errors)}`,
      `  accepted ids ${ingestTally.accepted.size}; payloads by status ${JSON.stringify(Object.fromEntries(statuses.map((s) => [s.status, Number(s.n)])))}`,
      `REST: ${restTally.cases} requests over ${Object.keys(restTally.operations).length} operations, answers ${JSON.stringify(restTally.statuses)}`,
      `  errors ${JSON.stringify(restTally.errors)}, signed in again ${restTally.signIns} times`,
      `time: warm-up ${times.warmUp?.toFixed(1)} s, ingest ${times.ingest?.toFixed(1)} s, REST ${times.rest?.toFixed(1)} s, drain ${times.drain?.toFixed(1)} s`,
      `server RSS after GC: ${mib(rssStart)} after the warm-up, ${mib(rssEnd)} at the end (${rssStart ? `${((rssEnd / rssStart - 1) * 100).toFixed(1)} %` : 'n/a'}); peak ${mib(server.peakRss())}`,
      failures.length ? `FAILED: ${failures.length} propert${failures.length === 1 ? 'y' : 'ies'}` : 'all properties held',
    ];
    process.stdout.write(`${lines.join('\n')}\n`);
  } finally {
    client.close();
    await target.stop();
  }
  process.exitCode = failures.length ? 1 : 0;
}

main().catch((err: unknown) => {
  process.stderr.write(`fuzz: ${(err as Error).stack ?? String(err)}\n`);
  process.exit(1);
});
