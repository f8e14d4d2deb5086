import type { Category, CollectorError } from '@logstag/schema/core';
import { QueryClock } from './query-clock';
import type { CollectorStep, StepFailure, StepOutput } from './step';
import type { CollectionResultWithCounters, CollectorLogger, CounterSpec } from './types';

export interface CollectionOptions {
  category: Category;
  signal: AbortSignal;
  logger: CollectorLogger;
  /** The target's `disable:` list. */
  disabled: Iterable<string>;
  /** The engine's reading of a failed step's error (its codes, which of them mean a missing privilege). */
  readFailure(error: unknown): StepFailure;
  /** Whether the engine's connection wrappers time their calls into `clock` (MongoDB's do not): timing is sent only then. */
  timed?: boolean;
  /**
   * At most this many error entries; the rest are counted in one more entry named `overflowCollector`, so a target
   * with thousands of failing collections still sends a valid payload (the schema allows 200 entries).
   */
  maxErrors?: number;
  overflowCollector?: string;
}

/**
 * One collection of one category: runs the engine's steps of that category in their order, accumulates the payload
 * sections, counter specs and the errors of optional steps, and the database time the connection wrappers measured.
 *
 * A step that is disabled, or does not apply to the server, is skipped. A required step's failure fails the
 * collection, as `<step> failed: <message>`; an optional one's is logged and becomes an error entry (with the step's
 * fix when the server refused a privilege), and the next step runs. Once the deadline passed, nothing more runs and
 * the collection rejects with the signal's reason.
 */
export class Collection {
  readonly data: Record<string, unknown> = {};
  readonly counters: Record<string, CounterSpec> = {};
  readonly errors: CollectorError[] = [];
  readonly clock = new QueryClock();
  readonly category: Category;
  readonly #options: CollectionOptions;
  readonly #disabled: ReadonlySet<string>;
  #overflow = 0;
  /** The required step that failed, and its error, as it travels up through the engine's connection wrapper. */
  #failed: { collector: string; error: unknown } | undefined;

  constructor(options: CollectionOptions) {
    this.#options = options;
    this.category = options.category;
    this.#disabled = new Set(options.disabled);
  }

  enabled(name: string): boolean {
    return !this.#disabled.has(name);
  }

  /**
   * Runs an engine's collection (`work` runs the steps, on the engine's sessions) and gives its result. A required
   * step's error is renamed only here, once the engine's connection wrapper has seen the server's own error (a pool
   * tells a broken session from a refused statement by it).
   */
  async collect(work: () => Promise<void>): Promise<CollectionResultWithCounters> {
    try {
      await work();
    } catch (error) {
      if (this.#options.signal.aborted) throw this.#options.signal.reason;
      const failed = this.#failed;
      if (failed && failed.error === error) throw new Error(`${failed.collector} failed: ${messageOf(error)}`, { cause: error });
      throw error;
    }
    return this.result();
  }

  /**
   * Runs the steps of this collection's category, in order. `qualifier` names what they run on when they run once
   * per database: their errors are then `<step>:<qualifier>`.
   */
  async runSteps<Ctx>(steps: ReadonlyArray<CollectorStep<Ctx, unknown>>, ctx: Ctx, qualifier?: string): Promise<void> {
    for (const step of steps) {
      if (step.category === this.category) await this.run(step, ctx, qualifier);
    }
  }

  /** Runs one step; its value, or undefined when it was skipped or its optional failure was reported. */
  async run<Ctx, T>(step: CollectorStep<Ctx, T>, ctx: Ctx, qualifier?: string): Promise<T | undefined> {
    if (!this.enabled(step.name) || (step.applies && !step.applies(ctx))) return undefined;
    const { signal } = this.#options;
    signal.throwIfAborted();
    const collector = qualifier === undefined ? step.name : `${step.name}:${qualifier}`.slice(0, 128);
    const out = this.#output(step, ctx, collector);
    try {
      return await step.run(ctx, out);
    } catch (error) {
      if (signal.aborted) throw signal.reason;
      if (step.required) {
        this.#failed = { collector, error };
        throw error;
      }
      out.fail(error);
      return undefined;
    }
  }

  /** Adds an error entry the engine wrote itself (a database it may not enter); beyond `maxErrors` only counted. */
  report(entry: CollectorError): void {
    if (this.errors.length >= (this.#options.maxErrors ?? Number.POSITIVE_INFINITY)) this.#overflow++;
    else this.errors.push(entry);
  }

  /** The entry for `error` as `collector`'s failure: the engine's reading, and the step's fix when a privilege was missing. */
  entry<Ctx>(collector: string, error: unknown, step?: CollectorStep<Ctx, unknown>, ctx?: Ctx): CollectorError {
    const failure = this.#options.readFailure(error);
    const fix = failure.fix ?? (failure.denied && step?.fix && ctx !== undefined ? step.fix(ctx) : undefined);
    return {
      collector,
      message: failure.message.slice(0, 2000),
      ...(failure.code ? { code: failure.code.slice(0, 64) } : {}),
      ...(fix ? { fix } : {}),
    };
  }

  /** The sections, counter specs, errors and (when timed) database time collected so far. */
  result(): CollectionResultWithCounters {
    const errors = this.#overflow > 0
      ? [...this.errors, { collector: this.#options.overflowCollector ?? this.category, message: `${this.#overflow} more collector errors not listed` }]
      : this.errors;
    const result: CollectionResultWithCounters = { data: this.data, errors, counters: this.counters };
    if (this.#options.timed ?? true) result.timing = this.clock.timing();
    return result;
  }

  #output<Ctx>(step: CollectorStep<Ctx, unknown>, ctx: Ctx, collector: string): StepOutput {
    return {
      data: this.data,
      counters: this.counters,
      add: (result) => {
        Object.assign(this.data, result.data);
        for (const [section, spec] of Object.entries(result.counters ?? {})) {
          if (spec && section in result.data && result.data[section] !== null) this.counters[section] = spec;
        }
      },
      report: (entry) => this.report(entry),
      run: (inner, innerCtx) => this.run(inner, innerCtx),
      enabled: (name) => this.enabled(name),
      fail: (error) => {
        const entry = this.entry(collector, error, step, ctx);
        this.#options.logger.warn(
          { collector, code: entry.code, ...(step.privilege ? { privilege: step.privilege } : {}), err: entry.message },
          'optional collector failed',
        );
        this.report(entry);
      },
    };
  }
}

function messageOf(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}
