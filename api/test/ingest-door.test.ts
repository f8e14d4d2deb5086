// What the store cannot hold is refused at the door (issue 12, defects 1, 3 and 6): a NUL or a lone surrogate in any
// string or key, nesting deeper than MAX_PAYLOAD_DEPTH, a collectedAt outside the accepted window. Each is answered
// 400 with the field path, alone or as one line of a batch whose other lines are stored; and a line the database
// itself refuses is that line's own verdict, never a 500 for the batch.
import pg from 'pg';
import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { MAX_PAYLOAD_DEPTH, type IngestBatchAccepted, type IngestBatchItem } from '@logstag/schema';
import { testPostgresAdminUrl } from '@logstag/store/testing';
import { collectionPayload, postPayload, seedOrganization, startTestContext, waitFor, type TestContext } from './context';
import { heartbeatPayload } from './heartbeat-payload';

const MINUTE = 60_000;


/** A collection payload's JSON whose `data.deep` is an array nested `depth` deep (built as text: JSON.stringify recurses). */
function deeplyNestedJson(depth: number): { id: string; json: string } {
  const payload = collectionPayload({ data: { deep: '__DEEP__' } });
  return { id: payload.id, json: JSON.stringify(payload).replace('"__DEEP__"', `${'['.repeat(depth)}${']'.repeat(depth)}`) };
}

interface Trigger {
  name: string;
  /** The payload's JSON and id. */
  make(): { id: string; json: string };
  /** The issue's field path: exactly, or its beginning when it ends with '…'. */
  path: string;
  message: RegExp;
}

const json = (p: { id: string }) => ({ id: p.id, json: JSON.stringify(p) });
const at = (iso: string) => () => json(collectionPayload({ collectedAt: iso }));

const TRIGGERS: Trigger[] = [
  { name: 'a NUL in a nested string', make: () => json(collectionPayload({ data: { settings: { rows: [{ name: 'ok' }, { name: 'a\u0000b' }] } } })), path: 'data.settings.rows.1.name', message: /NUL/ },
  { name: 'a NUL in a key', make: () => json(collectionPayload({ data: { settings: { 'a\u0000b': 1 } } })), path: 'data.settings.a\\u0000b', message: /key .*NUL/ },
  { name: 'a lone surrogate "\\ud800"', make: () => json(collectionPayload({ data: { keys: { sample: '\ud800' } } })), path: 'data.keys.sample', message: /surrogate/ },
  { name: 'collectedAt in year 0000', make: at('0000-01-01T00:00:00Z'), path: 'collectedAt', message: /older than/ },
  { name: 'collectedAt in year 0001', make: at('0001-01-01T00:00:00Z'), path: 'collectedAt', message: /older than/ },
  { name: 'collectedAt in year 9999', make: at('9999-12-31T23:59:59Z'), path: 'collectedAt', message: /ahead/ },
  { name: 'collectedAt 11 minutes ahead', make: () => json(collectionPayload({ collectedAt: new Date(Date.now() + 11 * MINUTE).toISOString() })), path: 'collectedAt', message: /ahead/ },
  { name: "a heartbeat's collectedAt in year 0001", make: () => json(heartbeatPayload({ collectedAt: '0001-01-01T00:00:00Z' })), path: 'collectedAt', message: /older than/ },
  { name: 'a 100,000-deep nested array', make: () => deeplyNestedJson(100_000), path: 'data.deep.0.0.0…', message: new RegExp(`deeper than ${MAX_PAYLOAD_DEPTH}`) },
];

type Issue = { path: string; message: string };

function expectIssue(issues: Issue[] | undefined, trigger: Trigger): void {
  expect(issues?.length).toBeGreaterThan(0);
  const issue = issues![0]!;
  if (trigger.path.endsWith('…')) expect(issue.path.startsWith(trigger.path.slice(0, -1))).toBe(true);
  else expect(issue.path).toBe(trigger.path);
  expect(issue.message).toMatch(trigger.message);
}

function postBatch(url: string, key: string, lines: string[]) {
  return fetch(`${url}/v1/ingest`, {
    method: 'POST',
    headers: { 'content-type': 'application/x-ndjson', authorization: `Bearer ${key}` },
    body: lines.join('\n'),
  });
}

