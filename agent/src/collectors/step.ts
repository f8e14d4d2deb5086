import type { Category, CollectorError } from '@logstag/schema/core';
import type { CounterSpec } from './types';

/**
 * One collector step, declared the same way for every engine: what it is called (the name users put in `disable:`
 * and the server shows in "collector X failed"), when it runs, whether the collection can do without it, the
 * privilege it needs and the statement that grants it. `run` reads the server and writes payload sections.
 */
/** The payload sections a step may write: an engine's `EngineData` from @logstag/schema, or any for engine-neutral code. */
export type SectionData = object;

export interface CollectorStep<Ctx, T = void, D extends SectionData = Record<string, unknown>> {
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
  run(ctx: Ctx, out: StepOutput<D>): Promise<T>;
}

/** Counter specs by section name. */
export type CounterSpecs<D extends SectionData> = Partial<Record<keyof D & string, CounterSpec>>;

/**
 * Where a step writes: the collection's payload sections (typed by the engine's sections in @logstag/schema, so a
 * section's name and its rows' fields are checked where they are built) and their counter specs, and what it could
 * not read.
 */
export interface StepOutput<D extends SectionData = Record<string, unknown>> {
  readonly data: D;
  readonly counters: CounterSpecs<D>;
  /** Sections with their counter specs, keeping only the specs of sections the result holds (not null). */
  add(result: { data: D; counters?: CounterSpecs<D> }): void;
  /** An error entry the step writes itself, for what it ran but could not see (statements of other users hidden). */
  report(entry: CollectorError): void;
  /** A part of the step failed: reported as this step's error, as if the step had failed, and the step goes on. */
  fail(error: unknown): void;
  /** Runs a step within this one (a walk over databases runs one per database), with the same rules. */
  run<C, T>(step: CollectorStep<C, T, D>, ctx: C): Promise<T | undefined>;
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
