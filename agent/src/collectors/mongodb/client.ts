import { MongoClient, MongoServerError, ReadPreference, type Db, type Document, type MongoClientOptions } from 'mongodb';
import type { StepFailure } from '../step';
import type { TargetSpec } from '../types';

/**
 * At most two connections per target (issue 4). The driver always keeps one monitoring connection of its own; in
 * `poll` mode it opens no second one for round-trip pings, so one pooled connection for commands makes two in all.
 */
const MAX_POOL_SIZE = 1;

/**
 * Monitoring reads prefer the node we connected to: with a single host we connect directly (`directConnection`) so the
 * driver does not discover and connect to the other members; `primaryPreferred` lets a direct connection to a
 * secondary answer instead of failing server selection.
 */
export const MONITOR_READ_PREFERENCE = ReadPreference.primaryPreferred;

export function createMongoClient(target: TargetSpec): MongoClient {
  const options: MongoClientOptions = {
    maxPoolSize: MAX_POOL_SIZE,
    minPoolSize: 0,
    directConnection: true,
    serverMonitoringMode: 'poll',
    appName: 'logstag-agent',
    readPreference: MONITOR_READ_PREFERENCE,
    serverSelectionTimeoutMS: Math.min(target.statementTimeoutMs, 10_000),
    connectTimeoutMS: Math.min(target.statementTimeoutMs, 10_000),
    socketTimeoutMS: target.statementTimeoutMs * 2,
    // Monitoring must never write: no retryable writes, and reads are not retried onto a struggling server.
    retryWrites: false,
    retryReads: false,
  };
  if (target.user) {
    options.auth = { username: target.user, password: target.password ?? '' };
    options.authSource = target.database && target.database !== '' ? target.database : 'admin';
  }
  if (target.tls?.enabled) {
    options.tls = true;
    if (target.tls.ca) options.ca = target.tls.ca;
    if (target.tls.cert) options.cert = target.tls.cert;
    if (target.tls.key) options.key = target.tls.key;
    options.tlsAllowInvalidCertificates = !target.tls.rejectUnauthorized;
  }
  return new MongoClient(connectionString(target), options);
}

/** One host (or a Unix socket): no credentials in the string, they go through `auth` so they never appear in errors. */
function connectionString(target: TargetSpec): string {
  if (target.socket) return `mongodb://${encodeURIComponent(target.socket)}`;
  const host = target.host ?? '127.0.0.1';
  const bracketed = host.includes(':') && !host.startsWith('[') ? `[${host}]` : host;
  return `mongodb://${bracketed}:${target.port ?? 27017}`;
}

/** Every command carries maxTimeMS, so a slow server stops the work itself instead of leaving it running. */
export async function runCommand(db: Db, command: Document, timeoutMs: number): Promise<Document> {
  return db.command({ ...command, maxTimeMS: timeoutMs }, { readPreference: MONITOR_READ_PREFERENCE });
}

/** `CommandNotFound` (59): an old server, a mongos, or a MongoDB-compatible server without the command. */
export function isCommandNotFound(error: unknown): boolean {
  return error instanceof MongoServerError && (error.code === 59 || error.codeName === 'CommandNotFound');
}

/** Unauthorized (13): the monitoring user lacks a privilege; the fix is a role grant. */
export function isUnauthorized(error: unknown): boolean {
  return error instanceof MongoServerError && (error.code === 13 || error.codeName === 'Unauthorized');
}

/** NoReplicationEnabled (76) and NotYetInitialized (94): a standalone or uninitialized member, not a failure. */
export function isNotReplicaSet(error: unknown): boolean {
  return error instanceof MongoServerError && (error.code === 76 || error.code === 94 || error.codeName === 'NoReplicationEnabled');
}

export function errorCode(error: unknown): string | undefined {
  if (error instanceof MongoServerError) return error.codeName ?? (error.code !== undefined ? String(error.code) : undefined);
  if (error instanceof Error) return error.name;
  return undefined;
}

export function errorMessage(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}

/** How the payload names a failed step's error: the server's codeName, and a command this server does not have. */
export function readMongodbFailure(error: unknown): StepFailure {
  const code = errorCode(error);
  const message = isCommandNotFound(error) ? `not supported by this server: ${errorMessage(error)}` : errorMessage(error);
  return { message, ...(code ? { code } : {}), denied: isUnauthorized(error) };
}
