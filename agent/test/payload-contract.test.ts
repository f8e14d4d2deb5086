// What the collectors build matches the payload contract (@logstag/schema sections) on real engines: PostgreSQL 15
// with a blocked session (lock waits and a blocking tree) and a sequence, and MongoDB's recorded replica-set primary
// through the wire server, every category. (MariaDB and Redis are checked the same way by every collection of the
// agent benchmark, whose payloads the agent validates before sending; see also the runner tests.)
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CATEGORIES, collectionDataSchema } from '@logstag/schema';
import { createMongodbCollector } from '../src/collectors/mongodb';
import { createPgFixture, eventually, rows, signal, type PgFixture } from './postgresql-fixture';
import { startMongoWireServer, type MongoWireServer } from './mongo-wire/server';
import { memoryLogger, mongoTarget } from './mongodb/helpers';

const issuesOf = (engine: 'postgresql' | 'mongodb', category: (typeof CATEGORIES)[number], data: unknown) =>
  collectionDataSchema(engine, category).safeParse(data).error?.issues.map((i) => `${i.path.join('.')}: ${i.message}`) ?? [];

describe('the PostgreSQL sections the collector builds', () => {
  let fx: PgFixture;

  beforeAll(async () => {
    fx = await createPgFixture();
    const admin = await fx.admin();
    await admin.query('CREATE TABLE contract_items (id bigserial PRIMARY KEY, label text NOT NULL)');
    await admin.query("INSERT INTO contract_items (label) VALUES ('a'), ('b')");
  });
  afterAll(async () => fx?.cleanup());

  it.each(CATEGORIES)('match the %s schema', async (category) => {
    const holder = await fx.admin();
    const waiter = await fx.admin();
    await holder.query('BEGIN');
    await holder.query("UPDATE contract_items SET label = 'x' WHERE id = 1");
    const blocked = waiter.query("UPDATE contract_items SET label = 'y' WHERE id = 1");
    try {
      const collector = fx.collector();
      const data = await eventually(async () => {
        const result = await collector.collect(category, signal());
        return category !== 'runtime' || rows(result.data, 'lock_waits').length > 0 ? result.data : undefined;
      });
      expect(issuesOf('postgresql', category, data)).toEqual([]);
      expect(Object.keys(data).length).toBeGreaterThan(1);
    } finally {
      await holder.query('ROLLBACK');
      await blocked;
      await fx.closeCollectors();
    }
  });
});

describe('the MongoDB sections the collector builds', () => {
  let server: MongoWireServer;

  beforeAll(async () => {
    server = await startMongoWireServer({ topology: 'replset-primary' });
  });
  afterAll(async () => server?.close());

  it.each(CATEGORIES)('match the %s schema', async (category) => {
    const collector = createMongodbCollector(mongoTarget(server.host, server.port), memoryLogger());
    try {
      const { data } = await collector.collect(category, new AbortController().signal);
      expect(issuesOf('mongodb', category, data)).toEqual([]);
      expect(Object.keys(data).length).toBeGreaterThan(0);
    } finally {
      await collector.close();
    }
  });
});
