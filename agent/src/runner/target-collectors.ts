import type { AgentConfig, TargetConfig } from '../config/types';
import type { CollectorFactory, EngineCollector } from '../collectors/types';
import type { Engine } from '@logstag/schema/core';
import { targetLogger, type Logger } from '../log/logger';

export interface RunningTarget {
  target: TargetConfig;
  collector: EngineCollector;
  logger: Logger;
}

/**
 * One collector per target, each with a logger that names its target. A factory that throws (a bad option the engine
 * only notices late) affects that target alone: it is logged and left out, the others run.
 */
export function createTargetCollectors(
  config: AgentConfig,
  factories: Readonly<Record<Engine, CollectorFactory>>,
  logger: Logger,
): { running: RunningTarget[]; failed: Array<{ target: TargetConfig; error: Error }> } {
  const running: RunningTarget[] = [];
  const failed: Array<{ target: TargetConfig; error: Error }> = [];
  for (const target of config.targets) {
    const log = targetLogger(logger, target.spec.name);
    try {
      running.push({ target, collector: factories[target.spec.engine](target.spec, log), logger: log });
    } catch (err) {
      log.error({ err }, 'cannot create the collector');
      failed.push({ target, error: err as Error });
    }
  }
  return { running, failed };
}

/** Closes every collector, each bounded so one hung connection cannot hold the process open. */
export async function closeAll(running: readonly RunningTarget[], timeoutMs = 5_000): Promise<void> {
  await Promise.allSettled(
    running.map(({ collector, logger }) =>
      Promise.race([
        collector.close(),
        new Promise<void>((resolve) => setTimeout(resolve, timeoutMs).unref()),
      ]).catch((err: unknown) => logger.warn({ err }, 'error while closing connections')),
    ),
  );
}
