// Test support: the real Temporal dev server, started from the pinned CLI on a free port, and Temporal's time-skipping
// test server for timers. Never lets the SDK download anything.
import { resolve } from 'node:path';
import { TestWorkflowEnvironment } from '@temporalio/testing';
import { DEFAULT_NAMESPACE } from '../src/constants';
import { ensureTemporalCli } from '../src/cli-binary';
import { ensureTemporalTestServer } from './test-server-binary';

export const TEST_TOOLS_DIR = resolve(import.meta.dirname, '../../.tools');

export function testTemporalCli(): string {
  return ensureTemporalCli(process.env.LOGSTAG_TOOLS_DIR ?? TEST_TOOLS_DIR);
}

export async function startTestTemporal(options: { dbFilename?: string } = {}): Promise<TestWorkflowEnvironment> {
  return TestWorkflowEnvironment.createLocal({
    server: {
      executable: { type: 'existing-path', path: testTemporalCli() },
      namespace: DEFAULT_NAMESPACE,
      ip: '127.0.0.1',
      ui: false,
      ...(options.dbFilename ? { dbFilename: options.dbFilename } : {}),
      extraArgs: ['--log-level', 'error'],
    },
  });
}

const testToolsDir = () => process.env.LOGSTAG_TOOLS_DIR ?? TEST_TOOLS_DIR;

/** The launcher of Temporal's Java time-skipping test server, fetched from Maven Central on first use. */
export function testTemporalTestServer(): string {
  return ensureTemporalTestServer(testToolsDir(), (msg) => process.stdout.write(`${msg}\n`));
}

/**
 * A time-skipping environment: Temporal's test server, where awaiting a workflow's result (and `env.sleep`) jumps
 * over timers, so a workflow that waits 15 minutes completes in well under a second. Its client and workers use the
 * namespace `env.namespace ?? 'default'`. One environment per test file: skipping is global to the server.
 */
export async function startTimeSkippingTemporal(): Promise<TestWorkflowEnvironment> {
  const launcher = testTemporalTestServer();
  for (let attempt = 1; ; attempt++) {
    try {
      return await TestWorkflowEnvironment.createTimeSkipping({ server: { executable: { type: 'existing-path', path: launcher } } });
    } catch (err) {
      // The SDK gives the server 5 s to answer, then kills it. The JVM starts in 1-2 s (class archive), but a loaded
      // machine can take longer: try again, with its classes now in the page cache.
      if (attempt >= 3 || !/did not start within|Failed connecting to test server/i.test(String(err))) throw err;
    }
  }
}
