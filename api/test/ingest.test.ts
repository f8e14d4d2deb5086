import { deflateSync, gzipSync } from 'node:zlib';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { MAX_BATCH_PAYLOADS, MAX_DECOMPRESSED_PAYLOAD_BYTES, type IngestBatchAccepted } from '@logstag/schema';
import { readPayloadBody } from '@logstag/store';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { TestWorkflowEnvironment } from '@temporalio/testing';
import { freePort, startDevServer, workflowIds } from '@logstag/temporal';
import { testTemporalCli } from '@logstag/temporal/testing';
import { collectionPayload, postPayload, seedOrganization, startTestContext, waitFor, type StoreBackend, type TestContext } from './context';
import { heartbeatPayload } from './heartbeat-payload';


/** Posts a batch: the lines joined with LF (a line may carry its own trailing CR), as NDJSON. */
function postBatch(url: string, lines: string[], init: { gzip?: boolean; key?: string; contentType?: string } = {}) {
  const text = Buffer.from(lines.join('\n'));
  return fetch(`${url}/v1/ingest`, {
    method: 'POST',
    headers: {
      'content-type': init.contentType ?? 'application/x-ndjson',
      ...(init.gzip ? { 'content-encoding': 'gzip' } : {}),
      ...(init.key ? { authorization: `Bearer ${init.key}` } : {}),
    },
    body: init.gzip ? gzipSync(text) : text,
  });
}

