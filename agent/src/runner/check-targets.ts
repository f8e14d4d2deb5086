import type { Engine } from '@logstag/schema/core';
import { scrubSecrets } from '../config/redact';
import type { AgentConfig } from '../config/types';
import type { CheckResult, CollectorFactory } from '../collectors/types';
import type { Logger } from '../log/logger';
import { closeAll, createTargetCollectors } from './target-collectors';

export interface CheckLine extends CheckResult {
  target: string;
  engine: Engine;
}

/**
 * Runs every target's `check()` in parallel, each bounded by `timeoutMs`. Whatever goes wrong with one target
 * (refused connection, DNS failure, a collector that throws although it should not) becomes a failed line for that
 * target: `check` reports, it never crashes.
 */
export async function checkTargets(
  config: AgentConfig,
  factories: Readonly<Record<Engine, CollectorFactory>>,
  logger: Logger,
  timeoutMs = 20_000,
): Promise<CheckLine[]> {
  const { running, failed } = createTargetCollectors(config, factories, logger);
  const lines: CheckLine[][] = failed.map(({ target, error }) => [
    { target: target.spec.name, engine: target.spec.engine, check: 'collector', ok: false, detail: error.message },
  ]);
  const results = await Promise.all(
    running.map(async ({ target, collector }): Promise<CheckLine[]> => {
      const line = (r: CheckResult): CheckLine => ({ target: target.spec.name, engine: target.spec.engine, ...r });
      let timer: NodeJS.Timeout | undefined;
      const timeout = new Promise<CheckResult[]>((resolve) => {
        timer = setTimeout(
          () => resolve([{ check: 'reachable', ok: false, detail: `no answer within ${timeoutMs / 1000} s`, fix: 'check host, port, firewall and that the server is running' }]),
          timeoutMs,
        );
      });
      try {
        const results = await Promise.race([collector.check(), timeout]);
        if (results.length === 0) return [line({ check: 'collector', ok: false, detail: 'the collector reported no checks' })];
        return results.map(line);
      } catch (err) {
        return [line({ check: 'reachable', ok: false, detail: (err as Error).message })];
      } finally {
        clearTimeout(timer);
      }
    }),
  );
  await closeAll(running);
  // Details quote driver errors, which may quote a connection string: the terminal is a log like any other.
  return [...lines, ...results].flat().map((l) => ({
    ...l,
    detail: scrubSecrets(l.detail, config.secretValues),
    ...(l.fix !== undefined ? { fix: scrubSecrets(l.fix, config.secretValues) } : {}),
  }));
}

/** `ok    pg-main  extension:pg_stat_statements  installed 1.10` or `FAIL  …  → fix: CREATE EXTENSION …`. */
export function formatCheckLine(line: CheckLine, nameWidth: number): string {
  const status = line.ok ? 'ok  ' : 'FAIL';
  const fix = !line.ok && line.fix ? `\n      fix: ${line.fix}` : '';
  return `${status}  ${line.target.padEnd(nameWidth)}  ${line.check}: ${line.detail}${fix}`;
}
