import type { Category, Engine } from '@logstag/schema/core';
import type { AgentConfig } from '../config/types';
import type { CollectorFactory } from '../collectors/types';
import { buildHeartbeat } from '../host/heartbeat';
import type { Logger } from '../log/logger';
import { collectAll } from './collect-all';

export interface DryRunOptions {
  categories?: readonly Category[];
  /** Receives each payload as one JSON line (stdout in the CLI). */
  write: (line: string) => void;
}

/**
 * `collect --once --dry-run`: every target collects each category once and the payloads are written instead of sent.
 * The heartbeat comes first when every category is collected (it has no category of its own).
 * Resolves true when every collection succeeded.
 */
export async function dryRun(
  config: AgentConfig,
  factories: Readonly<Record<Engine, CollectorFactory>>,
  logger: Logger,
  options: DryRunOptions,
): Promise<boolean> {
  if (options.categories === undefined) options.write(JSON.stringify(await buildHeartbeat(config)));
  const { failed } = await collectAll(config, factories, logger, {
    ...(options.categories ? { categories: options.categories } : {}),
    emit: (payload) => options.write(JSON.stringify(payload)),
  });
  return failed.length === 0;
}
