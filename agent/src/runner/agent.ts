import { CATEGORIES, type Category, type Engine } from '@logstag/schema/core';
import type { AgentConfig, TargetConfig } from '../config/types';
import type { CollectorFactory } from '../collectors/types';
import { buildHeartbeat } from '../host/heartbeat';
import type { Logger } from '../log/logger';
import type { Sender } from '../output/sender';
import { Scheduler } from '../scheduler/scheduler';
import { CounterState } from '../state/counter-state';
import { collectOnce } from './collect-once';
import { openSender } from './open-sender';
import { SchemaChangeTrigger } from './schema-trigger';
import { closeAll, createTargetCollectors } from './target-collectors';

/** Runtime collections, and workload ones whose interval is a whole number of runtime intervals. */
const grouped = (target: TargetConfig, category: Category) =>
  category === 'runtime' || (category === 'workload' && target.intervalSeconds.workload % target.intervalSeconds.runtime === 0);

export interface RunningAgent {
  /** Stops cleanly: collections in flight finish (or are aborted after a grace period), unsent payloads are spooled. */
  stop(): Promise<void>;
  readonly scheduler: Scheduler;
  readonly sender: Sender;
}

export interface AgentOptions {
  heartbeatIntervalMs?: number;
  stopGraceMs?: number;
  /** Upper bound of a job's random delay before its first run (the scheduler's default: 30 s). */
  maxInitialDelayMs?: number;
}

/**
 * The long-running agent: config → scheduler → collectors → state/diff → envelope → sender/spool, one job per target
 * and category plus the heartbeat. Collections hand their payload to the sender and return; the network never
 * delays a collection, and a target never delays another.
 */
export async function startAgent(
  config: AgentConfig,
  factories: Readonly<Record<Engine, CollectorFactory>>,
  logger: Logger,
  options: AgentOptions = {},
): Promise<RunningAgent> {
  const { spool, sender } = await openSender(config, logger, 'run');
  if (spool.count > 0) logger.info({ backlog: spool.count, bytes: spool.bytes }, 'payloads left in the spool by an earlier run will be re-sent');
  sender.start();

  const state = new CounterState();
  const scheduler = new Scheduler({ logger, ...(options.maxInitialDelayMs !== undefined ? { maxInitialDelayMs: options.maxInitialDelayMs } : {}) });
  const schemaChanges = new SchemaChangeTrigger();
  const { running } = createTargetCollectors(config, factories, logger);

  for (const { target, collector, logger: log } of running) {
    for (const category of CATEGORIES) {
      scheduler.add({
        name: `${target.spec.name}/${category}`,
        intervalMs: target.intervalSeconds[category] * 1000,
        // Every target's runtime collections share their ticks, one after the other (see Scheduler), and its workload
        // ones ride them (every sixth tick by default, a few targets' at each). Operational and schema collections keep
        // timers of their own, so their first runs still come within 30 s of start. Twenty workload collections in one
        // tick were 3-4 MB more at the peak (their payloads sat in the sender together: bench:agent).
        ...(grouped(target, category) ? { group: { name: `ticks/${target.intervalSeconds.runtime}`, tickMs: target.intervalSeconds.runtime * 1000 } } : {}),
        run: async (signal) => {
          const started = performance.now();
          const { payload, ok, timing } = await collectOnce({ agentId: config.agentId, target, collector, category, state, signal, secrets: config.secretValues });
          // durationMs: the whole collection (statements, their round trips, building the payload). timing: the part
          // spent on the database (round trips of its statements; opening sessions apart). The benchmark reads both.
          const durationMs = Math.round((performance.now() - started) * 10) / 10;
          sender.submit(payload);
          // A changed schema fingerprint starts the schema collection now: a new table shows within one operational
          // interval (10 minutes), not at the next 4-hourly run. If that job is running, the next fingerprint retries.
          if (ok && schemaChanges.changed(payload)) {
            if (scheduler.runNow(`${target.spec.name}/schema`)) {
              log.info('schema changed: collecting the schema now');
              schemaChanges.remember(payload);
            }
          } else if (ok) schemaChanges.remember(payload);
          if (!ok) log.warn({ category, durationMs, errors: 'errors' in payload ? payload.errors : undefined }, 'collection failed');
          else log.debug({ category, payloadId: payload.id, durationMs, ...timing }, 'collected');
        },
      });
    }
  }

  scheduler.add({
    name: 'heartbeat',
    intervalMs: options.heartbeatIntervalMs ?? 60_000,
    run: async () => {
      sender.submit(await buildHeartbeat(config, new Date(), sender.takeSpoolStats()));
      const memory = process.memoryUsage();
      // The agent's own footprint, so an operator can see it stays light (issue 4: ≤ 80 MB RSS).
      const mb = (bytes: number) => Math.round(bytes / 104_857.6) / 10;
      logger.info(
        { ...sender.stats, spooled: spool.count, spoolBytes: spool.bytes, rssMb: mb(memory.rss), heapUsedMb: mb(memory.heapUsed), externalMb: mb(memory.external) },
        'heartbeat',
      );
    },
  });
  logger.info({ targets: running.length, agentId: config.agentId }, 'agent started');

  let stopping: Promise<void> | undefined;
  return {
    scheduler,
    sender,
    stop: () =>
      (stopping ??= (async () => {
        logger.info('stopping: finishing collections in flight');
        await scheduler.stop(options.stopGraceMs ?? 10_000);
        await sender.close();
        await closeAll(running);
        logger.info({ ...sender.stats, spooled: spool.count }, 'agent stopped');
      })()),
  };
}
