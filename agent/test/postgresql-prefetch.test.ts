import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { TargetPool } from '../src/collectors/postgresql/pool';
import { prefetched } from '../src/collectors/postgresql/prefetch';
import { QueryClock } from '../src/collectors/query-clock';
import { createPgFixture, signal, silentLogger, type PgFixture } from './postgresql-fixture';

describe('PostgreSQL statements sent in one round trip', () => {
  let fx: PgFixture;
  let pool: TargetPool;

  beforeAll(async () => {
    fx = await createPgFixture({ extension: false });
    pool = new TargetPool(fx.target(), silentLogger);
  });
  afterAll(async () => {
    await pool?.close();
    await fx?.cleanup();
  });

  it('answers each prefetched statement from the one round trip, and anything else from the server', async () => {
    const clock = new QueryClock();
    await pool.use(
      undefined,
      async (session) => {
        const conn = await prefetched(session, ['SELECT 1 AS one', "SELECT 'two' AS two, 2::int8 AS n"]);
        expect(await conn.rows('SELECT 1 AS one')).toEqual([{ one: 1 }]);
        // The session's type parsers apply to batched results too (int8 → number).
        expect(await conn.rows("SELECT 'two' AS two, 2::int8 AS n")).toEqual([{ two: 'two', n: 2 }]);
        expect(clock.queries).toBe(1);
        expect(await conn.rows('SELECT 3 AS three')).toEqual([{ three: 3 }]);
        expect(clock.queries).toBe(2);
      },
      signal(),
      clock,
    );
  });

  it('runs the statements one by one when one of them fails, so only that one reports the error', async () => {
    await pool.use(undefined, async (session) => {
      const conn = await prefetched(session, ['SELECT 1 AS one', 'SELECT 1 / 0 AS boom', 'SELECT 2 AS two']);
      expect(await conn.rows('SELECT 1 AS one')).toEqual([{ one: 1 }]);
      await expect(conn.rows('SELECT 1 / 0 AS boom')).rejects.toMatchObject({ code: '22012' });
      expect(await conn.rows('SELECT 2 AS two')).toEqual([{ two: 2 }]);
    });
  });

  it('collects runtime in one round trip once its session is open, and says how long the database took', async () => {
    const collector = fx.collector();
    const first = await collector.collect('runtime', signal());
    expect(first.timing?.connectMs).toBeGreaterThan(0);
    const second = await collector.collect('runtime', signal());
    expect(second.errors).toEqual([]);
    expect(second.timing).toMatchObject({ queries: 1, connectMs: 0 });
    expect(second.timing?.queryMs).toBeGreaterThan(0);
  });
});
