import { DeadlineExceededError, deadlineFor } from './deadline';
import { initialDelay, jitteredDelay } from './jitter';

export interface ScheduledJob {
  /** e.g. `pg-main/runtime`; used in logs and stats. */
  name: string;
  intervalMs: number;
  /**
   * Jobs of one group share its ticks, every `tickMs`: one timer, one phase, one jitter, and at each tick the members
   * that are due run one after the other (see runMembers). A member whose interval is k ticks runs every kth tick, the
   * members of one k spread over the k ticks. A member never waits long for another, and a member still running skips
   * its tick alone. See Scheduler for why.
   */
  group?: { name: string; tickMs: number };
  /** One run. The signal fires at the deadline (or at shutdown); a run that ignores it still never overlaps itself. */
  run(signal: AbortSignal): Promise<void>;
}

export interface JobStats {
  started: number;
  succeeded: number;
  failed: number;
  /** Ticks that came while the previous run was still going, and were dropped rather than queued. */
  skipped: number;
  timedOut: number;
  lastDurationMs?: number;
}

export interface SchedulerLogger {
  warn(obj: object, msg?: string): void;
  error(obj: object, msg?: string): void;
}

export interface SchedulerOptions {
  jitterFraction?: number;
  maxDeadlineMs?: number;
  /** Upper bound of the random delay before a job's first run (which is also at most its interval). */
  maxInitialDelayMs?: number;
  /** How long a group's member may run before the next member starts anyway (default 100 ms; see runMembers). */
  groupHandOffMs?: number;
  random?: () => number;
  logger?: SchedulerLogger;
}

interface JobState {
  job: ScheduledJob;
  stats: JobStats;
  timer?: NodeJS.Timeout;
  running?: { promise: Promise<void>; controller: AbortController };
}

interface GroupMember {
  state: JobState;
  /** Runs at the ticks whose number is `offset` modulo `every`. */
  every: number;
  offset: number;
}

interface GroupState {
  tickMs: number;
  members: GroupMember[];
  ticks: number;
  timer?: NodeJS.Timeout;
}

/**
 * Runs each job on its own timer, or its group's: a slow or dead target only ever delays itself, never another job,
 * because no job awaits any other. Ticks are planned from the previous planned time (plus jitter), not from when a run
 * ended, so a job's cadence does not drift with its duration.
 *
 * Groups: the agent's frequent collections (every target's runtime one, every 10 s, and its workload one every sixth
 * tick) share ticks. Spread over the interval, each was a wake-up of its own, about two a second for 20 targets, and
 * each paid for caches and code gone cold in between: the same collections cost about twice the CPU 420 ms apart as
 * back to back (agent-cycles.ts --gap-ms, docs/benchmarks.md "Session 10"). Back to back they run warm, and their
 * payloads leave in one request.
 */
export class Scheduler {
  private readonly jobs = new Map<string, JobState>();
  private readonly groups = new Map<string, GroupState>();
  private stopped = false;
  private readonly jitterFraction: number;
  private readonly maxDeadlineMs: number;
  private readonly maxInitialDelayMs: number;
  private readonly groupHandOffMs: number;
  private readonly random: () => number;

  constructor(private readonly options: SchedulerOptions = {}) {
    this.jitterFraction = options.jitterFraction ?? 0.1;
    this.maxDeadlineMs = options.maxDeadlineMs ?? 120_000;
    this.maxInitialDelayMs = options.maxInitialDelayMs ?? 30_000;
    this.groupHandOffMs = options.groupHandOffMs ?? 100;
    this.random = options.random ?? Math.random;
  }

  add(job: ScheduledJob): void {
    if (this.jobs.has(job.name)) throw new Error(`job ${job.name} is already scheduled`);
    let group = job.group && this.groups.get(job.group.name);
    const every = job.group ? job.intervalMs / job.group.tickMs : 1;
    if (job.group && (!Number.isInteger(every) || every < 1 || (group && group.tickMs !== job.group.tickMs))) {
      throw new Error(`job ${job.name} runs every ${job.intervalMs} ms: not a whole number of its group ${job.group.name}'s ticks of ${group?.tickMs ?? job.group.tickMs} ms`);
    }
    const state: JobState = { job, stats: { started: 0, succeeded: 0, failed: 0, skipped: 0, timedOut: 0 } };
    this.jobs.set(job.name, state);
    if (job.group === undefined) {
      if (!this.stopped) this.plan(state, Date.now() + initialDelay(job.intervalMs, this.maxInitialDelayMs, this.random));
      return;
    }
    const { name, tickMs } = job.group;
    if (!group) {
      group = { tickMs, members: [], ticks: 0 };
      this.groups.set(name, group);
      if (!this.stopped) this.planGroup(group, Date.now() + initialDelay(tickMs, this.maxInitialDelayMs, this.random));
    }
    // The members of one interval take the k ticks in turn: twenty workload collections every six runtime ticks come
    // three or four a tick, not twenty at once.
    const offset = group.members.filter((m) => m.every === every).length % every;
    group.members.push({ state, every, offset });
  }

