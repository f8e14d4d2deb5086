// Test context: a fresh store (PGlite in a temp folder, or a new PostgreSQL database), the real Temporal dev server,
// and the whole app listening on a free loopback port (like kysely's example/test/test-context.ts).
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';
import pino from 'pino';
import { v7 as uuidv7 } from 'uuid';
import type { TestWorkflowEnvironment } from '@temporalio/testing';
import { SCHEMA_VERSION, type PayloadInput } from '@logstag/schema';
import { createTestDatabase, type TestDatabase } from '@logstag/store/testing';
import { freePort } from '@logstag/temporal';
import { startTestTemporal } from '@logstag/temporal/testing';
import { serverConfigFromEnv } from '../src/config';
import { startLogstag, type LogstagOptions, type RunningLogstag } from '../src/server';

export type StoreBackend = 'pglite' | 'postgres';

export interface TestContext {
  app: RunningLogstag;
  temporal: TestWorkflowEnvironment;
  url: string;
  stop(): Promise<void>;
}

export async function startTestContext(
  backend: StoreBackend,
  extra: Partial<Pick<LogstagOptions, 'recoveryIntervalMs' | 'authenticateAgent'>> & { temporal?: TestWorkflowEnvironment } = {},
): Promise<TestContext> {
  const temporal = extra.temporal ?? (await startTestTemporal());
  let tdb: TestDatabase | null = null;
  if (backend === 'postgres') tdb = await createTestDatabase();
  const dataDir = mkdtempSync(join(tmpdir(), 'logstag-api-'));
  const config = serverConfigFromEnv({
    PORT: String(await freePort()),
    LOGSTAG_DATA_DIR: dataDir,
    ...(tdb ? { DATABASE_URL: tdb.url } : {}),
  });
  const app = await startLogstag({
    config,
    temporal: { mode: 'external', address: temporal.address, namespace: temporal.namespace ?? 'logstag' },
    logger: pino({ level: 'silent' }),
    ...extra,
  });
  return {
    app,
    temporal,
    url: app.url,
    async stop() {
      await app.stop();
      if (!extra.temporal) await temporal.teardown();
      await tdb?.drop();
    },
  };
}

export function collectionPayload(overrides: Partial<Record<string, unknown>> = {}): PayloadInput & { id: string } {
  return {
    id: uuidv7(),
    kind: 'collection',
    agentId: 'agent-1',
    targetId: 'pg-main',
    engine: 'postgresql',
    category: 'runtime',
    collectedAt: new Date().toISOString(),
    schemaVersion: SCHEMA_VERSION,
    data: { connections: { total: 3, max: 100 } },
    ...overrides,
  } as PayloadInput & { id: string };
}

export async function postPayload(url: string, body: unknown, init: { gzip?: boolean; headers?: Record<string, string> } = {}) {
  const json = Buffer.from(typeof body === 'string' ? body : JSON.stringify(body));
  return fetch(`${url}/v1/ingest`, {
    method: 'POST',
    headers: {
      'content-type': 'application/json',
      ...(init.gzip ? { 'content-encoding': 'gzip' } : {}),
      ...init.headers,
    },
    body: init.gzip ? gzipSync(json) : json,
  });
}

export async function waitFor<T>(what: () => Promise<T | undefined | null | false>, timeoutMs = 20_000, label = 'condition'): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const v = await what();
    if (v) return v;
    if (Date.now() > deadline) throw new Error(`timed out after ${timeoutMs} ms waiting for ${label}`);
    await new Promise((r) => setTimeout(r, 100));
  }
}
