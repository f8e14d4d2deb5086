import type { Category } from '@logstag/schema/core';
import type { TargetSpec } from '../collectors/types';

/** One target ready to run: its resolved spec (secrets included, never logged) and its interval per category. */
export interface TargetConfig {
  readonly spec: Readonly<TargetSpec>;
  readonly intervalSeconds: Readonly<Record<Category, number>>;
}

/** The validated, frozen configuration of one agent process. */
export interface AgentConfig {
  readonly configPath: string;
  /** Absent when the file has no `server:` section: `check` and `collect --dry-run` do not need one. */
  readonly server?: { readonly url: string; readonly apiKey: string };
  readonly agentId: string;
  readonly spool: { readonly dir: string; readonly maxBytes: number; readonly maxAgeHours: number };
  readonly dataPaths: readonly string[];
  readonly logLevel: 'fatal' | 'error' | 'warn' | 'info' | 'debug' | 'trace';
  readonly targets: readonly TargetConfig[];
  /** Every resolved secret value, so log output can be scrubbed of them wherever they might appear. */
  readonly secretValues: readonly string[];
}
