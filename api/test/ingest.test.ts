import { deflateSync, gzipSync } from 'node:zlib';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { MAX_DECOMPRESSED_PAYLOAD_BYTES } from '@logstag/schema';
import { readPayloadBody } from '@logstag/store';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { TestWorkflowEnvironment } from '@temporalio/testing';
import { freePort, startDevServer, workflowIds } from '@logstag/temporal';
import { testTemporalCli } from '@logstag/temporal/testing';
import { collectionPayload, postPayload, seedOrganization, startTestContext, waitFor, type StoreBackend, type TestContext } from './context';

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

  it('stores a payload, runs ingest:<id> to completion, and marks it stored and evaluated', async () => {
    const payload = collectionPayload();
    const res = await postPayload(ctx.url, payload, { gzip: true, key });
    expect(res.status).toBe(202);
    expect(await res.json()).toEqual({ id: payload.id, status: 'accepted' });

    // The 202 does not wait for Temporal: the dispatcher starts the workflow right after the commit.
    await waitFor(async () => (await storedRow(payload.id))?.evaluated_at, 20_000, 'the payload to be stored and evaluated');
    const result = await ctx.temporal.client.workflow.getHandle(workflowIds.ingest(payload.id)).result();
    expect(result).toEqual({ stored: 1, alreadyStored: 0, rulesEvaluated: 0 });
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
    await ctx.temporal.client.workflow.getHandle(workflowIds.ingest(payload.id)).result();
    const rows = await ctx.app.store.db.selectFrom('payloads').select(['store_count']).where('id', '=', payload.id).execute();
    expect(rows).toEqual([{ store_count: 1 }]);
    // Exactly one workflow execution for the id, however many posts.
    const executions = [];
    for await (const wf of ctx.temporal.client.workflow.list({ query: `WorkflowId = '${workflowIds.ingest(payload.id)}'` })) executions.push(wf);
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