describe.each<StoreBackend>(['pglite', 'postgres'])('ingest through the real Temporal server (%s store)', (backend) => {
  let ctx: TestContext;
  // Every ingest request carries a real agent API key of a real organization.
  let key: string;
  let auth: Record<string, string>;
  beforeAll(async () => {
    ctx = await startTestContext(backend);
    key = (await seedOrganization(ctx)).agentKey;
    auth = { authorization: `Bearer ${key}` };
  });
  afterAll(async () => {
    await ctx?.stop();
  });

  const storedRow = (id: string) => ctx.app.store.db.selectFrom('payloads').selectAll().where('id', '=', id).executeTakeFirst();

  it('is ready when the store and Temporal answer', async () => {
    const res = await fetch(`${ctx.url}/readyz`);
    expect(res.status).toBe(200);
    expect(await res.json()).toMatchObject({ status: 'ready', checks: { store: { status: 'up', kind: backend }, temporal: { status: 'up' } } });
  });

  it('stores a payload, runs its batch ingest:<batchId> to completion, and marks it stored and evaluated', async () => {
    const payload = collectionPayload();
    const res = await postPayload(ctx.url, payload, { gzip: true, key });
    expect(res.status).toBe(202);
    expect(await res.json()).toEqual({ id: payload.id, status: 'accepted' });

    // The 202 does not wait for Temporal: the dispatcher starts the workflow right after the commit.
    await waitFor(async () => (await storedRow(payload.id))?.evaluated_at, 20_000, 'the payload to be stored and evaluated');
    const result = await ctx.temporal.client.workflow.getHandle(workflowIds.ingestBatch((await storedRow(payload.id))!.batch_id!)).result();
    // Evaluated by the default rule pack every new organization gets (its rules that read a PostgreSQL runtime collection).
    expect(result).toMatchObject({ stored: 1, alreadyStored: 0, failed: 0 });
    expect(result.rulesEvaluated).toBeGreaterThan(0);
    const row = await storedRow(payload.id);
    expect(row).toMatchObject({ status: 'stored', store_count: 1, target_id: 'pg-main', engine: 'postgresql', category: 'runtime' });
    expect(row?.evaluated_at).toBeInstanceOf(Date);
    // Kept as the agent sent it: the gzip bytes themselves, which read back as the payload.
    expect(row?.body_encoding).toBe('gzip');
    expect(await readPayloadBody(row!)).toMatchObject({ id: payload.id, data: { connections: { total: 3, max: 100 } } });
  });

  it('stores the same payload once when it is posted twice, and answers the duplicate the same way', async () => {
    const payload = collectionPayload();
    const first = await postPayload(ctx.url, payload, { key });
    const second = await postPayload(ctx.url, payload, { key });
    expect(first.status).toBe(202);
    expect(second.status).toBe(202);
    expect(await second.json()).toEqual({ id: payload.id, status: 'duplicate' });
    await waitFor(async () => (await storedRow(payload.id))?.evaluated_at, 20_000, 'the payload to be stored');
    const workflowId = workflowIds.ingestBatch((await storedRow(payload.id))!.batch_id!);
    await ctx.temporal.client.workflow.getHandle(workflowId).result();
    const rows = await ctx.app.store.db.selectFrom('payloads').select(['store_count']).where('id', '=', payload.id).execute();
    expect(rows).toEqual([{ store_count: 1 }]);
    // Exactly one workflow execution for its batch, however many posts.
    const executions = [];
    for await (const wf of ctx.temporal.client.workflow.list({ query: `WorkflowId = '${workflowId}'` })) executions.push(wf);
    expect(executions).toHaveLength(1);
  });

  it('answers each of many concurrent posts 202 only once its payload is committed, and stores every one', async () => {
    const payloads = Array.from({ length: 40 }, () => collectionPayload());
    const answers = await Promise.all(
      payloads.map(async (p) => {
        const res = await postPayload(ctx.url, p, { gzip: true, key });
        // Read through the test's own connection the moment the answer arrives: an uncommitted row is invisible.
        return { status: res.status, body: await res.json(), committed: (await storedRow(p.id)) !== undefined };
      }),
    );
    expect(answers).toEqual(payloads.map((p) => ({ status: 202, body: { id: p.id, status: 'accepted' }, committed: true })));
    await waitFor(
      async () => {
        const rows = await ctx.app.store.db.selectFrom('payloads').select('id').where('id', 'in', payloads.map((p) => p.id)).where('status', '=', 'stored').execute();
        return rows.length === payloads.length;
      },
      30_000,
      'every payload to be stored',
    );
  });

  it('answers 400 with the failing field paths for a payload that does not match the schema', async () => {
    const res = await postPayload(ctx.url, collectionPayload({ engine: 'oracle', collectedAt: 'yesterday' }), { key });
    expect(res.status).toBe(400);
    const body = (await res.json()) as { error: { code: string; details: { issues: Array<{ path: string }> } } };
    expect(body.error.code).toBe('validation_failed');
    expect(body.error.details.issues.map((i) => i.path)).toEqual(expect.arrayContaining(['engine', 'collectedAt']));
  });

  it('answers 400 for malformed JSON and stores nothing', async () => {
    const before = await ctx.app.store.db.selectFrom('payloads').select((eb) => eb.fn.countAll<number>().as('n')).executeTakeFirstOrThrow();
    const res = await postPayload(ctx.url, '{"id": ', { key });
    expect(res.status).toBe(400);
    expect(((await res.json()) as { error: { code: string } }).error.code).toBe('bad_request');
    const after = await ctx.app.store.db.selectFrom('payloads').select((eb) => eb.fn.countAll<number>().as('n')).executeTakeFirstOrThrow();
    expect(Number(after.n)).toBe(Number(before.n));
  });

  it('refuses a decompression bomb with 413 without inflating it whole', async () => {
    // 64 MiB of zeros gzip to ~64 KiB: small on the wire, over the decompressed cap once inflated.
    const bomb = gzipSync(Buffer.alloc(MAX_DECOMPRESSED_PAYLOAD_BYTES * 2, 0x20));
    const rssBefore = process.memoryUsage().rss;
    const res = await fetch(`${ctx.url}/v1/ingest`, { method: 'POST', headers: { 'content-type': 'application/json', 'content-encoding': 'gzip', ...auth }, body: bomb });
    expect(res.status).toBe(413);
    expect(((await res.json()) as { error: { code: string } }).error.code).toBe('payload_too_large');
    expect(process.memoryUsage().rss - rssBefore).toBeLessThan(MAX_DECOMPRESSED_PAYLOAD_BYTES * 2);
  });

  it('accepts deflate, refuses corrupt gzip with 400 and an unknown encoding with 415', async () => {
    const payload = collectionPayload();
    const deflated = await fetch(`${ctx.url}/v1/ingest`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', 'content-encoding': 'deflate', authorization: `Bearer ${key}` },
      body: deflateSync(JSON.stringify(payload)),
    });
    expect(deflated.status).toBe(202);
    const corrupt = await fetch(`${ctx.url}/v1/ingest`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', 'content-encoding': 'gzip', authorization: `Bearer ${key}` },
      body: Buffer.from('definitely not gzip'),
    });
    expect(corrupt.status).toBe(400);
    const brotli = await fetch(`${ctx.url}/v1/ingest`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', 'content-encoding': 'br', authorization: `Bearer ${key}` },
      body: Buffer.from('{}'),
    });
    expect(brotli.status).toBe(415);
  });

  it('answers 415 for a body that is not JSON', async () => {
    const res = await fetch(`${ctx.url}/v1/ingest`, { method: 'POST', headers: { 'content-type': 'text/plain', ...auth }, body: 'hello' });
    expect(res.status).toBe(415);
  });

  const countRows = async () => Number((await ctx.app.store.db.selectFrom('payloads').select((eb) => eb.fn.countAll<number>().as('n')).executeTakeFirstOrThrow()).n);
  const ingested = async () => {
    const text = await (await fetch(`${ctx.url}/metrics`)).text();
    const of = (outcome: string) => Number(new RegExp(`logstag_ingest_payloads_total\\{outcome="${outcome}"\\} (\\d+)`).exec(text)?.[1] ?? 0);
    return { accepted: of('accepted'), duplicate: of('duplicate'), invalid: of('invalid') };
  };

  it('accepts a gzip NDJSON batch line by line: stores and runs the valid ones, rejects the rest alone', async () => {
    const stored = collectionPayload();
    expect((await postPayload(ctx.url, stored, { key })).status).toBe(202);
    const a = collectionPayload({ data: { connections: { total: 7, max: 50 } } });
    const heartbeat = heartbeatPayload();
    const b = collectionPayload();
    const invalid = collectionPayload({ engine: 'oracle' });
    const before = { rows: await countRows(), metrics: await ingested() };

    const res = await postBatch(
      ctx.url,
      [
        JSON.stringify(a), JSON.stringify(heartbeat), '', '{"id": "nope", ', `${JSON.stringify(b)}\r`, JSON.stringify(invalid), JSON.stringify(stored),
        // An "id" no payload can have is not echoed: the answer stays small whatever a line claims.
        JSON.stringify({ ...invalid, id: 'x'.repeat(100_000) }),
        '',
      ],
      { gzip: true, key },
    );
    expect(res.status).toBe(202);
    const body = (await res.json()) as IngestBatchAccepted;
    expect(body.results).toEqual([
      { line: 1, id: a.id, status: 'accepted' },
      { line: 2, id: heartbeat.id, status: 'accepted' },
      { line: 4, status: 'rejected', error: { code: 'bad_request', message: expect.stringContaining('not valid JSON') } },
      { line: 5, id: b.id, status: 'accepted' },
      {
        line: 6,
        id: invalid.id,
        status: 'rejected',
        error: { code: 'validation_failed', message: 'the payload does not match the schema', issues: [expect.objectContaining({ path: 'engine' })] },
      },
      { line: 7, id: stored.id, status: 'duplicate' },
      { line: 8, status: 'rejected', error: expect.objectContaining({ code: 'validation_failed' }) },
    ]);
    // The 202 came after the commit: the valid lines are there already, nothing else is.
    expect(await countRows()).toBe(before.rows + 3);
    expect(await storedRow(invalid.id)).toBeUndefined();
    expect(await ingested()).toEqual({ accepted: before.metrics.accepted + 3, duplicate: before.metrics.duplicate + 1, invalid: before.metrics.invalid + 2 });

    for (const p of [a, heartbeat, b]) {
      const row = await waitFor(async () => {
        const r = await storedRow(p.id);
        return r?.evaluated_at ? r : undefined;
      }, 30_000, `batched payload ${p.kind} to be stored and evaluated`);
      expect(row).toMatchObject({ status: 'stored', store_count: 1, kind: p.kind, body_encoding: 'identity' });
      // Each line is kept as its own JSON, without the CR that ended it.
      expect(row.body_bytes).toBe(Buffer.byteLength(JSON.stringify(p)));
      expect(await readPayloadBody(row)).toEqual(p);
    }
    expect(await storedRow(stored.id)).toMatchObject({ store_count: 1, body_encoding: 'identity' });
  });

  it("rejects a batch line that reuses another organization's id as a conflict, accepts the others, and reveals nothing", async () => {
    const other = await seedOrganization(ctx, 'Other Org');
    const theirs = collectionPayload({ targetId: 'their-secret-target', data: { secret: { value: 'their-secret-value' } } });
    expect((await postPayload(ctx.url, theirs, { key: other.agentKey })).status).toBe(202);
    const a = collectionPayload();
    const b = collectionPayload();
    const reused = collectionPayload({ id: theirs.id });

    const res = await postBatch(ctx.url, [JSON.stringify(a), JSON.stringify(reused), JSON.stringify(b)], { key });
    expect(res.status).toBe(202);
    const text = await res.text();
    expect(JSON.parse(text)).toEqual({
      results: [
        { line: 1, id: a.id, status: 'accepted' },
        { line: 2, id: theirs.id, status: 'rejected', error: { code: 'conflict', message: 'payload id already used; generate a new UUID v7' } },
        { line: 3, id: b.id, status: 'accepted' },
      ],
    });
    for (const secret of ['their-secret', other.organizationId, 'Other Org']) expect(text).not.toContain(secret);
    // Their payload is untouched; ours are ours.
    const row = await storedRow(theirs.id);
    expect(row?.organization_id).toBe(other.organizationId);
    expect(await readPayloadBody(row!)).toEqual(theirs);
    const orgId = (await storedRow(a.id))?.organization_id;
    expect(orgId).toBeDefined();
    expect(orgId).not.toBe(other.organizationId);
    expect((await storedRow(b.id))?.organization_id).toBe(orgId);
  });

  it('refuses a batch over MAX_BATCH_PAYLOADS with 413, an empty one with 400, another type with 415 and no key with 401', async () => {
    const payloads = Array.from({ length: MAX_BATCH_PAYLOADS + 1 }, () => collectionPayload());
    const lines = payloads.map((p) => JSON.stringify(p));
    const before = await countRows();

    const tooMany = await postBatch(ctx.url, lines, { gzip: true, key });
    expect(tooMany.status).toBe(413);
    const tooManyBody = (await tooMany.json()) as { error: { code: string; message: string } };
    expect(tooManyBody.error.code).toBe('payload_too_large');
    expect(tooManyBody.error.message).toContain(String(MAX_BATCH_PAYLOADS));

    for (const empty of [[], ['', '  ', '\r', '']]) {
      const res = await postBatch(ctx.url, empty, { key });
      expect(res.status).toBe(400);
      expect(((await res.json()) as { error: { code: string } }).error.code).toBe('bad_request');
    }

    const wrongType = await postBatch(ctx.url, lines.slice(0, 2), { key, contentType: 'text/plain' });
    expect(wrongType.status).toBe(415);
    const wrongTypeBody = (await wrongType.json()) as { error: { code: string; message: string } };
    expect(wrongTypeBody.error.code).toBe('unsupported_media_type');
    expect(wrongTypeBody.error.message).toContain('application/json');
    expect(wrongTypeBody.error.message).toContain('application/x-ndjson');

    const anonymous = await postBatch(ctx.url, lines.slice(0, 2));
    expect(anonymous.status).toBe(401);
    const forged = await postBatch(ctx.url, lines.slice(0, 2), { key: `${key}x` });
    expect(forged.status).toBe(401);

    // None of them stored a line.
    expect(await countRows()).toBe(before);

    // Exactly the limit, blank lines between them, is one batch: every line committed before the 202.
    const full = await postBatch(ctx.url, lines.slice(0, MAX_BATCH_PAYLOADS).flatMap((l) => [l, '']), { gzip: true, key });
    expect(full.status).toBe(202);
    const { results } = (await full.json()) as IngestBatchAccepted;
    expect(results).toEqual(payloads.slice(0, MAX_BATCH_PAYLOADS).map((p, i) => ({ line: 2 * i + 1, id: p.id, status: 'accepted' })));
    expect(await countRows()).toBe(before + MAX_BATCH_PAYLOADS);
    await waitFor(
      async () => {
        const stored = await ctx.app.store.db.selectFrom('payloads').select('id').where('id', 'in', payloads.map((p) => p.id)).where('status', '=', 'stored').execute();
        return stored.length === MAX_BATCH_PAYLOADS;
      },
      60_000,
      'every payload of the full batch to be stored',
    );
  });

  it('exposes ingest counters in Prometheus text', async () => {
    const res = await fetch(`${ctx.url}/metrics`);
    expect(res.headers.get('content-type')).toContain('text/plain');
    const text = await res.text();
    expect(text).toMatch(/logstag_ingest_payloads_total\{outcome="accepted"\} [1-9]/);
    expect(text).toMatch(/logstag_ingest_payloads_total\{outcome="duplicate"\} [1-9]/);
  });

  it('answers unknown API routes with the JSON error shape', async () => {
    const res = await fetch(`${ctx.url}/api/nothing-here`);
    expect(res.status).toBe(404);
    expect(await res.json()).toEqual({ error: { code: 'not_found', message: 'no route GET /api/nothing-here' } });
  });

  it('answers /healthz without checking dependencies', async () => {
    const res = await fetch(`${ctx.url}/healthz`);
    expect(await res.json()).toEqual({ status: 'ok' });
  });
});

