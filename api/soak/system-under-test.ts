// The system under test, started for a soak: the store's PostgreSQL, the Temporal dev server, the API and a worker,
// each a supervised process of its own on free loopback ports, and the tenant the simulated agents send for.
import { randomBytes } from 'node:crypto';
import { join } from 'node:path';
import type { Kysely } from 'kysely';
import type { Database } from '@logstag/store';
import { freePort } from '@logstag/temporal';
import { logstagProcessSpec } from './logstag-process';
import { openSoakDb } from './soak-db';
import { createStoreCluster } from './store-cluster';
import { Supervised } from './supervised';
import { SOAK_NAMESPACE, temporalServerSpec } from './temporal-server';
import { createSoakTenant } from './tenant';

export interface SystemUnderTest {
  /** By name, in start order; the chaos loop kills them by these names. */
  processes: Map<string, Supervised>;
  /** The soak's own connection to the store. */
  db: Kysely<Database>;
  apiUrl: string;
  temporalAddress: string;
  /** One agent API key per simulated agent. */
  keys: string[];
  /** The API's and the worker's LOGSTAG_SECRET_KEY (the delivery load seals its integrations' secrets with it). */
  secretKey: Buffer;
}

export interface SystemOptions {
  dir: string;
  logDir: string;
  claimTimeoutSeconds: number;
  serverRoot?: string | undefined;
  log: (line: string) => void;
  /** Stops waiting for a start. */
  signal: AbortSignal;
}

/**
 * Starts everything and resolves once all of it is up. `processes` is filled as they are created, so the caller can
 * stop what was started when a start fails.
 */
export async function startSystem(options: SystemOptions, processes: Map<string, Supervised>): Promise<SystemUnderTest> {
  const { dir, logDir, serverRoot, log, signal } = options;
  const cluster = await createStoreCluster(dir, logDir);
  const postgres = new Supervised(cluster.spec, log);
  processes.set('postgres', postgres);
  await postgres.start(undefined, signal);
  const db = openSoakDb(cluster.url);

  const temporalSpec = temporalServerSpec({ port: await freePort(), dir, logDir });
  processes.set('temporal', new Supervised(temporalSpec, log));
  const apiPort = await freePort();
  const secretKey = randomBytes(32);
  const env = {
    DATABASE_URL: cluster.url,
    TEMPORAL_ADDRESS: temporalSpec.address,
    TEMPORAL_NAMESPACE: SOAK_NAMESPACE,
    LOGSTAG_DATA_DIR: join(dir, 'server'),
    LOGSTAG_INGEST_CLAIM_TIMEOUT_SECONDS: String(options.claimTimeoutSeconds),
    LOGSTAG_SECRET_KEY: secretKey.toString('base64'),
    // The delivery load's receiver listens on loopback.
    LOGSTAG_OUTBOUND_ALLOW: '127.0.0.0/8',
  };
  // A first Account Owner from the environment, so the API's first start prints no one-time setup link to its log.
  const firstRun = { LOGSTAG_ADMIN_EMAIL: 'owner@soak.example', LOGSTAG_ADMIN_PASSWORD: randomBytes(18).toString('base64url') };
  const apiEnv = { ...env, ...firstRun, HOST: '127.0.0.1', PORT: String(apiPort) };
  processes.set('api', new Supervised(logstagProcessSpec({ role: 'api', logDir, serverRoot, env: apiEnv }), log));
  processes.set('worker', new Supervised(logstagProcessSpec({ role: 'worker', logDir, serverRoot, env }), log));
  await processes.get('temporal')!.start(undefined, signal);
  // The API migrates the store at its start; the tenant goes in after, then the worker starts on that schema.
  await processes.get('api')!.start(undefined, signal);
  const { keys } = await createSoakTenant(db);
  await processes.get('worker')!.start(undefined, signal);
  return { processes, db, apiUrl: `http://127.0.0.1:${apiPort}`, temporalAddress: temporalSpec.address, keys, secretKey };
}
