import { spawn, type ChildProcess } from 'node:child_process';
import { once } from 'node:events';
import { mkdirSync, mkdtempSync, rmdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Redis from 'ioredis';
import { unusedPort } from './ports';

/**
 * A Redis 7 started by a test for itself (the system's redis-server, or LOGSTAG_REDIS7_BIN), for conditions that must not
 * touch the shared test Redis on 56379: a failing background save changes its `dir`, which Redis 7 only allows with
 * enable-protected-configs. No persistence schedule (`save ""`, AOF off): saves happen when the test asks.
 */
export interface OwnRedis {
  port: number;
  /** Its data directory. */
  dir: string;
  /** A client as the default user (no password). */
  admin: Redis;
  /** Makes the next BGSAVE fail and runs it: `dir` moved to a directory that is then removed (fails even as root). */
  failBgsave(): Promise<void>;
  /** `dir` back to the data directory, and a BGSAVE that succeeds. */
  repairBgsave(): Promise<void>;
  stop(): Promise<void>;
}

/** Waits until a Redis just started on 127.0.0.1:`port` answers PING (10 s at most). */
export async function waitForRedisPing(port: number): Promise<void> {
  const deadline = Date.now() + 10_000;
  for (;;) {
    const client = new Redis({ host: '127.0.0.1', port, lazyConnect: true, retryStrategy: () => null, maxRetriesPerRequest: 0 });
    client.on('error', () => undefined);
    try {
      await client.connect();
      await client.ping();
      return;
    } catch (error) {
      if (Date.now() > deadline) throw error;
      await new Promise((r) => setTimeout(r, 100));
    } finally {
      client.disconnect();
    }
  }
}

/** Waits for the background save to finish and returns its status text (INFO persistence rdb_last_bgsave_status). */
async function bgsaveOutcome(admin: Redis): Promise<string> {
  const deadline = Date.now() + 15_000;
  for (;;) {
    const info = await admin.info('persistence');
    const inProgress = /rdb_bgsave_in_progress:(\d)/.exec(info)?.[1];
    if (inProgress === '0') return /rdb_last_bgsave_status:(\w+)/.exec(info)?.[1] ?? '';
    if (Date.now() > deadline) throw new Error(`BGSAVE still in progress after 15 s:\n${info}`);
    await new Promise((r) => setTimeout(r, 100));
  }
}

export async function startOwnRedis(): Promise<OwnRedis> {
  const binary = process.env.LOGSTAG_REDIS7_BIN ?? 'redis-server';
  const dir = mkdtempSync(join(tmpdir(), 'logstag-own-redis-'));
  const port = await unusedPort();
  const child: ChildProcess = spawn(
    binary,
    ['--bind', '127.0.0.1', '--port', String(port), '--dir', dir, '--save', '', '--appendonly', 'no', '--enable-protected-configs', 'yes', '--stop-writes-on-bgsave-error', 'no'],
    { stdio: 'ignore' },
  );
  await waitForRedisPing(port);
  const admin = new Redis({ host: '127.0.0.1', port });
  return {
    port,
    dir,
    admin,
    failBgsave: async () => {
      const gone = join(dir, 'gone');
      mkdirSync(gone);
      await admin.config('SET', 'dir', gone);
      rmdirSync(gone);
      await admin.bgsave();
      const status = await bgsaveOutcome(admin);
      if (status !== 'err') throw new Error(`the induced BGSAVE did not fail: rdb_last_bgsave_status:${status}`);
    },
    repairBgsave: async () => {
      await admin.config('SET', 'dir', dir);
      await admin.bgsave();
      const status = await bgsaveOutcome(admin);
      if (status !== 'ok') throw new Error(`the repairing BGSAVE did not succeed: rdb_last_bgsave_status:${status}`);
    },
    stop: async () => {
      admin.disconnect();
      if (child.exitCode === null) {
        const exited = once(child, 'exit');
        child.kill('SIGTERM');
        await exited;
      }
      rmSync(dir, { recursive: true, force: true });
    },
  };
}
