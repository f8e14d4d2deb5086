// Killing a child with everything it forked: the soak's children run as process-group leaders (spawned detached),
// so one SIGKILL to the group takes the postmaster and its backends, or node and its threads, at once, as a crash does.
import { readdirSync, readFileSync } from 'node:fs';

/** SIGKILL to every process of the group led by `pid`; a group already gone is not an error. */
export function killGroup(pid: number): void {
  try {
    process.kill(-pid, 'SIGKILL');
  } catch {
    // already gone
  }
}

/** Whether any process of the group `pgid` is still alive (zombies count until their parent reaps them). */
export function groupAlive(pgid: number): boolean {
  for (const name of readdirSync('/proc')) {
    if (!/^\d+$/.test(name)) continue;
    try {
      const stat = readFileSync(`/proc/${name}/stat`, 'utf8');
      // Fields after the command name (in parentheses, may contain spaces): state ppid pgrp …
      const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
      if (Number(fields[2]) === pgid && fields[0] !== 'Z') return true;
    } catch {
      // exited while we looked
    }
  }
  return false;
}

/** Resolves once no process of the group is left, or rejects after `timeoutMs`. */
export async function waitGroupGone(pgid: number, timeoutMs = 30_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (groupAlive(pgid)) {
    if (Date.now() > deadline) throw new Error(`processes of group ${pgid} still alive after SIGKILL`);
    await new Promise((r) => setTimeout(r, 50));
  }
}

/** Kills the groups still registered when the soak's own process exits, however it exits. */
const leaders = new Set<number>();
let hooked = false;
export function killGroupOnExit(pid: number): () => void {
  leaders.add(pid);
  if (!hooked) {
    hooked = true;
    process.on('exit', () => {
      for (const p of leaders) killGroup(p);
    });
  }
  return () => leaders.delete(pid);
}
