import { resolve } from 'node:path';
import { securitySettingsFromEnv, type SecuritySettings } from './http/security-config';
import { ingestDoorSettings, type IngestDoorSettings } from './ingest/ingest-settings';

export interface ServerConfig {
  readonly host: string;
  readonly port: number;
  readonly dataDir: string;
  readonly toolsDir: string;
  readonly databaseUrl: string | undefined;
  readonly logLevel: string;
  readonly security: SecuritySettings;
  /** How long the ingest dispatcher trusts a claimed batch before checking its workflow in Temporal. */
  readonly ingestClaimTimeoutMs: number;
  /** What the ingest door lets in: the collectedAt window and nesting limit (README, Endpoints). */
  readonly ingestDoor: IngestDoorSettings;
  /** Activities a worker runs at once (LOGSTAG_WORKER_CONCURRENCY); unset: chosen by store (ACTIVITY_CONCURRENCY). */
  readonly workerConcurrency: number | undefined;
  /** Most payloads one ingest workflow stores in one transaction (LOGSTAG_INGEST_MAX_BATCH); unset: the dispatcher's default. */
  readonly ingestMaxBatch: number | undefined;
  /** Most payloads claimed and not yet stored (LOGSTAG_INGEST_MAX_IN_FLIGHT); unset: the dispatcher's default. */
  readonly ingestMaxInFlight: number | undefined;
  /** Accepted payloads still pending or started after this long are stuck: listed for Admins, counted in /metrics. */
  readonly payloadStuckAfterMs: number;
}

export class ConfigError extends Error {
  override name = 'ConfigError';
}

/** One validated, frozen config per process, read at start-up from the environment. */
export function serverConfigFromEnv(env: NodeJS.ProcessEnv, root = process.cwd()): ServerConfig {
  const port = env.PORT ? Number(env.PORT) : 8080;
  if (!Number.isInteger(port) || port < 1 || port > 65535) throw new ConfigError(`PORT must be a port number (1-65535), got "${env.PORT}"`);
  const databaseUrl = env.DATABASE_URL || undefined;
  if (databaseUrl && !/^postgres(ql)?:\/\//.test(databaseUrl)) throw new ConfigError('DATABASE_URL must start with postgres:// or postgresql://');
  return Object.freeze({
    host: env.HOST || '127.0.0.1',
    port,
    dataDir: resolve(root, env.LOGSTAG_DATA_DIR || '.data'),
    toolsDir: resolve(root, env.LOGSTAG_TOOLS_DIR || '.tools'),
    databaseUrl,
    logLevel: env.LOG_LEVEL || 'info',
    security: securitySettingsFromEnv(env),
    ingestClaimTimeoutMs: ingestClaimTimeoutMsFromEnv(env),
    ingestDoor: ingestDoorFromEnv(env),
    workerConcurrency: workerConcurrencyFromEnv(env),
    ingestMaxBatch: ingestMaxBatchFromEnv(env),
    ingestMaxInFlight: ingestMaxInFlightFromEnv(env),
    payloadStuckAfterMs: payloadStuckAfterMsFromEnv(env),
  });
}

function ingestClaimTimeoutMsFromEnv(env: NodeJS.ProcessEnv): number {
  const raw = env.LOGSTAG_INGEST_CLAIM_TIMEOUT_SECONDS;
  if (!raw) return 300_000;
  const seconds = Number(raw);
  if (!Number.isFinite(seconds) || seconds <= 0) throw new ConfigError(`LOGSTAG_INGEST_CLAIM_TIMEOUT_SECONDS must be a positive number of seconds, got "${raw}"`);
  return Math.round(seconds * 1000);
}

function ingestDoorFromEnv(env: NodeJS.ProcessEnv): IngestDoorSettings {
  const raw = env.LOGSTAG_INGEST_MAX_PAST_HOURS;
  if (!raw) return ingestDoorSettings();
  const hours = Number(raw);
  if (!Number.isFinite(hours) || hours <= 0) throw new ConfigError(`LOGSTAG_INGEST_MAX_PAST_HOURS must be a positive number of hours, got "${raw}"`);
  return ingestDoorSettings(hours);
}

function workerConcurrencyFromEnv(env: NodeJS.ProcessEnv): number | undefined {
  const raw = env.LOGSTAG_WORKER_CONCURRENCY;
  if (!raw) return undefined;
  const n = Number(raw);
  if (!Number.isInteger(n) || n < 1 || n > 200) throw new ConfigError(`LOGSTAG_WORKER_CONCURRENCY must be a whole number from 1 to 200, got "${raw}"`);
  return n;
}

function payloadStuckAfterMsFromEnv(env: NodeJS.ProcessEnv): number {
  const raw = env.LOGSTAG_PAYLOAD_STUCK_MINUTES;
  if (!raw) return 10 * 60_000;
  const minutes = Number(raw);
  if (!Number.isFinite(minutes) || minutes <= 0) throw new ConfigError(`LOGSTAG_PAYLOAD_STUCK_MINUTES must be a positive number of minutes, got "${raw}"`);
  return Math.round(minutes * 60_000);
}

function ingestMaxInFlightFromEnv(env: NodeJS.ProcessEnv): number | undefined {
  const raw = env.LOGSTAG_INGEST_MAX_IN_FLIGHT;
  if (!raw) return undefined;
  const n = Number(raw);
  if (!Number.isInteger(n) || n < 1) throw new ConfigError(`LOGSTAG_INGEST_MAX_IN_FLIGHT must be a whole number of payloads, 1 or more, got "${raw}"`);
  return n;
}

function ingestMaxBatchFromEnv(env: NodeJS.ProcessEnv): number | undefined {
  const raw = env.LOGSTAG_INGEST_MAX_BATCH;
  if (!raw) return undefined;
  const n = Number(raw);
  if (!Number.isInteger(n) || n < 1 || n > 2000) throw new ConfigError(`LOGSTAG_INGEST_MAX_BATCH must be a whole number from 1 to 2000, got "${raw}"`);
  return n;
}
