import { spawn } from 'node:child_process';
import { once } from 'node:events';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { ensureRedis6 } from './redis6-binary';
import { defineRedisCollectorSuite } from './redis-suite';
import { waitForRedisPing } from './own-redis';
import { unusedPort } from './ports';

const toolsDir = process.env.LOGSTAG_TOOLS_DIR ?? fileURLToPath(new URL('../../.tools', import.meta.url));

// The same tests as on Redis 7, on a Redis 6.2 started for this file: the "Redis 6/7", with the setup file's
// documented 6.2 key rule (`~*` for `%R~*`).
defineRedisCollectorSuite({
  label: 'Redis 6.2 (started for this file)',
  start: async () => {
    const binary = process.env.LOGSTAG_REDIS6_BIN ?? ensureRedis6(toolsDir, (msg) => process.stdout.write(`${msg}\n`));
    const dir = mkdtempSync(join(tmpdir(), 'logstag-redis6-'));
    const port = await unusedPort();
    const child = spawn(binary, ['--bind', '127.0.0.1', '--port', String(port), '--dir', dir, '--save', '', '--appendonly', 'no', '--databases', '64'], {
      stdio: ['ignore', 'ignore', 'pipe'],
    });
    let stderr = '';
    child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
    const url = new URL(`redis://127.0.0.1:${port}`);
    await waitForRedisPing(port).catch((error: Error) => {
      child.kill('SIGKILL');
      throw new Error(`redis-server 6.2 did not start: ${error.message} ${stderr.trim()}`);
    });
    return {
      url,
      stop: async () => {
        const exited = once(child, 'exit');
        child.kill('SIGTERM');
        await exited;
        rmSync(dir, { recursive: true, force: true });
      },
    };
  },
});

