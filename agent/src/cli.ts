/**
 * logstag-agent: the Logstag monitoring agent.
 *
 *   logstag-agent check --config logstag-agent.yaml
 *       Validates the config and every target (reachable, version, authentication, privileges, extensions).
 *       One line per target and check, with the exact SQL/command that fixes a gap. Exit 0 only if all pass.
 *
 *   logstag-agent collect --once [--dry-run] --config logstag-agent.yaml [--category runtime|workload|operational|schema]
 *       Collects once. With --dry-run, prints each payload as a JSON line on stdout and sends nothing; without it,
 *       sends them (to the spool if the server cannot take them) and prints a summary. Logs go to stderr.
 *       Counters are a baseline on a first collection, so counter sections are left out, as `run` would.
 *
 *   logstag-agent run --config logstag-agent.yaml
 *       The long-running agent. SIGINT/SIGTERM stop it cleanly; payloads not yet sent go to the spool.
 *
 * Exit codes: 0 success, 1 a check or collection failed (or, when sending, a payload was refused or the API key was
 * rejected), 2 the config is invalid (or `run`/sending without a server section).
 */
import { CATEGORIES, type Category } from '@logstag/schema/core';
import { Command, InvalidArgumentError, Option } from 'commander';
import { collectorFactories } from './collectors/index';
import { ConfigError } from './config/config-error';
import { loadConfig } from './config/load';
import type { AgentConfig } from './config/types';
import { agentVersion } from './host/agent-version';
import { createLogger } from './log/logger';
import { startAgent } from './runner/agent';
import { checkTargets, formatCheckLine } from './runner/check-targets';
import { dryRun } from './runner/dry-run';
import { describeSendOnce, sendOnce } from './runner/send-once';
import { scrubSecrets } from './config/redact';

const program = new Command()
  .name('logstag-agent')
  .description('Collects database health, workload and schema metadata and sends it to Logstag.')
  .version(agentVersion())
  .showHelpAfterError();

const configOption = () => new Option('-c, --config <file>', 'path to logstag-agent.yaml').makeOptionMandatory();
const logLevelOption = (fallback: string) =>
  new Option('--log-level <level>', 'log level on stderr').choices(['fatal', 'error', 'warn', 'info', 'debug', 'trace']).default(fallback);

program
  .command('check')
  .description('check the config and every target; exit 0 only when all checks pass')
  .addOption(configOption())
  .addOption(logLevelOption('error'))
  .action(async (opts: { config: string; logLevel: string }) => {
    const config = readConfig(opts.config);
    const logger = createLogger({ level: opts.logLevel, secrets: config.secretValues });
    const lines = await checkTargets(config, collectorFactories, logger);
    const width = Math.max(...lines.map((l) => l.target.length));
    for (const line of lines) process.stdout.write(`${formatCheckLine(line, width)}\n`);
    const failed = lines.filter((l) => !l.ok).length;
    process.stdout.write(failed === 0 ? `all ${lines.length} checks passed\n` : `${failed} of ${lines.length} checks failed\n`);
    process.exit(failed === 0 ? 0 : 1);
  });

program
  .command('collect')
  .description('collect once and send the payloads (with --dry-run, print them as JSON lines and send nothing)')
  .addOption(configOption())
  .requiredOption('--once', 'collect each category once, then exit')
  .option('--dry-run', 'print payloads on stdout instead of sending them')
  .option('--category <category>', `only this category (${CATEGORIES.join(', ')})`, parseCategory)
  .addOption(logLevelOption('warn'))
  .action(async (opts: { config: string; category?: Category; logLevel: string; dryRun?: boolean }) => {
    const config = readConfig(opts.config);
    const logger = createLogger({ level: opts.logLevel, secrets: config.secretValues });
    const categories = opts.category ? { categories: [opts.category] } : {};
    if (opts.dryRun) {
      const ok = await dryRun(config, collectorFactories, logger, { ...categories, write: (line) => process.stdout.write(`${line}\n`) });
      process.exit(ok ? 0 : 1);
    }
    if (!config.server) {
      process.stderr.write(`${config.configPath}: sending needs a server section with url and api_key (or use --dry-run)\n`);
      process.exit(2);
    }
    let summary: Awaited<ReturnType<typeof sendOnce>>;
    try {
      summary = await sendOnce(config, collectorFactories, logger, categories);
    } catch (err) {
      // e.g. the spool directory cannot be created: without it, a payload the server cannot take would be lost.
      logger.fatal({ err }, 'cannot send');
      process.exit(1);
    }
    const { ok, lines } = describeSendOnce(summary, config.server.url);
    for (const line of lines) process.stdout.write(`${scrubSecrets(line, config.secretValues)}\n`);
    process.exit(ok ? 0 : 1);
  });

program
  .command('run')
  .description('run the agent until SIGINT or SIGTERM')
  .addOption(configOption())
  .action(async (opts: { config: string }) => {
    const config = readConfig(opts.config);
    const logger = createLogger({ level: config.logLevel, secrets: config.secretValues });
    if (!config.server) {
      process.stderr.write(`${config.configPath}: run needs a server section with url and api_key\n`);
      process.exit(2);
    }
    const agent = startAgent(config, collectorFactories, logger);
    // The stop signals are handled from this tick on, before the start completes: a signal that arrives while the
    // agent starts waits for the start and then stops cleanly, where node's default for a signal without a handler
    // would end the process on the spot.
    const shutdown = (signal: NodeJS.Signals) => {
      logger.info({ signal }, 'signal received');
      // A second signal means "now": the operator has given up waiting for the clean stop.
      process.once(signal, () => process.exit(130));
      agent.then((running) => running.stop()).then(
        () => process.exit(0),
        (err: unknown) => {
          logger.error({ err }, 'error while stopping');
          process.exit(1);
        },
      );
    };
    process.once('SIGINT', shutdown);
    process.once('SIGTERM', shutdown);
    try {
      await agent;
    } catch (err) {
      // e.g. the spool directory cannot be created: nothing can run without somewhere to keep unsent payloads.
      logger.fatal({ err }, 'cannot start the agent');
      process.exit(1);
    }
  });

function readConfig(path: string): AgentConfig {
  try {
    return loadConfig(path);
  } catch (err) {
    if (err instanceof ConfigError) {
      for (const problem of err.problems) process.stderr.write(`${problem}\n`);
      process.exit(2);
    }
    throw err;
  }
}

function parseCategory(value: string): Category {
  if (!(CATEGORIES as readonly string[]).includes(value)) throw new InvalidArgumentError(`expected one of ${CATEGORIES.join(', ')}`);
  return value as Category;
}

await program.parseAsync(process.argv);