describe('ingest when Temporal is unreachable', () => {
  it('keeps accepted payloads pending while the dev server is down and stores every one once it is back', async () => {
    // A real dev server on a fixed port and file, so it can be stopped and started again where the app expects it.
    const dir = mkdtempSync(join(tmpdir(), 'logstag-outage-'));
    const port = await freePort();
    const start = () => startDevServer({ binary: testTemporalCli(), port, uiPort: null, dbFile: join(dir, 't.db'), namespace: 'logstag' });
    let server = await start();
    const env = await TestWorkflowEnvironment.createFromExistingServer({ address: server.address, namespace: 'logstag' });
    const ctx = await startTestContext('pglite', { temporal: env, recoveryIntervalMs: 300 });
    try {
      const org = await seedOrganization(ctx);
      await server.stop();
      const payloads = Array.from({ length: 5 }, () => collectionPayload());
      for (const p of payloads) expect((await postPayload(ctx.url, p, { key: org.agentKey })).status).toBe(202);
      const statuses = async () =>
        (await ctx.app.store.db.selectFrom('payloads').select('status').where('id', 'in', payloads.map((p) => p.id)).execute()).map((r) => r.status);
      await new Promise((r) => setTimeout(r, 1_500));
      // Committed and waiting (pending, or claimed while a start attempt is in flight); none lost, none stored.
      const waiting = await statuses();
      expect(waiting).toHaveLength(payloads.length);
      for (const s of waiting) expect(['pending', 'started']).toContain(s);
      expect((await fetch(`${ctx.url}/readyz`)).status).toBe(503);

      server = await start();
      await waitFor(async () => {
        const s = await statuses();
        return s.length === payloads.length && s.every((x) => x === 'stored');
      }, 60_000, 'every accepted payload to be stored after Temporal returned');
    } finally {
      await ctx.stop();
      await env.teardown();
      await server.stop();
    }
  });
});
