// Points and activity snapshots are written with a plain INSERT first and the ON CONFLICT statement only when a row
// exists (store/src/bulk-insert.ts, insertFirst). A second payload of the same target and collection time (another
// id) must still be stored as the upsert stored it: its points replace the first one's values, the first activity
// snapshot stays, and nothing fails.
import { describe, expect, it } from 'vitest';
import { sql } from 'kysely';
import { createActivities } from '../src/index';
import { insertPayloadRows, validBody } from './payload-rows';
import { postgresTestStore } from './test-store';

const ORG = 'org-insert-first';

describe('storing a payload whose points already exist', () => {
  const store = postgresTestStore(4, 'insert_first');

  it('replaces the points, keeps the first activity snapshot, and stores both payloads', async () => {
    const at = new Date(Date.now() - 60_000);
    const first = { ...validBody('pg-insert-first', at), data: { connections: { total: 3, max: 100 }, sessions: [{ pid: 1, state: 'active' }] } };
    const second = { ...validBody('pg-insert-first', at), data: { connections: { total: 7, max: 100 }, sessions: [{ pid: 2, state: 'idle' }] } };
    await insertPayloadRows(store.db, ORG, [first, second]);
    const { storePayloads } = createActivities({ db: store.db });

    expect(await storePayloads([first.id])).toMatchObject({ stored: 1, failed: 0 });
    const pointsBefore = await sql<{ n: number }>`select count(*)::int as n from metric_points where organization_id = ${ORG}`.execute(store.db);
    expect(pointsBefore.rows[0]!.n).toBeGreaterThan(0);
    expect(await storePayloads([second.id])).toMatchObject({ stored: 1, failed: 0 });

    const used = await store.db
      .selectFrom('metric_points')
      .select(['value'])
      .where('organization_id', '=', ORG)
      .where('metric', '=', 'connections.used')
      .execute();
    expect(used.map((r) => Number(r.value))).toEqual([7]);
    const pointsAfter = await sql<{ n: number }>`select count(*)::int as n from metric_points where organization_id = ${ORG}`.execute(store.db);
    expect(pointsAfter.rows[0]!.n).toBe(pointsBefore.rows[0]!.n);
    const snapshots = await store.db.selectFrom('activity_snapshots').select(['payload_id']).where('organization_id', '=', ORG).execute();
    expect(snapshots.map((s) => s.payload_id)).toEqual([first.id]);
    const statuses = await store.db.selectFrom('payloads').select(['status']).where('organization_id', '=', ORG).execute();
    expect(statuses.map((s) => s.status)).toEqual(['stored', 'stored']);
  });
});
