import type { Category, CollectorError, Engine } from '@logstag/schema/core';
import type { QueryTiming } from './query-clock';

/**
 * The contract every engine implements. One instance per target; it owns at most two connections to that target
 * and sets the engine's protective session limits on each (statement/lock timeouts, max_execution_time, maxTimeMS).
 *
 * Collectors read catalogs, statistics views and server commands only: never application rows, documents or key values.
 */
export interface EngineCollector {
  readonly engine: Engine;
  /** Checks reachability, version, authentication and each enabled collector's privileges/extensions. Never throws. */
  check(): Promise<CheckResult[]>;
  /**
   * Runs every enabled collector of a category once. A required collector's failure rejects; an optional one's is
   * reported in `errors` and the rest still runs. `data` holds named sections (arrays of rows or objects); counters are
   * raw here: the runner turns them into deltas against the previous successful collection (see state/).
   */
  collect(category: Category, signal: AbortSignal): Promise<CollectionResultWithCounters>;
  close(): Promise<void>;
}

export interface CollectionResult {
  data: Record<string, unknown>;
  errors: CollectorError[];
  /** The collection's database time (statements and their round trips), for the agent's log; never sent. */
  timing?: QueryTiming;
}

export interface CheckResult {
  /** e.g. `reachable`, `authentication`, `version`, `privilege:pg_monitor`, `extension:pg_stat_statements`. */
  check: string;
  ok: boolean;
  detail: string;
  /** The exact SQL or command that fixes a failed check. */
  fix?: string;
}

export type QueryTextMode = 'obfuscated' | 'full' | 'off';

/**
 * Sections whose values are monotonic counters (pg_stat_database, Com_*, opcounters, INFO stats, …). The runner
 * keeps the previous raw values per target and replaces them with deltas since the previous successful collection;
 * the first collection sends a baseline only, and a value lower than before marks a counter reset (server restart).
 * `key` names the columns that identify a row (empty for a section that is a single object).
 */
export interface CounterSpec {
  key: readonly string[];
  counters: readonly string[];
  /**
   * A counter whose delta of 0 means the row did not run since the previous collection (a statement's `calls`): such
   * a row, neither new nor reset, is left out of the payload (it stays in the state for the next delta). Only for a
   * section whose every reader skips those rows anyway, as the server's MariaDB/MySQL digest extraction does.
   */
  omitIdleBy?: string;
}

export interface CollectionResultWithCounters extends CollectionResult {
  counters?: Record<string, CounterSpec>;
}

export interface TlsSpec {
  enabled: boolean;
  /** PEM contents already read from the configured files. */
  ca?: string;
  cert?: string;
  key?: string;
  rejectUnauthorized: boolean;
}

/** A validated target with secrets already resolved (from env:/file: references). Never logged as a whole. */
export interface TargetSpec {
  name: string;
  engine: Engine;
  host?: string;
  port?: number;
  socket?: string;
  user?: string;
  password?: string;
  /** Database to connect to first (PostgreSQL/MongoDB), or Redis db index as a string. */
  database?: string;
  tls?: TlsSpec;
  databases: { include: string[]; exclude: string[] };
  disabledCollectors: string[];
  queryText: QueryTextMode;
  queryTextMaxLength: number;
  tags: Record<string, string>;
  /** Per-collection deadline; also bounds every statement (e.g. PostgreSQL statement_timeout 5 s). */
  statementTimeoutMs: number;
}

export interface CollectorLogger {
  debug(obj: object | string, msg?: string): void;
  info(obj: object | string, msg?: string): void;
  warn(obj: object | string, msg?: string): void;
  error(obj: object | string, msg?: string): void;
}

/** Each engine's `collectors/<engine>/index.ts` exports one of these as `create<Engine>Collector`. */
export type CollectorFactory = (target: TargetSpec, logger: CollectorLogger) => EngineCollector;
