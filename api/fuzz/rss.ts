// Resident memory of the fuzzed server process, from /proc (Linux).
import { readFileSync } from 'node:fs';

function statusField(pid: number, field: 'VmRSS' | 'VmHWM'): number {
  const kb = new RegExp(`${field}:\\s+(\\d+) kB`).exec(readFileSync(`/proc/${pid}/status`, 'utf8'))?.[1];
  if (!kb) throw new Error(`no ${field} for process ${pid}`);
  return Number(kb) * 1024;
}

/** A process's RSS in bytes. */
export const rssOfPid = (pid: number) => statusField(pid, 'VmRSS');

/** A process's peak RSS so far in bytes (VmHWM). */
export const peakRssOfPid = (pid: number) => statusField(pid, 'VmHWM');

export const mib = (bytes: number) => `${(bytes / 1024 / 1024).toFixed(1)} MiB`;
