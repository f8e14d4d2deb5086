import type { Logger as PinoLogger } from 'pino';
import type { LogLevel, LogMetadata, Logger } from '@temporalio/common';
import { Runtime, makeTelemetryFilterString } from '@temporalio/worker';

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

/**
 * Installs the SDK's runtime with its logs (workflow and activity loggers included) going to `logger`, and Core's
 * own (Rust) logs from WARN up. Once per process, before the first connection or worker.
 */
export function installSdkLogging(logger: PinoLogger): void {
  Runtime.install({
    logger: temporalLoggerFrom(logger.child({ component: 'temporal-sdk' })),
    telemetryOptions: { logging: { filter: makeTelemetryFilterString({ core: 'WARN' }), forward: {} } },
    // The SDK's default also stops every worker on SIGQUIT and SIGUSR2, leaving a process that still accepts payloads
    // (202, /readyz 200) with nothing to store them. Our own shutdown handles SIGINT and SIGTERM; other signals are
    // not a reason to stop working (SIGUSR2 is what heap-profiling and GC tools send).
    shutdownSignals: ['SIGINT', 'SIGTERM'],
  });
}
