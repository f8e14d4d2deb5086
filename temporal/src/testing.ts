// Test support: the real Temporal dev server, started from the pinned CLI on a free port. Never downloads anything.
import { resolve } from 'node:path';
import { TestWorkflowEnvironment } from '@temporalio/testing';
import { DEFAULT_NAMESPACE } from './constants';
import { ensureTemporalCli } from './cli-binary';

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
