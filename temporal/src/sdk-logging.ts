import type { Logger as PinoLogger } from 'pino';
import type { LogLevel, LogMetadata, Logger } from '@temporalio/common';

/** Routes the Temporal SDK's logs into pino, so the process writes one JSON log stream. */
export function temporalLoggerFrom(logger: PinoLogger): Logger {
  const at = (level: Lowercase<LogLevel>) => (message: string, meta?: LogMetadata) => logger[level](meta ?? {}, message);
  return {
    log: (level: LogLevel, message: string, meta?: LogMetadata) => logger[level.toLowerCase() as Lowercase<LogLevel>](meta ?? {}, message),
    trace: at('trace'),
    debug: at('debug'),
    info: at('info'),
    warn: at('warn'),
    error: at('error'),
  };
}
