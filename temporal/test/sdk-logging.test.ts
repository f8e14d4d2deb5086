// The SDK runtime the server installs: which signals stop its workers. A fresh process, since a runtime is installed
// once per process (the test setup has already installed one here).
import { spawnSync } from 'node:child_process';
import { resolve } from 'node:path';
import { expect, it } from 'vitest';

it('stops workers only on SIGINT and SIGTERM: SIGUSR2 or SIGQUIT must not leave a process that accepts but never stores', () => {
  const script = [
    "import pino from 'pino';",
    "import { Runtime } from '@temporalio/worker';",
    "import { installSdkLogging } from './src/sdk-logging.ts';",
    "installSdkLogging(pino({ level: 'silent' }));",
    'console.log(JSON.stringify(Runtime.instance().options.shutdownSignals));',
    'await Runtime.instance().shutdown();',
  ].join('\n');
  const r = spawnSync(process.execPath, ['--import', 'tsx', '--input-type=module', '-e', script], {
    cwd: resolve(import.meta.dirname, '..'),
    encoding: 'utf8',
    timeout: 30_000,
  });
  expect(r.stderr).toBe('');
  expect(JSON.parse(r.stdout.trim().split('\n').pop()!)).toEqual(['SIGINT', 'SIGTERM']);
});
