// Store errors classified as the activity sees them: each one produced by the real store (PGlite, PostgreSQL 15, the
// pg pool), not written by hand, so a driver that changes its codes or messages fails here.
import { createServer } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { sql } from 'kysely';
import pg from 'pg';
import { openStore, type Store } from '@logstag/store';
import { classifyStoreError } from '../src/store-errors';
import { postgresTestStore } from './test-store';

async function errorOf(work: () => Promise<unknown>): Promise<unknown> {
  try {
    await work();
  } catch (err) {
    return err;
  }
  throw new Error('expected the work to fail');
}

describe('classifyStoreError on PGlite', () => {
  let store: Store;
  beforeAll(async () => {
    store = await openStore({ dataDir: 'memory://' });
  });
  afterAll(async () => {
    await store?.close();
  });

  it.each([
    ['a NUL in jsonb', sql`select ${'{"q":"a\\u0000b"}'}::jsonb`, '22P05'],
    ['a NUL in text', sql`select 'a' || chr(0)`, '54000'],
    ['bad UTF-8', sql`select convert_from('\\xc3'::bytea, 'UTF8')`, '22021'],
    ['year 0000', sql`select '0000-01-01T00:00:00Z'::timestamptz`, '22008'],
    ['a number out of range', sql`select 99999999999::integer`, '22003'],
  ])('calls %s a data error, with its SQLSTATE', async (_what, query, code) => {
    const err = await errorOf(() => query.execute(store.db));
    expect(classifyStoreError(err)).toMatchObject({ kind: 'data', code });
  });

  it('calls a closed embedded store transient (the process is stopping; another worker takes over)', async () => {
    const closed = await openStore({ dataDir: 'memory://' });
    await closed.close();
    const err = await errorOf(() => sql`select 1`.execute(closed.db));
    expect(classifyStoreError(err).kind).toBe('transient');
  });
});

describe('classifyStoreError on PostgreSQL', () => {
  const store = postgresTestStore(4);
  beforeAll(async () => {
    await sql`create table t (id int primary key)`.execute(store.db);
    await sql`insert into t values (1), (2)`.execute(store.db);
  });

  it('calls a NUL sent as a text parameter a data error (22021)', async () => {
    const err = await errorOf(() => sql`select ${'a\u0000b'}::text`.execute(store.db));
    expect(classifyStoreError(err)).toMatchObject({ kind: 'data', code: '22021' });
  });

  it('calls a unique violation a data error (23505)', async () => {
    const err = await errorOf(() => sql`insert into t values (1)`.execute(store.db));
    expect(classifyStoreError(err)).toMatchObject({ kind: 'data', code: '23505' });
  });

  it('calls a lock wait past lock_timeout transient (55P03)', async () => {
    const holder = new pg.Client({ connectionString: store.url });
    await holder.connect();
    try {
      await holder.query('begin; lock table t in access exclusive mode');
      const err = await errorOf(() => store.db.transaction().execute(async (trx) => {
        await sql`set local lock_timeout = '100ms'`.execute(trx);
        await sql`select * from t`.execute(trx);
      }));
      expect(classifyStoreError(err)).toMatchObject({ kind: 'transient', code: '55P03' });
    } finally {
      await holder.end();
    }
  });

  it('calls a deadlock transient (40P01)', async () => {
    const a = new pg.Client({ connectionString: store.url });
    const b = new pg.Client({ connectionString: store.url });
    await a.connect();
    await b.connect();
    try {
      await a.query('begin; update t set id = id where id = 1');
      await b.query('begin; update t set id = id where id = 2');
      const results = await Promise.allSettled([a.query('update t set id = id where id = 2'), b.query('update t set id = id where id = 1')]);
      const failed = results.find((r): r is PromiseRejectedResult => r.status === 'rejected');
      expect(classifyStoreError(failed?.reason)).toMatchObject({ kind: 'transient', code: '40P01' });
    } finally {
      await a.end();
      await b.end();
    }
  });

  it('calls a serialization failure transient (40001)', async () => {
    const a = new pg.Client({ connectionString: store.url });
    const b = new pg.Client({ connectionString: store.url });
    await a.connect();
    await b.connect();
    try {
      await a.query('begin isolation level repeatable read; select * from t');
      await b.query('update t set id = id where id = 1');
      const err = await errorOf(() => a.query('update t set id = id where id = 1'));
      expect(classifyStoreError(err)).toMatchObject({ kind: 'transient', code: '40001' });
    } finally {
      await a.end();
      await b.end();
    }
  });

  it('calls a connection the server terminated transient (57P01)', async () => {
    const victim = new pg.Client({ connectionString: store.url });
    victim.on('error', () => undefined);
    await victim.connect();
    const { rows } = await victim.query<{ pid: number }>('select pg_backend_pid() as pid');
    await sql`select pg_terminate_backend(${rows[0]!.pid})`.execute(store.db);
    const err = await errorOf(() => victim.query('select 1'));
    expect(classifyStoreError(err).kind).toBe('transient');
    await victim.end().catch(() => undefined);
  });

  it('calls a pool that has no free connection in time transient', async () => {
    const pool = new pg.Pool({ connectionString: store.url, max: 1, connectionTimeoutMillis: 100 });
    const held = await pool.connect();
    try {
      const err = await errorOf(() => pool.query('select 1'));
      expect((err as Error).message).toMatch(/timeout/);
      expect(classifyStoreError(err).kind).toBe('transient');
    } finally {
      held.release();
      await pool.end();
    }
  });

  it('calls a refused connection transient', async () => {
    // A port nothing listens on: bind one, then close it.
    const port = await new Promise<number>((resolve) => {
      const s = createServer().listen(0, '127.0.0.1', () => {
        const p = (s.address() as { port: number }).port;
        s.close(() => resolve(p));
      });
    });
    const client = new pg.Client({ host: '127.0.0.1', port, user: 'x', database: 'x' });
    const err = await errorOf(() => client.connect());
    expect(classifyStoreError(err)).toMatchObject({ kind: 'transient', code: 'ECONNREFUSED' });
  });
});

describe('classifyStoreError on errors normalization throws', () => {
  it('calls a RangeError or TypeError from a body a data error', () => {
    const range = (() => {
      try {
        new Date('not a date').toISOString();
      } catch (err) {
        return err;
      }
    })();
    expect(classifyStoreError(range)).toMatchObject({ kind: 'data', code: 'RangeError' });
    const type = (() => {
      try {
        return (null as unknown as { x: number }).x;
      } catch (err) {
        return err;
      }
    })();
    expect(classifyStoreError(type)).toMatchObject({ kind: 'data', code: 'TypeError' });
  });

  it('calls an error it does not know transient, so that it is retried a bounded number of times', () => {
    expect(classifyStoreError(new Error('something else'))).toMatchObject({ kind: 'transient' });
    expect(classifyStoreError(Object.assign(new Error('undefined table'), { code: '42P01' }))).toMatchObject({ kind: 'transient', code: '42P01' });
  });

  it('finds the cause of a wrapped error', () => {
    const inner = Object.assign(new Error('connect ECONNRESET'), { code: 'ECONNRESET' });
    expect(classifyStoreError(new Error('query failed', { cause: inner }))).toMatchObject({ kind: 'transient', code: 'ECONNRESET' });
  });
});
