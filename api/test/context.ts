// Test context: a fresh store (PGlite in a temp folder, or a new PostgreSQL database), the real Temporal dev server,
// and the whole app listening on a free loopback port (like kysely's example/test/test-context.ts).
import { randomUUID } from 'node:crypto';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';
import pino, { type Logger } from 'pino';
import { v7 as uuidv7 } from 'uuid';
import type { TestWorkflowEnvironment } from '@temporalio/testing';
import { SCHEMA_VERSION, type PayloadInput } from '@logstag/schema';
import { createTestDatabase, type TestDatabase } from '@logstag/store/testing';
import { freePort } from '@logstag/temporal';
import { startTestTemporal } from '@logstag/temporal/testing';
import { serverConfigFromEnv } from '../src/config';
import type { SecuritySettings } from '../src/http/security-config';
import { startLogstag, type LogstagOptions, type RunningLogstag } from '../src/server';
import { createAgentKeysService } from '../src/agent-keys/agent-keys.service';
import { createOrganizationWithOwner } from '../src/organizations/organizations.service';

export type StoreBackend = 'pglite' | 'postgres';

export interface TestContext {
  app: RunningLogstag;
  temporal: TestWorkflowEnvironment;
  url: string;
  stop(): Promise<void>;
}

export async function startTestContext(
  backend: StoreBackend,
  extra: Partial<Pick<LogstagOptions, 'recoveryIntervalMs' | 'authenticateAgent' | 'webHandler' | 'runWorker'>> & {
    temporal?: TestWorkflowEnvironment;
    /** Overrides of the security settings (short session TTL, low lockout thresholds…). */
    security?: Partial<SecuritySettings>;
    /** Extra environment for serverConfigFromEnv (e.g. LOGSTAG_ADMIN_EMAIL). */
    env?: Record<string, string>;
    logger?: Logger;
  } = {},
): Promise<TestContext> {
  const temporal = extra.temporal ?? (await startTestTemporal());
  let tdb: TestDatabase | null = null;
  if (backend === 'postgres') tdb = await createTestDatabase();
  const dataDir = mkdtempSync(join(tmpdir(), 'logstag-api-'));
  const base = serverConfigFromEnv({
    PORT: String(await freePort()),
    LOGSTAG_DATA_DIR: dataDir,
    ...(tdb ? { DATABASE_URL: tdb.url } : {}),
    ...extra.env,
  });
  const { security, env: _env, logger, temporal: _temporal, ...options } = extra;
  const config = { ...base, security: { ...base.security, ...security } };
  const app = await startLogstag({
    config,
    temporal: { mode: 'external', address: temporal.address, namespace: temporal.namespace ?? 'logstag' },
    logger: logger ?? pino({ level: 'silent' }),
    ...options,
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

export async function postPayload(url: string, body: unknown, init: { gzip?: boolean; key?: string; headers?: Record<string, string> } = {}) {
  const json = Buffer.from(typeof body === 'string' ? body : JSON.stringify(body));
  return fetch(`${url}/v1/ingest`, {
    method: 'POST',
    headers: {
      'content-type': 'application/json',
      ...(init.gzip ? { 'content-encoding': 'gzip' } : {}),
      ...(init.key ? { authorization: `Bearer ${init.key}` } : {}),
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

export interface SeededOrganization {
  organizationId: string;
  ownerId: string;
  ownerEmail: string;
  ownerPassword: string;
  /** A plain agent API key of the organization, for `Authorization: Bearer`. */
  agentKey: string;
  agentKeyId: string;
}

/** An organization with an Account Owner and an agent API key, created through the same services the API uses. */
export async function seedOrganization(ctx: TestContext, name = 'Org'): Promise<SeededOrganization> {
  const ownerEmail = `owner-${randomUUID()}@example.com`;
  const ownerPassword = `pw-${randomUUID()}`;
  const { organization, owner } = await createOrganizationWithOwner(ctx.app.store.db, { organizationName: name, email: ownerEmail, name: 'Owner', password: ownerPassword });
  const audit = { organizationId: organization.id, actor: { userId: owner.id, label: owner.email } };
  const created = await createAgentKeysService(ctx.app.store.db).create(organization.id, { name: 'test agent' }, owner.id, audit);
  return { organizationId: organization.id, ownerId: owner.id, ownerEmail, ownerPassword, agentKey: created.key, agentKeyId: created.agentKey.id };
}