  /**
   * Runs a job now, out of its cadence (its planned ticks stay as they are): the operational collection starts the
   * schema collection when the schema changed. False when the job is unknown, already running, or the scheduler stopped.
   */
  runNow(name: string): boolean {
    const state = this.jobs.get(name);
    if (!state || this.stopped || state.running) return false;
    this.start(state);
    return true;
  }

  stats(name: string): Readonly<JobStats> | undefined {
    const state = this.jobs.get(name);
    return state && { ...state.stats };
  }

  /**
   * Stops planning new runs and waits for running ones up to `graceMs`, then aborts them and waits up to
   * `abortWaitMs` more for them to settle (each run's own error handling puts its unsent payload in the spool).
   * A run that ignores its signal (a wedged driver) cannot hold shutdown hostage beyond that.
   */
  async stop(graceMs = 10_000, abortWaitMs = 2_000): Promise<void> {
    this.stopped = true;
    const running: Array<NonNullable<JobState['running']>> = [];
    for (const group of this.groups.values()) clearTimeout(group.timer);
    for (const state of this.jobs.values()) {
      clearTimeout(state.timer);
      if (state.running) running.push(state.running);
    }
    if (running.length === 0) return;
    const all = Promise.allSettled(running.map((r) => r.promise)).then(() => 'settled' as const);
    if ((await raceTimeout(all, graceMs)) === 'settled') return;
    for (const r of running) r.controller.abort(new Error('agent is shutting down'));
    await raceTimeout(all, abortWaitMs);
  }

  private plan(state: JobState, at: number): void {
    state.timer = setTimeout(() => this.tick(state, at), Math.max(0, at - Date.now()));
  }

  private planGroup(group: GroupState, at: number): void {
    group.timer = setTimeout(() => this.tickGroup(group, at), Math.max(0, at - Date.now()));
  }

  /** The tick after one planned at `plannedAt`: an interval later, jittered, and never in the past. */
  private nextTick(intervalMs: number, plannedAt: number): number {
    const next = plannedAt + jitteredDelay(intervalMs, this.jitterFraction, this.random);
    // After a long pause (laptop sleep, a blocked event loop) do not fire a burst of catch-up ticks.
    return next < Date.now() ? Date.now() + jitteredDelay(intervalMs, this.jitterFraction, this.random) : next;
  }

  private tick(state: JobState, plannedAt: number): void {
    if (this.stopped) return;
    // The next tick is planned before this run starts, so a run that hangs cannot stop its own schedule.
    this.plan(state, this.nextTick(state.job.intervalMs, plannedAt));
    this.startOrSkip(state);
  }

  private tickGroup(group: GroupState, plannedAt: number): void {
    if (this.stopped) return;
    this.planGroup(group, this.nextTick(group.tickMs, plannedAt));
    void this.runMembers(group, group.ticks++);
  }

  /**
   * The members one after the other, each starting when the one before it has finished or has run for the hand-off
   * time, whichever comes first: back to back, a collection's round trips are not stretched by the others' work on
   * the event loop (each one's database time stays its own), only one payload is being built at a time, and a slow or
   * hung member delays the ones after it by the hand-off time at most.
   */
  private async runMembers(group: GroupState, tick: number): Promise<void> {
    for (const { state, every, offset } of group.members) {
      if (this.stopped) return;
      if (tick % every !== offset) continue;
      // A member still running from an earlier tick skips this one, and the next member starts at once.
      if (!this.startOrSkip(state)) continue;
      const running = state.running!.promise;
      let handOff: NodeJS.Timeout | undefined;
      await Promise.race([running, new Promise<void>((resolve) => (handOff = setTimeout(resolve, this.groupHandOffMs)))]);
      clearTimeout(handOff);
    }
  }

  /** Starts the job's run, or counts the tick as skipped when its previous run is still going. True if it started. */
  private startOrSkip(state: JobState): boolean {
    if (state.running) {
      state.stats.skipped++;
      this.options.logger?.warn({ job: state.job.name, skipped: state.stats.skipped }, 'previous collection still running: tick skipped');
      return false;
    }
    this.start(state);
    return true;
  }

  private start(state: JobState): void {
    const { job, stats } = state;
    const controller = new AbortController();
    const deadlineMs = deadlineFor(job.intervalMs, this.maxDeadlineMs);
    const deadline = setTimeout(() => controller.abort(new DeadlineExceededError(deadlineMs)), deadlineMs);
    const startedAt = performance.now();
    stats.started++;
    const promise = Promise.resolve()
      .then(() => job.run(controller.signal))
      .then(
        () => {
          stats.succeeded++;
        },
        (err: unknown) => {
          stats.failed++;
          this.options.logger?.error({ job: job.name, err }, 'collection failed');
        },
      )
      .finally(() => {
        clearTimeout(deadline);
        if (controller.signal.reason instanceof DeadlineExceededError) stats.timedOut++;
        stats.lastDurationMs = Math.round(performance.now() - startedAt);
        state.running = undefined;
      });
    state.running = { promise, controller };
  }
}

async function raceTimeout<T>(promise: Promise<T>, ms: number): Promise<T | 'timeout'> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<'timeout'>((resolve) => {
    timer = setTimeout(() => resolve('timeout'), ms);
  });
  try {
    return await Promise.race([promise, timeout]);
  } finally {
    clearTimeout(timer);
  }
}
