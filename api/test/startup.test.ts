import { spawn } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { createServer, type Server } from 'node:net';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { freePort } from '@logstag/temporal';

const ROOT = resolve(import.meta.dirname, '../..');

/** Runs `npm start`'s entry point as a user would, and returns its exit code and output. */
function runMain(env: Record<string, string>, timeoutMs = 60_000): Promise<{ code: number | null; stdout: string; stderr: string }> {
  return new Promise((done) => {
    const child = spawn(process.execPath, ['--import', 'tsx', 'api/src/main.ts'], {
      cwd: ROOT,
      env: { PATH: process.env.PATH ?? '', HOME: process.env.HOME ?? '/root', LOG_LEVEL: 'warn', ...env },
    });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d) => (stdout += d));
    child.stderr.on('data', (d) => (stderr += d));
    const timer = setTimeout(() => child.kill('SIGKILL'), timeoutMs);
    child.on('exit', (code) => {
      clearTimeout(timer);
      done({ code, stdout, stderr });
    });
  });
}

function expectOneClearLine(stderr: string, pattern: RegExp): void {
  const line = stderr.split('\n').find((l) => l.startsWith('logstag: '));
  expect(line, stderr).toMatch(pattern);
  expect(stderr).not.toMatch(/^\s+at /m); // no stack trace
}

describe('start-up refuses bad settings with one clear message and a non-zero exit', () => {
  let busy: Server;
  let busyPort: number;
  const dataDir = mkdtempSync(join(tmpdir(), 'logstag-startup-'));
  beforeAll(async () => {
    busyPort = await freePort();
    busy = createServer().listen(busyPort, '127.0.0.1');
  });
  afterAll(() => busy.close());

  it('names the HTTP port that is already in use', async () => {
    const r = await runMain({ PORT: String(busyPort), LOGSTAG_DATA_DIR: dataDir, TEMPORAL_ADDRESS: '127.0.0.1:1' });
    expect(r.code).toBe(1);
    expectOneClearLine(r.stderr, new RegExp(`port ${busyPort} .*already in use.*PORT`));
  });

  it('names the Temporal port that is already in use', async () => {
    const r = await runMain({ PORT: String(await freePort()), TEMPORAL_PORT: String(busyPort), TEMPORAL_UI_PORT: String(await freePort()), LOGSTAG_DATA_DIR: dataDir });
    expect(r.code).toBe(1);
    expectOneClearLine(r.stderr, new RegExp(`port ${busyPort} \\(Temporal frontend\\).*already in use.*TEMPORAL_PORT`));
  });

  it('says which Temporal address does not answer', async () => {
    const r = await runMain({ PORT: String(await freePort()), LOGSTAG_DATA_DIR: dataDir, TEMPORAL_ADDRESS: '127.0.0.1:1' });
    expect(r.code).toBe(1);
    expectOneClearLine(r.stderr, /cannot reach Temporal at 127\.0\.0\.1:1 .*TEMPORAL_ADDRESS/);
  });

  it('says the data folder is unusable', async () => {
    const file = join(dataDir, 'a-file');
    writeFileSync(file, 'not a folder');
    const r = await runMain({ PORT: String(await freePort()), TEMPORAL_PORT: String(await freePort()), TEMPORAL_UI_PORT: String(await freePort()), LOGSTAG_DATA_DIR: file });
    expect(r.code).toBe(1);
    expectOneClearLine(r.stderr, /not readable and writable.*LOGSTAG_DATA_DIR/);
  });

  it('says what to install when Go is missing and the Temporal CLI is not built', async () => {
    const emptyTools = mkdtempSync(join(tmpdir(), 'logstag-tools-'));
    const r = await runMain({ PATH: '/usr/bin:/bin', PORT: String(await freePort()), LOGSTAG_DATA_DIR: dataDir, LOGSTAG_TOOLS_DIR: emptyTools });
    expect(r.code).toBe(1);
    expectOneClearLine(r.stderr, /Go is needed.*apt-get install -y golang-go.*TEMPORAL_ADDRESS/);
  });

  it('refuses an invalid PORT', async () => {
    const r = await runMain({ PORT: 'eighty' });
    expect(r.code).toBe(1);
    expectOneClearLine(r.stderr, /PORT must be a port number/);
  });
});

describe('LOGSTAG_ROLE', () => {
  it('refuses a worker-only process without a cluster or a shared store', async () => {
    const noCluster = await runMain({ LOGSTAG_ROLE: 'worker' });
    expect(noCluster.code).toBe(1);
    expectOneClearLine(noCluster.stderr, /LOGSTAG_ROLE=worker needs TEMPORAL_ADDRESS/);
    const noStore = await runMain({ LOGSTAG_ROLE: 'worker', TEMPORAL_ADDRESS: '127.0.0.1:1' });
    expectOneClearLine(noStore.stderr, /LOGSTAG_ROLE=worker needs DATABASE_URL/);
  });

  it('refuses an unknown role', async () => {
    const r = await runMain({ LOGSTAG_ROLE: 'both' });
    expect(r.code).toBe(1);
    expectOneClearLine(r.stderr, /LOGSTAG_ROLE must be all, api or worker/);
  });
});
