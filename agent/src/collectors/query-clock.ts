/** Where one collection's time went on the database side, as the agent saw it. */
export interface QueryTiming {
  /** Statements or commands sent. */
  queries: number;
  /**
   * Sum of their round trips: from handing a statement to the driver until its result is parsed (network, the
   * server's work, the driver reading the rows). Waiting for the event loop is in it too when the agent is busy.
   */
  queryMs: number;
  /** Time spent opening connections and setting up their sessions (authentication, session limits), apart. */
  connectMs: number;
}

/**
 * Adds up a collection's database time, measured around each call in the engine's connection wrapper. The issue's
 * "database time per collection" is this sum, not the wall time of collect() (which also builds the payload).
 */
export class QueryClock {
  queries = 0;
  queryMs = 0;
  connectMs = 0;

  async query<T>(run: () => Promise<T>): Promise<T> {
    const started = performance.now();
    try {
      return await run();
    } finally {
      this.add(started);
    }
  }

  /** One statement or command sent at `startedAt` (a `performance.now()` value) has its answer. */
  add(startedAt: number): void {
    this.queries++;
    this.queryMs += performance.now() - startedAt;
  }

  async connect<T>(run: () => Promise<T>): Promise<T> {
    const started = performance.now();
    try {
      return await run();
    } finally {
      this.connected(started);
    }
  }

  /** A session set up since `startedAt` (a `performance.now()` value). */
  connected(startedAt: number): void {
    this.connectMs += performance.now() - startedAt;
  }

  timing(): QueryTiming {
    const round = (ms: number) => Math.round(ms * 10) / 10;
    return { queries: this.queries, queryMs: round(this.queryMs), connectMs: round(this.connectMs) };
  }
}
