// Spawning a soak child as the leader of its own process group, with its output appended to a log file.
import { spawn, type SpawnOptions } from 'node:child_process';
import { closeSync, openSync, writeSync } from 'node:fs';
import { killGroup, killGroupOnExit, waitGroupGone } from './process-group';
import type { RunningChild } from './supervised';

export interface GroupedChild extends RunningChild {
  tail(): string;
  /** The child's stdout as it comes (it goes to the log file too). */
  onStdout(listener: (text: string) => void): void;
}

const TAIL_CHARS = 8_192;

/**
 * Spawns `command` detached (a new process group), appending stdout and stderr to `logFile` and keeping their last
 * few KB for the report. `exited` settles once the leader has exited and no process of its group is left.
 */
export function spawnGrouped(command: string, args: string[], options: SpawnOptions & { logFile: string }): GroupedChild {
  const { logFile, ...spawnOptions } = options;
  const child = spawn(command, args, { ...spawnOptions, detached: true, stdio: ['ignore', 'pipe', 'pipe'] });
  const pid = child.pid;
  if (pid === undefined) throw new Error(`could not start ${command}`);
  const forget = killGroupOnExit(pid);
  const listeners: Array<(text: string) => void> = [];
  const log = openSync(logFile, 'a');
  let tail = '';
  const keep = (d: Buffer) => {
    writeSync(log, d);
    tail = (tail + d.toString('utf8')).slice(-TAIL_CHARS);
  };
  child.stdout!.on('data', (d: Buffer) => {
    keep(d);
    const text = d.toString('utf8');
    for (const l of listeners) l(text);
  });
  child.stderr!.on('data', keep);
  child.once('close', () => closeSync(log));
  // A spawn that fails after the pid was given (exec error) is reported as an exit, like any other.
  child.on('error', () => undefined);
  const exited = new Promise<void>((resolve) => {
    child.once('exit', () => {
      // Whatever it forked (backends, workers) may outlive it by a moment: gone means all of them.
      killGroup(pid);
      void waitGroupGone(pid)
        .catch(() => undefined)
        .then(() => {
          forget();
          resolve();
        });
    });
  });
  return { pid, exited, tail: () => tail, onStdout: (listener) => listeners.push(listener) };
}

/** SIGKILL to the child's group; resolves when all of it is gone. */
export async function killGrouped(child: RunningChild): Promise<void> {
  killGroup(child.pid);
  await child.exited;
}
