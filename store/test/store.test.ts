import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { sql } from 'kysely';
import { migrateToLatest, openStore, payloadBodyFromJson, readPayloadBody, StoreError, type Store } from '../src/index';
import { migrations } from '../src/migrations/index';
import { createTestDatabase, type TestDatabase } from '../src/testing';
import { suiteStore } from './backends';

// The same migrations and queries must behave identically on the embedded default and on PostgreSQL.
const backends: Array<[string, () => Promise<{ store: Store; cleanup: () => Promise<void> }>]> = [
  [
    'PGlite',
    async () => {
      const dir = mkdtempSync(join(tmpdir(), 'logstag-pglite-'));
      return { store: await openStore({ dataDir: dir }), cleanup: async () => undefined };
    },
  ],
  [
    'PostgreSQL',
    async () => {
      const tdb: TestDatabase = await createTestDatabase();
      return { store: await openStore({ databaseUrl: tdb.url }), cleanup: () => tdb.drop() };
    },
  ],
];

describe.each(backends)('store on %s', (_name, open) => {
  const store = suiteStore(open);

  it('applies every migration and records it', async () => {
    const applied = await sql<{ name: string }>`select name from kysely_migration order by name`.execute(store.db);
    expect(applied.rows.map((r) => r.name)).toEqual(Object.keys(migrations).sort());
  });

  it('applies a migration whose name sorts before ones the store already applied (features merged side by side)', async () => {
    const tdb = await createTestDatabase();
    const { Kysely, PostgresDialect } = await import('kysely');
    const { default: pg } = await import('pg');
    const db = new Kysely<unknown>({ dialect: new PostgresDialect({ pool: new pg.Pool({ connectionString: tdb.url, max: 2 }) }) });
    try {
      const names = Object.keys(migrations).sort();
      const late = names[names.length - 3]!;
      await migrateToLatest(db, Object.fromEntries(Object.entries(migrations).filter(([name]) => name !== late)));
      const after = await migrateToLatest(db);
      expect(after.results?.map((r) => [r.migrationName, r.status])).toEqual([[late, 'Success']]);
    } finally {
      await db.destroy();
      await tdb.drop();
    }
  });

  it('is idempotent when migrated again', async () => {
    const again = await migrateToLatest(store.db);
    expect(again.results).toEqual([]);
  });

  it('stores a payload once per id and returns its bytes and counters as numbers', async () => {
    const id = '019ab6f0-5c1e-7a3b-8c9d-0123456789ab';
    const row = {
      id,
      organization_id: 'org',
      agent_id: 'agent',
      kind: 'collection' as const,
      collected_at: '2026-11-25T10:00:00Z',
      replayed: false,
      body_raw: Buffer.from(JSON.stringify({ data: { n: 1 } })),
      body_encoding: 'identity' as const,
      body_bytes: 42,
    };
    await store.db.insertInto('payloads').values(row).execute();
    const second = await store.db.insertInto('payloads').values(row).onConflict((oc) => oc.column('id').doNothing()).returning('id').executeTakeFirst();
    expect(second).toBeUndefined();
    const stored = await store.db.selectFrom('payloads').selectAll().where('id', '=', id).executeTakeFirstOrThrow();
    expect(await readPayloadBody(stored)).toEqual({ data: { n: 1 } });
    // bytea comes back as bytes on both stores.
    expect(stored.body_raw).toBeInstanceOf(Uint8Array);
    expect(stored.status).toBe('pending');
    expect(stored.collected_at).toBeInstanceOf(Date);
    const big = await sql<{ n: number }>`select 9007199254740991::int8 as n`.execute(store.db);
    expect(big.rows[0]?.n).toBe(9007199254740991);
  });

  it('reads back a gzip body as the JSON it holds', async () => {
    const id = '019ab6f0-5c1e-7a3b-8c9d-0123456789ad';
    const body = await payloadBodyFromJson({ id, data: { text: 'ünïcødé' } });
    expect(body.body_raw.subarray(0, 2)).toEqual(Buffer.from([0x1f, 0x8b]));
    await store.db
      .insertInto('payloads')
      .values({ id, organization_id: 'org', agent_id: 'a', kind: 'collection', collected_at: new Date(), replayed: false, ...body })
      .execute();
    const row = await store.db.selectFrom('payloads').select(['body_raw', 'body_encoding']).where('id', '=', id).executeTakeFirstOrThrow();
    expect(await readPayloadBody(row)).toEqual({ id, data: { text: 'ünïcødé' } });
  });

  it('refuses a status outside the lifecycle', async () => {
    await expect(
      store.db
        .insertInto('payloads')
        .values({ id: '019ab6f0-5c1e-7a3b-8c9d-0123456789ac', organization_id: 'o', agent_id: 'a', kind: 'collection', collected_at: new Date(), replayed: false, body_raw: Buffer.from('{}'), body_encoding: 'identity', body_bytes: 2, status: 'lost' as never })
        .execute(),
    ).rejects.toThrow(/payloads_status_check/);
  });
});

describe('store errors', () => {
  it('names the data folder when it cannot be used', async () => {
    const file = join(mkdtempSync(join(tmpdir(), 'logstag-')), 'not-a-dir');
    writeFileSync(file, 'x');
    await expect(openStore({ dataDir: join(file, 'pglite') })).rejects.toThrow(StoreError);
    await expect(openStore({ dataDir: join(file, 'pglite') })).rejects.toThrow(/not readable and writable.*LOGSTAG_DATA_DIR/);
  });

  it('redacts the password when PostgreSQL is unreachable', async () => {
    const err = await openStore({ databaseUrl: 'postgres://u:s3cret@127.0.0.1:1/db' }).catch((e: unknown) => e as Error);
    expect(err).toBeInstanceOf(StoreError);
    expect((err as Error).message).toContain('postgres://u:***@127.0.0.1:1/db');
    expect((err as Error).message).not.toContain('s3cret');
  });
});
