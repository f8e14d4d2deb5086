import { CATEGORIES, type Category, type Engine } from '@logstag/schema';
import type { AgentConfig } from '../config/types';
import type { CollectorFactory } from '../collectors/types';
import { buildHeartbeat } from '../host/heartbeat';
import type { Logger } from '../log/logger';
import { deadlineFor } from '../scheduler/deadline';
import { CounterState } from '../state/counter-state';
import { collectOnce } from './collect-once';
import { closeAll, createTargetCollectors } from './target-collectors';

export interface DryRunOptions {
  categories?: readonly Category[];
  /** Receives each payload as one JSON line (stdout in the CLI). */
  write: (line: string) => void;
}

/**
 * `collect --once --dry-run`: every target collects each category once, exactly as `run` would on its first tick
 * (so counter sections are a baseline only), and the payloads are written instead of sent. Targets run in parallel,
 * a target's categories one after another (a target gets at most the connections one collection needs).
 * Resolves true when every collection succeeded.
 */
export async function dryRun(
  config: AgentConfig,
  factories: Readonly<Record<Engine, CollectorFactory>>,
  logger: Logger,
  options: DryRunOptions,
): Promise<boolean> {
  const categories = options.categories ?? CATEGORIES;
  const state = new CounterState();
  const { running, failed } = createTargetCollectors(config, factories, logger);
  let allOk = failed.length === 0;

  if (options.categories === undefined) options.write(JSON.stringify(await buildHeartbeat(config)));

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
          allOk = false;
          log.warn({ category, errors: payload && 'errors' in payload ? payload.errors : undefined }, 'collection failed');
        }
        if (payload) options.write(JSON.stringify(payload));
      }
    }),
  );
  await closeAll(running);
  return allOk;
}
