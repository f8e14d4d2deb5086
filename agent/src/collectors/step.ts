import type { Category, CollectorError } from '@logstag/schema';
import type { CounterSpec } from './types';

/**
 * One collector step, declared the same way for every engine: what it is called (the name users put in `disable:`
 * and the server shows in "collector X failed"), when it runs, whether the collection can do without it, the
 * privilege it needs and the statement that grants it. `run` reads the server and writes payload sections.
 */
export interface CollectorStep<Ctx, T = void> {
  readonly name: string;
  readonly category: Category;
  /** A required step's failure fails the collection; an optional one's is sent in the payload's `errors`. */
  readonly required: boolean;
  /** What the monitoring account must hold for this step: a role, a GRANT, an ACL rule (for the log and the reader). */
  readonly privilege?: string;
  /** The statement that grants `privilege`, put in the error entry when the server refused the step for want of it. */
  readonly fix?: (ctx: Ctx) => string;
  /** Whether the step applies to this server at all (replica-set status on a standalone): if not, skipped, not failed. */
  readonly applies?: (ctx: Ctx) => boolean;
  run(ctx: Ctx, out: StepOutput): Promise<T>;
}

/** Where a step writes: the collection's payload sections and their counter specs, and what it could not read. */
export interface StepOutput {
  readonly data: Record<string, unknown>;
  readonly counters: Record<string, CounterSpec>;
  /** Sections with their counter specs, keeping only the specs of sections the result holds (not null). */
  add(result: { data: Record<string, unknown>; counters?: Record<string, CounterSpec> }): void;
  /** An error entry the step writes itself, for what it ran but could not see (statements of other users hidden). */
  report(entry: CollectorError): void;
  /** A part of the step failed: reported as this step's error, as if the step had failed, and the step goes on. */
  fail(error: unknown): void;
  /** Runs a step within this one (a walk over databases runs one per database), with the same rules. */
  run<C, T>(step: CollectorStep<C, T>, ctx: C): Promise<T | undefined>;
  enabled(name: string): boolean;
}

/** How an engine reads a step's error for the payload. */
export interface StepFailure {
  /** The server's code (SQLSTATE name, ER_…, NOPERM, codeName), when there is one. */
  code?: string;
  message: string;
  /** The server refused the step for want of a privilege: the step's `fix` applies. */
  denied: boolean;
  /** A fix the error names itself (a missing extension), which wins over the step's. */
  fix?: string;
}
