import type { Category, Engine, Payload } from '@logstag/schema/core';
import type { AgentConfig } from '../config/types';
import type { CollectorFactory } from '../collectors/types';
import { buildHeartbeat } from '../host/heartbeat';
import type { Logger } from '../log/logger';
import { UnauthorizedError } from '../output/send-errors';
import type { DeliveryOutcome } from '../output/sender';
import { collectAll } from './collect-all';
import { openSender } from './open-sender';

export interface SendOnceOptions {
  categories?: readonly Category[];
}

export interface SendOnceSummary {
  /** Payloads the server accepted (202). */
  sent: number;
  /** Payloads kept on disk because the server could not take them now; the next `run` re-sends them. */
  spooled: number;
  /** Payloads lost: refused by the server (4xx other than 401/403) or over its size limit. */
  dropped: number;
  /** Collections that failed, as `target/category` (their error payloads were still delivered). */
  failedCollections: string[];
  /** Why the last payload was not sent, when one was not. */
  lastError?: Error;
  unauthorized: boolean;
  spoolDir: string;
  backlog: number;
}

/**
 * `collect --once` without `--dry-run`: collects like the dry run and delivers each payload through the same sender
 * and spool `run` uses (retries, Retry-After, spool when the server is down). It does not replay an older backlog:
 * that is `run`'s job, at its bounded rate. The heartbeat goes last, so its spool stats describe this run.
 */
export async function sendOnce(
  config: AgentConfig,
  factories: Readonly<Record<Engine, CollectorFactory>>,
  logger: Logger,
  options: SendOnceOptions = {},
): Promise<SendOnceSummary> {
  const { spool, sender } = await openSender(config, logger, 'send');
  const outcomes: Record<DeliveryOutcome, number> = { sent: 0, spooled: 0, dropped: 0 };
  const deliver = async (payload: Payload) => {
    outcomes[await sender.deliver(payload)]++;
  };
  let failed: string[];
  try {
    ({ failed } = await collectAll(config, factories, logger, {
      ...(options.categories ? { categories: options.categories } : {}),
      emit: deliver,
    }));
    if (options.categories === undefined) await deliver(await buildHeartbeat(config, new Date(), sender.takeSpoolStats()));
  } finally {
    await sender.close();
  }
  return {
    ...outcomes,
    failedCollections: failed,
    ...(sender.lastError ? { lastError: sender.lastError } : {}),
    unauthorized: sender.lastError instanceof UnauthorizedError,
    spoolDir: config.spool.dir,
    backlog: spool.count,
  };
}

/**
 * What the operator reads after a one-shot send, and whether it succeeded: every payload accepted or spooled, every
 * collection ok, and the API key accepted (a refused key spools everything, which is not success).
 */
export function describeSendOnce(summary: SendOnceSummary, serverUrl: string): { ok: boolean; lines: string[] } {
  const total = summary.sent + summary.spooled + summary.dropped;
  const lines = [`sent ${summary.sent} of ${total} payloads to ${serverUrl}`];
  const reason = summary.lastError ? `: ${summary.lastError.message}` : '';
  if (summary.spooled > 0) {
    lines.push(`spooled ${summary.spooled} in ${summary.spoolDir} (${summary.backlog} waiting in all)${reason}; \`logstag-agent run\` re-sends them`);
  }
  if (summary.dropped > 0) lines.push(`dropped ${summary.dropped} that the server refused${reason}`);
  if (summary.unauthorized) lines.push('the server refused the API key: check server.api_key');
  if (summary.failedCollections.length > 0) lines.push(`collections failed: ${summary.failedCollections.join(', ')} (see the log above)`);
  const ok = summary.dropped === 0 && !summary.unauthorized && summary.failedCollections.length === 0;
  return { ok, lines };
}
