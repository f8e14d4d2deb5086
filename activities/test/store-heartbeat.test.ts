// storePayloads heartbeats while it works, so the ingest workflow's heartbeat timeout notices a worker killed mid-batch
// within seconds instead of waiting out the 2-minute start-to-close timeout (the soak's drain after worker kills).
import { expect, it } from 'vitest';
import type { Logger } from '@temporalio/common';
import { MockActivityEnvironment } from '@temporalio/testing';
import pg from 'pg';
import { createIngestActivities, HEARTBEAT_EVERY_MS } from '../src/ingest';
import { insertPayloadRow, validBody } from './payload-rows';
import { postgresTestStore } from './test-store';

const quiet: Logger = { log: () => undefined, trace: () => undefined, debug: () => undefined, info: () => undefined, warn: () => undefined, error: () => undefined };

const store = postgresTestStore(4);


it('heartbeats while a batch waits on the store, and stores it once the wait ends', async () => {
  const id = await insertPayloadRow(store.db, validBody());
  // Another session holds the payload's row, so the batch waits on it for longer than one heartbeat interval.
  const holder = new pg.Client({ connectionString: store.url });
  await holder.connect();
  await holder.query('begin');
  await holder.query('select id from payloads where id = $1 for update', [id]);
  const env = new MockActivityEnvironment(undefined, { logger: quiet });
  let beats = 0;
  env.on('heartbeat', () => {
    beats += 1;
  });
  const activities = createIngestActivities({ db: store.db });
  const running = env.run(activities.storePayloads, [id]);
  await new Promise((r) => setTimeout(r, HEARTBEAT_EVERY_MS + 1_500));
  const beatsWhileWaiting = beats;
  await holder.query('commit');
  await holder.end();
  await expect(running).resolves.toEqual({ stored: 1, alreadyStored: 0, failed: 0 });
  expect(beatsWhileWaiting).toBeGreaterThanOrEqual(1);
});
