import { randomBytes } from 'node:crypto';
import { readFileSync } from 'node:fs';
import pg from 'pg';
import { createPostgresqlCollector } from '../src/collectors/postgresql/index';
import type { EngineCollector, QueryTextMode, TargetSpec } from '../src/collectors/types';
import { silentLogger, testTarget } from './target-spec';

/**
 * A test's own world on the shared PostgreSQL 15: a fresh database and a monitoring role made from
 * agent/setup/postgresql.sql itself (role name suffixed), so the tests prove the documented setup is enough.
 */
export interface PgFixture {
  database: string;
  role: string;
  password: string;
  /** A superuser session on the fixture database, for seeding and inducing load. */
  admin(): Promise<pg.Client>;
  target(overrides?: Partial<TargetSpec>): TargetSpec;
  collector(overrides?: Partial<TargetSpec>): EngineCollector;
  /** Closes every collector made so far, so their idle sessions do not count in the next measurement. */
  closeCollectors(): Promise<void>;
  cleanup(): Promise<void>;
}

export { silentLogger } from './target-spec';

function adminUrl(): URL {
  const url = process.env['LOGSTAG_TEST_PG_URL'];
  if (!url) throw new Error('LOGSTAG_TEST_PG_URL is not set: run through vitest (vitest.config.ts sets it)');
  return new URL(url);
}

export function suffix(): string {
  return randomBytes(5).toString('hex');
}

async function connect(database?: string): Promise<pg.Client> {
  const url = adminUrl();
  if (database) url.pathname = `/${database}`;
  const client = new pg.Client({ connectionString: url.toString() });
  await client.connect();
  return client;
}

/** The setup file's statements with the role renamed and psql's :password variable bound; comments dropped. */
export function setupStatements(role: string, password: string, options: { extension: boolean }): string[] {
  const text = readFileSync(new URL('../setup/postgresql.sql', import.meta.url), 'utf8')
    .split('\n')
    .filter((line) => !line.trimStart().startsWith('--'))
    .join('\n')
    .replaceAll('logstag_monitor', role)
    .replaceAll(':password', `'${password}'`);
  return text
    .split(';')
    .map((s) => s.trim())
    .filter((s) => s.length > 0)
    .filter((s) => options.extension || !/^CREATE EXTENSION/i.test(s));
}

export async function createPgFixture(options: { monitorSetup?: boolean; extension?: boolean; queryText?: QueryTextMode } = {}): Promise<PgFixture> {
  const id = suffix();
  const database = `logstag_test_${id}`;
  const role = `logstag_monitor_${id}`;
  const password = `pw-${randomBytes(8).toString('hex')}`;
  const server = await connect();
  await server.query(`CREATE DATABASE ${database}`);
  const inDb = await connect(database);
  try {
    if (options.monitorSetup === false) {
      // A login role that skipped the setup: no pg_monitor.
      await server.query(`CREATE ROLE ${role} LOGIN PASSWORD '${password}'`);
    } else {
      // CREATE EXTENSION is per database, so the whole file runs in the fixture database.
      for (const statement of setupStatements(role, password, { extension: options.extension !== false })) await inDb.query(statement);
    }
  } finally {
    await inDb.end();
    await server.end();
  }
  const url = adminUrl();
  const target = (overrides: Partial<TargetSpec> = {}): TargetSpec =>
    testTarget({
      name: `pg-${id}`,
      engine: 'postgresql',
      host: url.hostname,
      port: Number(url.port || 5432),
      user: role,
      password,
      database,
      databases: { include: [database], exclude: [] },
      queryText: options.queryText ?? 'obfuscated',
      ...overrides,
    });
  const collectors: EngineCollector[] = [];
  const clients: pg.Client[] = [];
  return {
    database,
    role,
    password,
    admin: async () => {
      const client = await connect(database);
      clients.push(client);
      return client;
    },
    target,
    collector: (overrides) => {
      const collector = createPostgresqlCollector(target(overrides), silentLogger);
      collectors.push(collector);
      return collector;
    },
    closeCollectors: async () => {
      await Promise.all(collectors.splice(0).map((c) => c.close()));
    },
    cleanup: async () => {
      await Promise.all(collectors.map((c) => c.close()));
      await Promise.all(clients.map((c) => c.end().catch(() => undefined)));
      const admin = await connect();
      try {
        await admin.query(`DROP DATABASE IF EXISTS ${database} WITH (FORCE)`);
        await admin.query(`DROP ROLE IF EXISTS ${role}`);
      } finally {
        await admin.end();
      }
    },
  };
}

export function signal(): AbortSignal {
  return AbortSignal.timeout(30_000);
}

export async function eventually<T>(fn: () => Promise<T | undefined>, timeoutMs = 10_000, stepMs = 200): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await fn();
    if (value !== undefined) return value;
    if (Date.now() > deadline) throw new Error('condition not met in time');
    await new Promise((resolve) => setTimeout(resolve, stepMs));
  }
}

export function rows(data: Record<string, unknown>, section: string): Array<Record<string, unknown>> {
  const value = data[section];
  if (!Array.isArray(value)) throw new Error(`section ${section} is not a list`);
  return value as Array<Record<string, unknown>>;
}
