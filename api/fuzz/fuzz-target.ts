// What the fuzzers run against when they measure the server: a fresh PostgreSQL database (test-services cluster), the
// real Temporal dev server, and the server (API + worker) as a process of its own, with three organizations seeded
// through the same services the API uses.
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { TestWorkflowEnvironment } from '@temporalio/testing';
import { openStore, type Store } from '@logstag/store';
import { createTestDatabase } from '@logstag/store/testing';
import { freePort } from '@logstag/temporal';
import { startTestTemporal } from '@logstag/temporal/testing';
import { createAgentKeysService } from '../src/agent-keys/agent-keys.service';
import { createOrganizationWithOwner } from '../src/organizations/organizations.service';
import { errorLog, type ErrorLog } from './server-log';
import { startServerProcess, type ServerProcess } from './server-process';

export interface FuzzOrganization {
  ownerId: string;
  email: string;
  password: string;
  agentKey: string;
  agentKeyId: string;
}

export interface FuzzTarget {
  server: ServerProcess;
  /** The server's store, opened by the fuzzer to check where accepted payloads ended. */
  store: Store;
  temporal: TestWorkflowEnvironment;
  errors: ErrorLog;
  logFile: string;
  /** `fuzzed` sends the checked ingest bodies, `other` owns ids the first may reuse, `rest` is signed in to. */
  orgs: { fuzzed: FuzzOrganization; other: FuzzOrganization; rest: FuzzOrganization };
  stop(): Promise<void>;
}

async function seedOrganization(store: Store, name: string): Promise<FuzzOrganization> {
  const email = `owner-${name.toLowerCase()}@example.com`;
  const password = `pw-${Math.random().toString(36).slice(2)}-fuzz`;
  const { organization, owner } = await createOrganizationWithOwner(store.db, { organizationName: name, email, name: 'Owner', password });
  const audit = { organizationId: organization.id, actor: { userId: owner.id, label: owner.email } };
  const key = await createAgentKeysService(store.db).create(organization.id, { name: 'fuzz agent' }, owner.id, audit);
  return { ownerId: owner.id, email, password, agentKey: key.key, agentKeyId: key.agentKey.id };
}

export async function startFuzzTarget(): Promise<FuzzTarget> {
  const temporal = await startTestTemporal();
  const database = await createTestDatabase('logstag_fuzz');
  const errors = errorLog();
  const workDir = mkdtempSync(join(tmpdir(), 'logstag-fuzz-'));
  const logFile = join(workDir, 'server.log');
  const server = await startServerProcess({
    port: await freePort(),
    errors,
    logFile,
    env: {
      DATABASE_URL: database.url,
      TEMPORAL_ADDRESS: temporal.address,
      TEMPORAL_NAMESPACE: temporal.namespace ?? 'logstag',
      LOGSTAG_DATA_DIR: workDir,
      // The fuzzers send far more than an agent or a person would; the rate limits are not what is tested.
      LOGSTAG_INGEST_RATE_PER_MINUTE: '100000000',
      LOGSTAG_LOGIN_RATE_PER_MINUTE: '100000000',
    },
  }).catch(async (err: unknown) => {
    await temporal.teardown();
    await database.drop();
    throw err;
  });
  // The server has migrated the database by the time it says it is running.
  const store = await openStore({ databaseUrl: database.url, poolSize: 2 });
  const orgs = { fuzzed: await seedOrganization(store, 'Fuzzed'), other: await seedOrganization(store, 'Other'), rest: await seedOrganization(store, 'Rest') };
  return {
    server,
    store,
    temporal,
    errors,
    logFile,
    orgs,
    async stop() {
      await server.stop();
      await store.close();
      await temporal.teardown();
      await database.drop();
    },
  };
}
