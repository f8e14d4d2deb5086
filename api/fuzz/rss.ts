// Resident memory, measured after a full garbage collection so that garbage not yet collected does not count as growth.
import { readFileSync } from 'node:fs';
import { setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';

/** A full GC in this process: global.gc when node runs with --expose-gc, otherwise exposed on the fly. */
export function collectGarbage(): void {
  const exposed = (globalThis as { gc?: () => void }).gc;
  if (exposed) return exposed();
  setFlagsFromString('--expose-gc');
  (runInNewContext('gc') as () => void)();
}

/** This process's RSS in bytes after two full GCs and a pause (freed pages go back to the system). */
export async function settledRss(): Promise<number> {
  collectGarbage();
  await new Promise((r) => setTimeout(r, 200));
  collectGarbage();
  return process.memoryUsage().rss;
}

function statusField(pid: number, field: 'VmRSS' | 'VmHWM'): number {
  const kb = new RegExp(`${field}:\\s+(\\d+) kB`).exec(readFileSync(`/proc/${pid}/status`, 'utf8'))?.[1];
  if (!kb) throw new Error(`no ${field} for process ${pid}`);
  return Number(kb) * 1024;
}

/** Another process's RSS in bytes, from /proc (Linux). */
export const rssOfPid = (pid: number) => statusField(pid, 'VmRSS');

/** Another process's peak RSS so far in bytes (VmHWM). */
export const peakRssOfPid = (pid: number) => statusField(pid, 'VmHWM');

export const mib = (bytes: number) => `${(bytes / 1024 / 1024).toFixed(1)} MiB`;
