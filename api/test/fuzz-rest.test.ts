// Generated bad REST requests, derived from the OpenAPI document the server serves plus the account routes, against
// the real app over real HTTP, signed in and not. The bounded run of `npm test`; `npm run fuzz -- --rest 5000` runs the
// full count (api/fuzz/run.ts). Reproduce a failure with LOGSTAG_FUZZ_SEED=<the printed seed>.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createHttpClient, type HttpClient, type RawRequest } from '../fuzz/http-client';
import { recordedPayloads } from '../fuzz/recorded';
import { fuzzRest, loadOperations, newRestTally, signIn } from '../fuzz/rest-fuzz';
import type { PathValues } from '../fuzz/rest-cases';
import type { Operation } from '../fuzz/rest-operations';
import { errorLog, errorLogger } from '../fuzz/server-log';
import { fuzzSeed } from '../fuzz/seed';
import { postPayload, seedOrganization, startTestContext, type SeededOrganization, type TestContext } from './context';

const RUNS = Number(process.env.LOGSTAG_FUZZ_REST_RUNS ?? 300);

describe('generated bad REST requests', () => {
  let ctx: TestContext;
  let client: HttpClient;
  let org: SeededOrganization;
  let operations: Operation[];
  let known: PathValues;
  const serverErrors = errorLog();
  const seed = fuzzSeed('rest');
  const tally = newRestTally();

  beforeAll(async () => {
    // Sign-in's per-address rate limit would answer most generated POST /api/session with 429 and hide the handler.
    ctx = await startTestContext('postgres', { logger: errorLogger(serverErrors), security: { loginRatePerMinute: 1_000_000 } });
    org = await seedOrganization(ctx, 'Fuzzed');
    const other = await seedOrganization(ctx, 'Other');
    // Real data behind the explorers: the recorded agent payloads (stored while the fuzzer runs).
    const payloads = recordedPayloads();
    for (const p of payloads) expect((await postPayload(ctx.url, p, { gzip: true, key: org.agentKey })).status).toBe(202);
    client = createHttpClient(ctx.url);
    operations = await loadOperations(client);
    known = {
      targetId: [...new Set(payloads.map((p) => p.targetId).filter((t): t is string => typeof t === 'string'))],
      // Ids that exist: this organization's (found) and another's (must be 404, never another tenant's data).
      id: [org.ownerId, org.agentKeyId, other.ownerId, other.agentKeyId],
    };
  });
  afterAll(async () => {
    client?.close();
    await ctx?.stop();
  });

  it('derives its operations from the served OpenAPI document and the account routes', () => {
    const names = operations.map((o) => `${o.method} ${o.path}`);
    expect(names).toEqual(expect.arrayContaining(['GET /api/explorer/databases/{targetId}/series', 'GET /api/users/{id}', 'POST /api/agent-keys', 'PATCH /api/organization']));
  });

  it('answers every one with a 2xx or a 4xx in the one error shape, never a 5xx', async () => {
    try {
      await fuzzRest({ client, origin: ctx.url, operations, known, credentials: { email: org.ownerEmail, password: org.ownerPassword }, numRuns: RUNS, seed, tally, serverErrors });
    } finally {
      console.log(`fuzz-rest: ${tally.cases} cases over ${Object.keys(tally.operations).length} operations, statuses ${JSON.stringify(tally.statuses)}, errors ${JSON.stringify(tally.errors)}`);
    }
  });

  // Found by the fuzzer: the router's decoding error carried status 400 without `expose`, and became a 500.
  it('answers 400 in the error shape to a path parameter that is not valid percent-encoding', async () => {
    const paths = ['/api/users/%E0%A4%A', '/api/agent-keys/%', '/api/explorer/activity/%ZZ/connections'];
    const answers = [];
    for (const path of paths) {
      const res = await client.send({ method: 'GET', path, headers: {} });
      answers.push({ path, status: res.status, code: (JSON.parse(res.body.toString('utf8')) as { error?: { code: string } }).error?.code });
    }
    expect(answers).toEqual(paths.map((path) => ({ path, status: 400, code: 'bad_request' })));
  });

  // Found by the fuzzer: NUL reached PostgreSQL from a path parameter, a cursor, a query filter or a body (22021, 500).
  it('answers 400 naming the input to text the store cannot hold, in a path, a cursor, a query or a body', async () => {
    const session = await signIn(client, ctx.url, org.ownerEmail, org.ownerPassword);
    const headers = { cookie: session.cookie, 'x-csrf-token': session.csrfToken, origin: ctx.url };
    const b64 = (v: string) => Buffer.from(v).toString('base64url');
    const requests: RawRequest[] = [
      { method: 'GET', path: '/api/agent-keys/%00', headers },
      { method: 'GET', path: '/api/users/a%00b', headers },
      { method: 'GET', path: `/api/users?cursor=${b64('\u0000')}`, headers },
      { method: 'GET', path: `/api/explorer/databases?cursor=${b64('a\u0000')}`, headers },
      { method: 'GET', path: `/api/explorer/databases/pg-shop/metrics?cursor=${b64(JSON.stringify(['\u0000', 'x']))}`, headers },
      { method: 'GET', path: '/api/audit-events?actor=%00', headers },
      { method: 'PATCH', path: '/api/organization', headers: { ...headers, 'content-type': 'application/json' }, body: Buffer.from(JSON.stringify({ name: 'a\u0000' })) },
      { method: 'POST', path: '/api/agent-keys', headers: { ...headers, 'content-type': 'application/json' }, body: Buffer.from('{"name":"\\ud800"}') },
    ];
    const answers = [];
    for (const req of requests) {
      const res = await client.send(req);
      answers.push({ path: req.path, status: res.status, code: (JSON.parse(res.body.toString('utf8')) as { error?: { code: string } }).error?.code });
    }
    expect(answers).toEqual(requests.map((r) => ({ path: r.path, status: 400, code: 'validation_failed' })));
  });

  it('stays up', async () => {
    expect((await fetch(`${ctx.url}/healthz`)).status).toBe(200);
  });
});
