import { DefaultLogger, makeTelemetryFilterString, Runtime } from '@temporalio/worker';

// Workers in tests log every state change at INFO; keep warnings and errors only.
try {
  Runtime.install({
    logger: new DefaultLogger('WARN'),
    telemetryOptions: { logging: { filter: makeTelemetryFilterString({ core: 'ERROR' }), forward: {} } },
  });
} catch {
  // Already installed by an earlier file in the same worker.
}
