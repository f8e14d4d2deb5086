import { spawn } from 'node:child_process';
import { mkdtempSync } from 'node:fs';
import { createServer, type Server } from 'node:net';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { describe, expect, it } from 'vitest';
import type { Logger } from 'pino';
import { Connection } from '@temporalio/client';
import { freePort, superviseDevServer, tcpAnswers, type RestartEvent, type SupervisorOptions } from '../src/index';
import { testTemporalCli } from '../testing';

const ROOT = resolve(import.meta.dirname, '../..');

interface LogLine {
  msg: string;
  delayMs?: number;
  reason?: string;
}

function recordingLogger(lines: LogLine[]): Pick<Logger, 'info' | 'warn'> {
  const record = (obj: object, msg: string) => lines.push({ ...obj, msg });
  return { info: record, warn: record } as unknown as Pick<Logger, 'info' | 'warn'>;
}

async function waitUntil(what: () => boolean | Promise<boolean>, timeoutMs: number, label: string): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await what())) {
    if (Date.now() > deadline) throw new Error(`timed out after ${timeoutMs} ms waiting for ${label}`);
    await new Promise((r) => setTimeout(r, 20));
  }
}

/** Binds the port as soon as the killed server has let it go (the kill is asynchronous). */
async function holdPortOnceFree(port: number): Promise<Server> {
  for (;;) {
    const server = createServer();
    const bound = await new Promise<boolean>((done) => {
      server.once('error', () => done(false));
      server.listen(port, '127.0.0.1', () => done(true));
    });
    if (bound) return server;
    await new Promise((r) => setTimeout(r, 5));
  }
}

async function supervised(extra: Partial<SupervisorOptions> = {}) {
  const dir = mkdtempSync(join(tmpdir(), 'logstag-supervisor-'));
  const lines: LogLine[] = [];
  const events: RestartEvent[] = [];
  const port = await freePort();
  const server = await superviseDevServer({
    binary: testTemporalCli(),
    port,
    uiPort: null,
    dbFile: join(dir, 'temporal.db'),
    namespace: 'logstag',
    logFile: join(dir, 'temporal.log'),
    logger: recordingLogger(lines),
    onRestart: (e) => events.push(e),
    backoff: { initialMs: 100, maxMs: 1_000 },
    ...extra,
  });
  return { server, port, lines, events };
}

