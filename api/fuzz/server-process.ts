// The fuzzed server as a process of its own (`node api/src/main.ts`, API and worker), so its RSS is its own and a crash
// is seen as an exit rather than taking the fuzzer down with it.
import { spawn, type ChildProcess } from 'node:child_process';
import { createWriteStream } from 'node:fs';
import { resolve } from 'node:path';
import type { ErrorLog } from './server-log';
import { peakRssOfPid, rssOfPid } from './rss';

const REPO_ROOT = resolve(import.meta.dirname, '../..');
const START_TIMEOUT_MS = 120_000;

export interface ServerProcess {
  child: ChildProcess;
  url: string;
  /** Null while it runs; the exit code or signal once it ended. */
  exit(): string | null;
  /** RSS after a full GC in the server (SIGWINCH, see gc-on-signal.mjs): the least of three reads `gapMs` apart. */
  settledRss(gapMs?: number): Promise<number>;
  /** Peak RSS of the process so far (VmHWM). */
  peakRss(): number;
  stop(): Promise<void>;
}

export async function startServerProcess({ port, env, errors, logFile }: { port: number; env: Record<string, string>; errors: ErrorLog; logFile: string }): Promise<ServerProcess> {
  const log = createWriteStream(logFile);
  const child = spawn(process.execPath, ['--expose-gc', '--import', './api/fuzz/gc-on-signal.mjs', '--import', 'tsx', 'api/src/main.ts'], {
    cwd: REPO_ROOT,
    env: { ...process.env, LOG_LEVEL: 'warn', HOST: '127.0.0.1', PORT: String(port), LOGSTAG_ROLE: 'all', ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let exit: string | null = null;
  child.once('exit', (code, signal) => (exit = signal ?? String(code)));
  let pending = '';
  let ready = false;
  const onOutput = (chunk: Buffer) => {
    log.write(chunk);
    pending += chunk.toString('utf8');
    const lines = pending.split('\n');
    pending = lines.pop() ?? '';
    for (const line of lines) {
      if (line.startsWith('Logstag is running')) ready = true;
      // pino lines at level error or above (50), and a crash's stack.
      if (/"level":[56]0/.test(line) || (!line.startsWith('{') && line.includes('Error'))) errors.push(line);
    }
  };
  child.stdout.on('data', onOutput);
  child.stderr.on('data', onOutput);
  child.once('close', () => log.end());
  const deadline = Date.now() + START_TIMEOUT_MS;
  while (!ready) {
    if (exit !== null) throw new Error(`the server exited during start-up (${exit}): ${errors.take() ?? ''}`);
    if (Date.now() > deadline) throw new Error('the server did not start within 120 s');
    await new Promise((r) => setTimeout(r, 100));
  }
  const pid = child.pid!;
  return {
    child,
    url: `http://127.0.0.1:${port}`,
    exit: () => exit,
    async settledRss(gapMs = 1_000) {
      const reads: number[] = [];
      for (let i = 0; i < 3; i++) {
        child.kill('SIGWINCH');
        await new Promise((r) => setTimeout(r, gapMs));
        reads.push(rssOfPid(pid));
      }
      return Math.min(...reads);
    },
    peakRss: () => peakRssOfPid(pid),
    async stop() {
      if (exit !== null) return;
      const exited = new Promise((r) => child.once('exit', r));
      child.kill('SIGTERM');
      const timer = setTimeout(() => child.kill('SIGKILL'), 20_000);
      await exited;
      clearTimeout(timer);
    },
  };
}
