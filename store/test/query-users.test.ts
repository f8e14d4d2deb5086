import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { QueryBatch, queryUsers, queryUserTotals, StatementApplicationBatch, statementApplications, stddevMs, topQueries, type QueryStat, type Store, type UserStatementStats } from '../src/index';
import { backends, ensureDayPartitions } from './backends';

// Issue 14: the Query Explorer's user filter reads each statement's per-user share (query_stats.by_user) and the users
// seen running it (queries.users); its application filter, the statements sessions showed in sampled activity
// (statement_applications, tallied from the runtime snapshots as they are stored). The
// statement's own totals (what every other read uses) are unchanged.

const share = (calls: number, totalTimeMs: number, execTimeSq: number | null = null): UserStatementStats => ({
  calls,
  totalTimeMs,
  rows: calls,
  blocksHit: calls * 10,
  blocksRead: calls,
  tempBlksRead: 0,
  tempBlksWritten: calls,
  blkReadTimeMs: null,
  blkWriteTimeMs: null,
  execTimeSq,
});

describe.each(backends)('statements by user and application on %s', (_name, open) => {
  let store: Store;
  let cleanup: () => Promise<void>;
  const org = randomUUID();
  const target = 'pg-u';
  const t0 = new Date('2026-12-05T10:00:00Z');
  const at = (s: number) => new Date(t0.getTime() + s * 1000);
  const range = { organizationId: org, targetId: target, from: at(0), to: at(1200) };
  const HOSTILE = '<img src=x onerror=alert(1)>';
  // A statement two users ran (the statement's totals are the sum of their shares), one only `app` ran, one of MySQL's
  // kind (no users at all).
  const both = (app: UserStatementStats, other: UserStatementStats): QueryStat => ({
    fingerprint: 'app/1',
    database: 'app',
    text: 'select * from orders where id = $1',
    calls: app.calls + other.calls,
    totalTimeMs: app.totalTimeMs + other.totalTimeMs,
    rows: app.rows + other.rows,
    blocksHit: app.blocksHit + other.blocksHit,
    blocksRead: app.blocksRead + other.blocksRead,
    io: { tempBlksRead: 0, tempBlksWritten: app.calls + other.calls, blkReadTimeMs: null, blkWriteTimeMs: null, execTimeSq: (app.execTimeSq ?? 0) + (other.execTimeSq ?? 0) },
    byUser: { app, [HOSTILE]: other },
  });

  beforeAll(async () => {
    ({ store, cleanup } = await open());
    await ensureDayPartitions(store, '2026-12-05');
    const batch = new QueryBatch();
    const where = (s: number) => ({ organizationId: org, targetId: target, engine: 'postgresql', ts: at(s) });
    batch.add(where(30), [
      both(share(2, 40, 100 + 900), share(1, 100, 10_000)),
      { fingerprint: 'app/2', database: 'app', text: 'select 1 from jobs', calls: 3, totalTimeMs: 3, rows: 3, blocksHit: 0, blocksRead: 0, byUser: { app: share(3, 3) } },
      { fingerprint: 'digest-1', database: 'shop', text: 'SELECT ?', calls: 5, totalTimeMs: 5, rows: 5, blocksHit: 0, blocksRead: 0 },
    ]);
    // Ten minutes later only `app` runs app/1: the users stored with the statement stay both.
    batch.add(where(630), [{ ...both(share(1, 20, 400), share(0, 0)), byUser: { app: share(1, 20, 400) } }]);
    await store.db.transaction().execute(async (trx) => {
      await batch.writeQueries(trx);
      await batch.writeStats(trx);
    });
    // A later batch (another transaction) adds a user: the stored list grows, sorted, without duplicates.
    const later = new QueryBatch();
    later.add(where(900), [{ fingerprint: 'app/2', database: 'app', text: 'select 1 from jobs', calls: 1, totalTimeMs: 1, rows: 1, blocksHit: 0, blocksRead: 0, byUser: { batch: share(1, 1), app: share(0, 0) } }]);
    await store.db.transaction().execute(async (trx) => {
      await later.writeQueries(trx);
      await later.writeStats(trx);
    });
  });
  afterAll(async () => {
    await store?.close();
    await cleanup?.();
  });

  it('keeps the statement’s totals as they were: unfiltered reads are unchanged', async () => {
    const rows = await topQueries(store.db, range, 'totalTime', 10, 0);
    expect(rows.map((r) => [r.fingerprint, r.calls, r.total_time_ms])).toEqual([['app/1', 4, 160], ['digest-1', 5, 5], ['app/2', 4, 4]]);
    expect(rows[0]?.all_time_ms).toBe(169);
  });

  it('a user filter lists the statements that user ran, each with that user’s own calls, time, I/O and spread', async () => {
    const app = await topQueries(store.db, range, 'totalTime', 10, 0, { user: 'app' });
    expect(app.map((r) => [r.fingerprint, r.calls, r.total_time_ms, r.rows, r.blocks_hit, r.temp_blks_written])).toEqual([['app/1', 3, 60, 3, 30, 3], ['app/2', 3, 3, 3, 30, 3]]);
    const [q] = app;
    // app's runs of app/1: 10, 30 and 20 ms (the same sums as the statement test in query-explorer.test.ts).
    expect(stddevMs(q?.exec_time_sq, q?.sq_calls, q?.sq_time_ms)).toBeCloseTo(Math.sqrt(200 / 3), 9);
    expect(q?.spark).toEqual({ '0': 40, '6': 20 });
    // The share's base stays every statement's time, whatever the filter.
    expect(q?.all_time_ms).toBe(169);
    const hostile = await topQueries(store.db, range, 'totalTime', 10, 0, { user: HOSTILE });
    expect(hostile.map((r) => [r.fingerprint, r.calls, r.total_time_ms])).toEqual([['app/1', 1, 100]]);
    expect(hostile[0]?.spark).toEqual({ '0': 100 });
    // A user without statements, and MySQL's digests (no users): nothing.
    expect(await topQueries(store.db, range, 'totalTime', 10, 0, { user: 'nobody' })).toEqual([]);
    expect((await topQueries(store.db, range, 'totalTime', 10, 0, { user: 'batch', database: 'shop' })).length).toBe(0);
  });

  it('lists the users of the range, and a statement’s calls and time per user', async () => {
    expect(await queryUsers(store.db, range)).toEqual([
      { user_name: HOSTILE, statements: 1 },
      { user_name: 'app', statements: 2 },
      { user_name: 'batch', statements: 1 },
    ]);
    const stored = await store.db.selectFrom('queries').select(['fingerprint', 'users']).where('organization_id', '=', org).orderBy('fingerprint').execute();
    expect(stored).toEqual([
      { fingerprint: 'app/1', users: [HOSTILE, 'app'] },
      { fingerprint: 'app/2', users: ['app', 'batch'] },
      { fingerprint: 'digest-1', users: null },
    ]);
    expect(await queryUserTotals(store.db, { ...range, fingerprint: 'app/1' })).toEqual([
      { user_name: HOSTILE, calls: 1, total_time_ms: 100, rows: 1 },
      { user_name: 'app', calls: 3, total_time_ms: 60, rows: 3 },
    ]);
  });

  it('ties statements to the applications whose sessions showed them (query_id) in the runtime snapshots', async () => {
    const session = (id: string, application: string, database: string, queryId: string | null, state = 'idle') => ({
      id, user: 'app', database, application, client: null, state, waitType: null, wait: null, query: null, durationSeconds: null, blockedBy: [], queryId,
    });
    const write = async (batch: StatementApplicationBatch) => store.db.transaction().execute((trx) => batch.write(trx));
    const pg = (s: number) => ({ organizationId: org, targetId: target, engine: 'postgresql', ts: at(s) });
    const first = new StatementApplicationBatch();
    // Two sessions of billing on one statement: one row; no application, no query_id (or 0): nothing.
    first.add(pg(40), [session('1', 'billing', 'app', '1'), session('5', 'billing', 'app', '1'), session('2', 'reports', 'app', '2', 'active'), session('3', '', 'app', '1'), session('4', 'psql', 'app', null), session('6', 'psql', 'app', '0')]);
    first.add(pg(50), [session('1', 'billing', 'app', '1')]);
    // MySQL sessions have no query_id to tie them with: another engine's snapshot adds nothing.
    first.add({ ...pg(50), engine: 'mysql' }, [session('9', 'shop', 'app', '1')]);
    await write(first);
    // A later batch (another transaction) moves the last sighting; the same batch again changes nothing.
    const later = new StatementApplicationBatch();
    later.add(pg(700), [session('1', 'billing', 'app', '1')]);
    await write(later);
    await write(later);
    await write(first);

    const seen = await statementApplications(store.db, range);
    expect(seen.map((a) => [a.fingerprint, a.application, a.firstSeen.toISOString(), a.lastSeen.toISOString()])).toEqual([
      ['app/1', 'billing', at(40).toISOString(), at(700).toISOString()],
      ['app/2', 'reports', at(40).toISOString(), at(40).toISOString()],
    ]);
    const billing = (await statementApplications(store.db, range, { application: 'billing' })).map((a) => a.fingerprint);
    expect((await topQueries(store.db, range, 'totalTime', 10, 0, { fingerprints: billing })).map((r) => r.fingerprint)).toEqual(['app/1']);
    expect(await topQueries(store.db, range, 'totalTime', 10, 0, { fingerprints: [] })).toEqual([]);
    expect((await statementApplications(store.db, range, { fingerprint: 'app/2' })).map((a) => a.application)).toEqual(['reports']);
    // A range after the last sighting of reports: only billing.
    expect((await statementApplications(store.db, { ...range, from: at(60) })).map((a) => a.application)).toEqual(['billing']);
  });
});
