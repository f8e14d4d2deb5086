import { CATEGORIES, type Category, type Engine, type Payload } from '@logstag/schema/core';
import type { AgentConfig } from '../config/types';
import type { CollectorFactory } from '../collectors/types';
import type { Logger } from '../log/logger';
import { deadlineFor } from '../scheduler/deadline';
import { CounterState } from '../state/counter-state';
import { collectOnce } from './collect-once';
import { closeAll, createTargetCollectors } from './target-collectors';

export interface CollectAllOptions {
  categories?: readonly Category[];
  /** Receives each payload as it is built; awaited, so a target's next collection waits for it (one shot, no hurry). */
  emit: (payload: Payload, meta: { target: string; category: Category; ok: boolean }) => Promise<void> | void;
}

/**
 * Every target collects each category once, exactly as `run` would on its first tick (so counter sections are a
 * baseline only). Targets run in parallel, a target's categories one after another (a target gets at most the
 * connections one collection needs). Resolves with the collections that failed, as `target/category`; a target whose
 * collector could not even be created counts as failed in every category.
 */
export async function collectAll(
  config: AgentConfig,
  factories: Readonly<Record<Engine, CollectorFactory>>,
  logger: Logger,
  options: CollectAllOptions,
): Promise<{ failed: string[] }> {
  const categories = options.categories ?? CATEGORIES;
  const state = new CounterState();
  const { running, failed: notCreated } = createTargetCollectors(config, factories, logger);
  const failed = notCreated.flatMap(({ target }) => categories.map((c) => `${target.spec.name}/${c}`));
  try {
    await Promise.all(
      running.map(async ({ target, collector, logger: log }) => {
        for (const category of categories) {
          const deadlineMs = deadlineFor(target.intervalSeconds[category] * 1000, 120_000);
          const { payload, ok } = await collectOnce({
            agentId: config.agentId,
            target,
            collector,
            category,
            state,
            signal: AbortSignal.timeout(deadlineMs),
            secrets: config.secretValues,
          }).catch((err: unknown) => {
            log.error({ err, category }, 'cannot build the payload');
            return { payload: undefined, ok: false };
          });
          if (!ok) {
            failed.push(`${target.spec.name}/${category}`);
            log.warn({ category, errors: payload && 'errors' in payload ? payload.errors : undefined }, 'collection failed');
          }
          if (payload) await options.emit(payload, { target: target.spec.name, category, ok });
        }
      }),
    );
  } finally {
    await closeAll(running);
  }
  return { failed };
}
