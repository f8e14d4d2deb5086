// Test support: a fresh PostgreSQL database per test file on the test-services cluster, dropped afterwards.
import { randomBytes } from 'node:crypto';
import pg from 'pg';

export interface TestDatabase {
  url: string;
  name: string;
  drop(): Promise<void>;
}

export function testPostgresAdminUrl(): string {
  const url = process.env.LOGSTAG_TEST_PG_URL;
  if (!url) throw new Error('LOGSTAG_TEST_PG_URL is not set: run the tests with `npm test` (it starts the test services)');
  return url;
}

export async function createTestDatabase(prefix = 'logstag_test'): Promise<TestDatabase> {
  const adminUrl = testPostgresAdminUrl();
  const name = `${prefix}_${randomBytes(5).toString('hex')}`;
  const admin = new pg.Client({ connectionString: adminUrl });
  await admin.connect();
  try {
    await admin.query(`CREATE DATABASE ${name}`);
  } finally {
    await admin.end();
  }
  const url = new URL(adminUrl);
  url.pathname = `/${name}`;
  return {
    url: url.toString(),
    name,
    async drop() {
      const c = new pg.Client({ connectionString: adminUrl });
      await c.connect();
      try {
        await c.query(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`);
      } finally {
        await c.end();
      }
    },
  };
}
