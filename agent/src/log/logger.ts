import pino, { type DestinationStream, type Logger } from 'pino';
import { REDACT_PATHS, scrubSecrets } from '../config/redact';

export type { Logger } from 'pino';

export interface LoggerOptions {
  level: string;
  /** Resolved secret values (AgentConfig.secretValues) scrubbed from every line, whatever field carries them. */
  secrets?: readonly string[];
  /** Defaults to stderr: stdout belongs to `collect --dry-run`'s JSON lines. */
  destination?: DestinationStream;
}

/** The agent's one pino logger: JSON to stderr, secret paths censored, secret values scrubbed. */
export function createLogger(options: LoggerOptions): Logger {
  const secrets = options.secrets ?? [];
  return pino(
    {
      level: options.level,
      base: { service: 'logstag-agent' },
      redact: { paths: [...REDACT_PATHS], censor: '[REDACTED]' },
      hooks: secrets.length > 0 ? { streamWrite: (line) => scrubSecrets(line, secrets) } : {},
    },
    options.destination ?? pino.destination({ fd: 2, sync: true }),
  );
}

/** A child logger per target: every line names the target it is about. */
export function targetLogger(logger: Logger, target: string): Logger {
  return logger.child({ target });
}
