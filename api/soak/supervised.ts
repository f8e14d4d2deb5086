// One process of the system under test, kept running the way systemd's Restart=always would: started, restarted
// after it exits on its own, and killed with SIGKILL on the chaos loop's request, then started again after the
// downtime it was given. Counts kills, unexpected exits and failed starts for the report.

/** A started, ready process. `exited` settles when it is gone (its whole process group, for grouped children). */
export interface RunningChild {
  pid: number;
  exited: Promise<unknown>;
  /** The end of its output, for the report when it exits on its own. */
  tail?: () => string;
}

export interface ChildSpec {
  name: string;
  /** Starts the process and resolves once it is ready (answers); rejects when it could not start. */
  start(): Promise<RunningChild>;
  /** SIGKILL, and resolves once nothing of it is left (no port, no shared memory still held). */
  kill(child: RunningChild): Promise<void>;
}

export interface SupervisedStats {
  kills: number;
  /** Exits nobody asked for (a crash of its own), each followed by a restart. */
  unexpectedExits: number;
  /** The error line of each of the first such exits, from the end of its output. */
  exitReasons: string[];
  failedStarts: number;
  /** Milliseconds spent down or starting after the first start. */
  downMs: number;
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/**
 * The line that says why a process ended: the first error line of its last output (log lines in JSON and a line cut
 * by the tail's start aside), else its last line.
 */
export function errorLine(tail: string): string {
  const lines = tail.split('\n').slice(1).map((l) => l.trim()).filter((l) => l && !l.startsWith('{'));
  const line = lines.find((l) => /^(\w*Error\b|error:|FATAL|PANIC|panic:|logstag:)/.test(l)) ?? lines.at(-1) ?? 'no output';
  return line.slice(0, 200);
}

/** Resolves with `promise`, or when `signal` aborts first; leaves no listener behind. */
function untilAborted(promise: Promise<unknown>, signal: AbortSignal | undefined): Promise<unknown> {
  if (!signal) return promise;
  if (signal.aborted) return Promise.resolve();
  let onAbort!: () => void;
  const aborted = new Promise<void>((resolve) => (onAbort = resolve));
  signal.addEventListener('abort', onAbort, { once: true });
  return Promise.race([promise, aborted]).finally(() => signal.removeEventListener('abort', onAbort));
}

export class Supervised {
  readonly stats: SupervisedStats = { kills: 0, unexpectedExits: 0, exitReasons: [], failedStarts: 0, downMs: 0 };
  private child: RunningChild | null = null;
  private stopping = false;
  private killing: { downtimeMs: number; done: () => void } | null = null;
  private upWaiters: Array<() => void> = [];
  private loop: Promise<void> | null = null;
  private downSince: number | null = null;
  private lastStartError: string | null = null;

  constructor(
    readonly spec: ChildSpec,
    private readonly log: (line: string) => void,
  ) {}

  get name(): string {
    return this.spec.name;
  }

  get up(): boolean {
    return this.child !== null && this.killing === null;
  }

  /**
   * Starts the process; resolves once it is ready the first time. Rejects with the last start's error when it is not
   * up within `timeoutMs` or `signal` aborts (the supervisor keeps trying until stop()).
   */
  async start(timeoutMs = 180_000, signal?: AbortSignal): Promise<void> {
    this.loop ??= this.run();
    let timer: NodeJS.Timeout | undefined;
    const timedOut = new Promise<'timeout'>((resolve) => (timer = setTimeout(() => resolve('timeout'), timeoutMs)));
    const outcome = await untilAborted(Promise.race([this.whenUp().then(() => 'up' as const), timedOut]), signal);
    clearTimeout(timer);
    if (outcome !== 'up') {
      const why = outcome === 'timeout' ? `did not start within ${timeoutMs / 1000} s` : 'start stopped by a signal';
      throw new Error(`${this.name} ${why}${this.lastStartError ? `: ${this.lastStartError}` : ''}`);
    }
  }

  whenUp(): Promise<void> {
    if (this.up) return Promise.resolve();
    return new Promise((resolve) => this.upWaiters.push(resolve));
  }

  /**
   * SIGKILL once it is up; resolves when it is gone (the restart follows after `downtimeMs`, in the background).
   * Nothing is killed when `signal` aborts first.
   */
  async kill(downtimeMs: number, signal?: AbortSignal): Promise<void> {
    await untilAborted(this.whenUp(), signal);
    if (signal?.aborted) return;
    if (this.stopping || !this.child) return;
    const child = this.child;
    await new Promise<void>((done) => {
      this.killing = { downtimeMs, done };
      this.log(`chaos: SIGKILL ${this.name} (pid ${child.pid}), down for ${(downtimeMs / 1000).toFixed(1)} s`);
      void this.spec.kill(child);
    });
  }

  /** Stops supervising and kills the process; resolves when it is gone. */
  async stop(): Promise<void> {
    this.stopping = true;
    for (const w of this.upWaiters.splice(0)) w();
    const child = this.child;
    if (child) await this.spec.kill(child).catch(() => undefined);
    await this.loop?.catch(() => undefined);
  }

  private async run(): Promise<void> {
    let backoffMs = 500;
    while (!this.stopping) {
      let child: RunningChild;
      try {
        child = await this.spec.start();
      } catch (err) {
        if (this.stopping) return;
        this.stats.failedStarts += 1;
        this.lastStartError = (err as Error).message.split('\n')[0]!;
        this.log(`${this.name}: start failed (${this.lastStartError}); again in ${backoffMs} ms`);
        await sleep(backoffMs);
        backoffMs = Math.min(backoffMs * 2, 10_000);
        continue;
      }
      if (this.stopping) {
        await this.spec.kill(child).catch(() => undefined);
        return;
      }
      backoffMs = 500;
      this.child = child;
      if (this.downSince !== null) this.stats.downMs += Date.now() - this.downSince;
      this.downSince = null;
      for (const w of this.upWaiters.splice(0)) w();
      await child.exited;
      this.child = null;
      this.downSince = Date.now();
      if (this.stopping) return;
      const killing = this.killing;
      this.killing = null;
      if (killing) {
        this.stats.kills += 1;
        killing.done();
        await sleep(killing.downtimeMs);
      } else {
        this.stats.unexpectedExits += 1;
        const reason = errorLine(child.tail?.() ?? '');
        if (this.stats.exitReasons.length < 5) this.stats.exitReasons.push(reason);
        this.log(`${this.name}: exited on its own (pid ${child.pid}: ${reason}); restarting`);
        await sleep(1_000);
      }
    }
  }
}
