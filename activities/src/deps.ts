import type { Kysely } from 'kysely';
import type { Client } from '@temporalio/client';
import type { Database } from '@logstag/store';
import type { DeliveryDeps } from './delivery/delivery-deps';

/** A fetch-like HTTP client (webhook and chat deliveries, integrations' checks); injected so tests serve it locally. */
export type HttpClient = (input: string | URL, init?: RequestInit) => Promise<Response>;

/** The logger activities write to: pino's call shape (`logger.info({ ... }, 'message')`), so a pino child fits. */
export interface ActivityLogger {
  debug(obj: object, msg?: string): void;
  info(obj: object, msg?: string): void;
  warn(obj: object, msg?: string): void;
  error(obj: object, msg?: string): void;
}

/** The settings activities read; one frozen object built by the process shell from its config. */
export interface ActivityConfig {
  /** Where people open Logstag (links in notifications and reports); null when the process does not know it. */
  readonly publicUrl: string | null;
}

/**
 * Everything an activity may use, injected by the process that runs the worker (samples-typescript's
 * activities-dependency-injection): the store, the Temporal client (an alert evaluation signals-with-start alert
 * workflows), an HTTP client, the clock, a logger and the settings. SMTP joins when e-mail delivery does.
 */
export interface ActivityDeps {
  db: Kysely<Database>;
  /** The Temporal client of this process; null while it is not connected. */
  temporal: () => Client | null;
  http: HttpClient;
  /** Now, as activities see it (tests pass a fixed clock). */
  clock: () => Date;
  logger: ActivityLogger;
  config: ActivityConfig;
  /** The integrations' secret key and the SSRF policy; null in processes that deliver nothing (deliveries then fail loudly). */
  delivery: DeliveryDeps | null;
}

const SILENT: ActivityLogger = { debug() {}, info() {}, warn() {}, error() {} };

/** The store is required; everything else has a working default (no Temporal client, global fetch, the real clock). */
export type ActivityDepsInput = Pick<ActivityDeps, 'db'> & Partial<ActivityDeps>;

export function activityDeps(input: ActivityDepsInput): ActivityDeps {
  return {
    temporal: () => null,
    http: (url, init) => fetch(url, init),
    clock: () => new Date(),
    logger: SILENT,
    config: { publicUrl: null },
    delivery: null,
    ...input,
  };
}