describe('the embedded dev server under supervision', () => {
  it('starts a killed server again on the same SQLite file, with the workflows it had', async () => {
    const { server, lines, events } = await supervised();
    try {
      const conn = await Connection.connect({ address: server.address });
      await conn.workflowService.startWorkflowExecution({
        namespace: 'logstag',
        workflowId: 'survives-restart',
        workflowType: { name: 'anyWorkflow' },
        taskQueue: { name: 'nobody-polls' },
        requestId: 'survives-restart',
      });
      await conn.close();
      const firstPid = server.pid!;
      process.kill(firstPid, 'SIGKILL');
      await waitUntil(() => server.state !== 'up', 5_000, 'the exit to be seen');
      expect(server.downReason()).toMatch(/embedded Temporal dev server was killed by SIGKILL; restart 1/);
      await server.whenUp();
      expect(server.pid).not.toBe(firstPid);
      expect(server.downReason()).toBeNull();
      expect(events).toEqual([{ attempt: 1, result: 'started' }]);
      expect(lines.map((l) => l.msg)).toEqual(['embedded Temporal dev server is down; restarting it', 'embedded Temporal dev server restarted']);

      const again = await Connection.connect({ address: server.address });
      const described = await again.workflowService.describeWorkflowExecution({ namespace: 'logstag', execution: { workflowId: 'survives-restart' } });
      expect(described.workflowExecutionInfo?.type?.name).toBe('anyWorkflow');
      await again.close();
    } finally {
      await server.stop();
    }
  });

  it('keeps trying while the port is held, waiting twice as long each time, and starts once it is free', async () => {
    const { server, port, lines, events } = await supervised({ backoff: { initialMs: 100, maxMs: 800 } });
    let holder: Server | null = null;
    try {
      process.kill(server.pid!, 'SIGKILL');
      holder = await holdPortOnceFree(port);
      await waitUntil(() => events.length >= 4, 10_000, 'four failed restarts');
      expect(events.slice(0, 4).every((e) => e.result === 'failed' && /port \d+ \(Temporal frontend\).*already in use/.test(e.error ?? ''))).toBe(true);
      expect(server.downReason()).toMatch(/failed to restart: port \d+ \(Temporal frontend\)/);
      holder.close();
      holder = null;
      await server.whenUp();
      expect(events.at(-1)?.result).toBe('started');
      const waits = lines.filter((l) => l.msg === 'embedded Temporal dev server is down; restarting it').map((l) => l.delayMs);
      expect(waits.slice(0, 5)).toEqual([100, 200, 400, 800, 800]);
    } finally {
      holder?.close();
      await server.stop();
    }
  });

  it('restarts nothing once stopped, whether stop() comes while it waits or while a restart is starting', async () => {
    const waiting = await supervised({ backoff: { initialMs: 60_000 } });
    process.kill(waiting.server.pid!, 'SIGKILL');
    await waitUntil(() => waiting.server.state === 'waiting', 5_000, 'a restart to be scheduled');
    await waiting.server.stop();
    expect(waiting.server.state).toBe('stopped');
    await expect(waiting.server.whenUp()).rejects.toThrow(/stopped/);

    const starting = await supervised({ backoff: { initialMs: 10 } });
    process.kill(starting.server.pid!, 'SIGKILL');
    await waitUntil(() => starting.server.state === 'starting' && starting.server.pid !== null, 5_000, 'a restart to be spawned');
    const spawned = starting.server.pid!;
    await starting.server.stop();
    expect(() => process.kill(spawned, 0)).toThrow();

    await new Promise((r) => setTimeout(r, 1_000));
    for (const { port, events } of [waiting, starting]) {
      expect(await tcpAnswers(port)).toBe(false);
      expect(events.filter((e) => e.result === 'started')).toEqual([]);
    }
  });

  it('does not take a Ctrl-C in the terminal for a crash: the server is left to the shutdown, which stops it', async () => {
    const port = await freePort();
    const dir = mkdtempSync(join(tmpdir(), 'logstag-supervisor-'));
    // Like npm start on SIGINT: the shutdown stops the dev server last, after the HTTP server and the worker.
    const script = `
      import { superviseDevServer } from './temporal/src/dev-server-supervisor.ts';
      const warnings = [];
      const s = await superviseDevServer({ binary: ${JSON.stringify(testTemporalCli())}, port: ${port}, uiPort: null, dbFile: ${JSON.stringify(join(dir, 't.db'))}, namespace: 'logstag', logger: { info() {}, warn(o, m) { warnings.push(m); } }, backoff: { initialMs: 50 } });
      process.once('SIGINT', async () => {
        await new Promise((r) => setTimeout(r, 1500));
        await s.stop();
        process.stdout.write(JSON.stringify({ restarts: s.restarts, warnings }) + '\\n');
        process.exit(0);
      });
      process.stdout.write('up\\n');`;
    const child = spawn(process.execPath, ['--import', 'tsx', '--input-type=module', '-e', script], { cwd: ROOT, stdio: ['ignore', 'pipe', 'inherit'], detached: true });
    let out = '';
    child.stdout.on('data', (d: Buffer) => (out += String(d)));
    await waitUntil(() => out.includes('up\n'), 60_000, 'the supervised server to start');
    const exited = new Promise((done) => child.once('exit', done));
    process.kill(-child.pid!, 'SIGINT'); // the whole process group, as a terminal's Ctrl-C
    await exited;
    expect(JSON.parse(out.split('\n')[1]!)).toEqual({ restarts: 0, warnings: [] });
    expect(await tcpAnswers(port)).toBe(false);
  });

  it('does not leave the server running when the process that supervises it is killed with SIGKILL', async () => {
    const port = await freePort();
    const dir = mkdtempSync(join(tmpdir(), 'logstag-supervisor-'));
    const script = `
      import { superviseDevServer } from './temporal/src/dev-server-supervisor.ts';
      const s = await superviseDevServer({ binary: ${JSON.stringify(testTemporalCli())}, port: ${port}, uiPort: null, dbFile: ${JSON.stringify(join(dir, 't.db'))}, namespace: 'logstag', logger: { info() {}, warn() {} } });
      process.stdout.write(s.pid + '\\n');
      setInterval(() => {}, 1000);`;
    const child = spawn(process.execPath, ['--import', 'tsx', '--input-type=module', '-e', script], { cwd: ROOT, stdio: ['ignore', 'pipe', 'inherit'] });
    const serverPid = await new Promise<number>((done) => child.stdout.once('data', (d: Buffer) => done(Number(String(d).trim()))));
    const exited = new Promise((done) => child.once('exit', done));
    child.kill('SIGKILL');
    await exited;
    await waitUntil(
      () => {
        try {
          process.kill(serverPid, 0);
          return false;
        } catch {
          return true;
        }
      },
      15_000,
      'the orphaned dev server to end',
    );
    expect(await tcpAnswers(port)).toBe(false);
  });
});