describe('ingest refuses at the door what the store cannot hold (PostgreSQL store)', () => {
  let ctx: TestContext;
  let key: string;
  const accepted: string[] = [];
  beforeAll(async () => {
    ctx = await startTestContext('postgres');
    key = (await seedOrganization(ctx)).agentKey;
  });
  afterAll(async () => {
    await ctx?.stop();
  });

  const storedIds = async (ids: string[]) =>
    new Set((await ctx.app.store.db.selectFrom('payloads').select('id').where('id', 'in', ids).execute()).map((r) => r.id));

  /** 50 valid lines with the given line 26th; returns the answer after checking the 50 are accepted and committed. */
  async function batchAround(bad: { id: string; json: string }): Promise<IngestBatchItem> {
    const good = Array.from({ length: 50 }, () => collectionPayload());
    const lines = good.map((p) => JSON.stringify(p));
    lines.splice(25, 0, bad.json);
    const res = await postBatch(ctx.url, key, lines);
    expect(res.status).toBe(202);
    const { results } = (await res.json()) as IngestBatchAccepted;
    expect(results).toHaveLength(51);
    const others = results.filter((_, i) => i !== 25);
    expect(others).toEqual(good.map((p, i) => ({ line: i < 25 ? i + 1 : i + 2, id: p.id, status: 'accepted' })));
    expect((await storedIds(good.map((p) => p.id))).size).toBe(50);
    accepted.push(...good.map((p) => p.id));
    return results[25]!;
  }

  for (const trigger of TRIGGERS) {
    it(`answers 400 with the field path for ${trigger.name}, and stores nothing`, async () => {
      const bad = trigger.make();
      const res = await postPayload(ctx.url, bad.json, { key, gzip: true });
      expect(res.status).toBe(400);
      const body = (await res.json()) as { error: { code: string; details?: { issues?: Issue[] } } };
      expect(body.error.code).toBe('validation_failed');
      expectIssue(body.error.details?.issues, trigger);
      expect((await storedIds([bad.id])).size).toBe(0);
    });

    it(`rejects ${trigger.name} as its own line of a 51-line batch and stores the other 50`, async () => {
      const bad = trigger.make();
      const item = await batchAround(bad);
      expect(item).toMatchObject({ line: 26, id: bad.id, status: 'rejected', error: { code: 'validation_failed' } });
      expectIssue(item.status === 'rejected' ? item.error.issues : undefined, trigger);
      expect((await storedIds([bad.id])).size).toBe(0);
    });
  }

  it('accepts a payload collected within the window: a spooled one 71 hours old, one 9 minutes ahead', async () => {
    for (const collectedAt of [new Date(Date.now() - 71 * 60 * MINUTE), new Date(Date.now() + 9 * MINUTE)]) {
      const p = collectionPayload({ collectedAt: collectedAt.toISOString(), replayed: true });
      const res = await postPayload(ctx.url, p, { key });
      expect(res.status).toBe(202);
      accepted.push(p.id);
    }
  });

  describe('a line the database refuses that the door lets through', () => {
    // A CHECK constraint of this test's own database stands for any data error the door does not foresee (SQLSTATE 23514).
    beforeAll(async () => {
      await sql`alter table payloads add constraint door_test_refused check (agent_id <> 'refused-by-store')`.execute(ctx.app.store.db);
    });
    afterAll(async () => {
      await sql`alter table payloads drop constraint door_test_refused`.execute(ctx.app.store.db);
    });
    const refused = () => collectionPayload({ agentId: 'refused-by-store' });

    it('is rejected alone in a batch, with its own code, while the other 50 lines are committed (not a 500)', async () => {
      const bad = refused();
      const item = await batchAround(json(bad));
      expect(item).toMatchObject({ line: 26, id: bad.id, status: 'rejected', error: { code: 'unstorable', message: expect.stringMatching(/check constraint/) } });
      expect((await storedIds([bad.id])).size).toBe(0);
    });

    it('answers 422 unstorable as a single payload (not a 500)', async () => {
      const res = await postPayload(ctx.url, refused(), { key });
      expect(res.status).toBe(422);
      expect(((await res.json()) as { error: { code: string } }).error.code).toBe('unstorable');
    });
  });

  it('stores every accepted payload: no refused line was left in the pipeline to block them', async () => {
    await waitFor(
      async () => {
        const rows = await ctx.app.store.db.selectFrom('payloads').select('id').where('id', 'in', accepted).where('status', '=', 'stored').execute();
        return rows.length === accepted.length;
      },
      120_000,
      `all ${accepted.length} accepted payloads to be stored`,
    );
  });

  it('answers 503 with Retry-After, never 500, while the store refuses connections, and accepts again after', async () => {
    const name = (await sql<{ name: string }>`select current_database() as name`.execute(ctx.app.store.db)).rows[0]!.name;
    const admin = new pg.Client({ connectionString: testPostgresAdminUrl() });
    await admin.connect();
    try {
      await admin.query(`alter database ${name} allow_connections false`);
      await admin.query('select pg_terminate_backend(pid) from pg_stat_activity where datname = $1 and pid <> pg_backend_pid()', [name]);
      for (const send of [
        () => postPayload(ctx.url, collectionPayload(), { key }),
        () => postBatch(ctx.url, key, [JSON.stringify(collectionPayload()), JSON.stringify(collectionPayload())]),
      ]) {
        const res = await send();
        expect(res.status).toBe(503);
        expect(Number(res.headers.get('retry-after'))).toBeGreaterThan(0);
        expect(((await res.json()) as { error: { code: string } }).error.code).toBe('unavailable');
      }
    } finally {
      await admin.query(`alter database ${name} allow_connections true`);
      await admin.end();
    }
    const again = await waitFor(async () => {
      const res = await postPayload(ctx.url, collectionPayload(), { key });
      return res.status === 202 ? res : undefined;
    }, 20_000, 'ingest to accept again');
    expect(again.status).toBe(202);
  });
});

describe('LOGSTAG_INGEST_MAX_PAST_HOURS', () => {
  let ctx: TestContext;
  let key: string;
  beforeAll(async () => {
    ctx = await startTestContext('postgres', { env: { LOGSTAG_INGEST_MAX_PAST_HOURS: '1' } });
    key = (await seedOrganization(ctx)).agentKey;
  });
  afterAll(async () => {
    await ctx?.stop();
  });

  it('sets how old collectedAt may be', async () => {
    const recent = await postPayload(ctx.url, collectionPayload({ collectedAt: new Date(Date.now() - 50 * MINUTE).toISOString() }), { key });
    expect(recent.status).toBe(202);
    const old = await postPayload(ctx.url, collectionPayload({ collectedAt: new Date(Date.now() - 70 * MINUTE).toISOString() }), { key });
    expect(old.status).toBe(400);
    const body = (await old.json()) as { error: { details: { issues: Issue[] } } };
    expect(body.error.details.issues).toEqual([{ path: 'collectedAt', message: expect.stringMatching(/^older than 1 hours/) }]);
  });
});
