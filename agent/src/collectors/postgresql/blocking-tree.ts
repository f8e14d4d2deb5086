/** A backend in the blocking tree: who it blocks, recursively. Roots block others without waiting themselves. */
export interface BlockingNode {
  pid: number;
  waiters: BlockingNode[];
}

/**
 * Builds the tree of who blocks whom from each waiter's pg_blocking_pids(). Roots are the blockers that wait on
 * nobody: the sessions to look at (or terminate) first. A deadlock in the making is a cycle with no root; its members
 * become roots so they still appear, and a pid is never expanded twice on one path.
 */
export function blockingTree(waits: ReadonlyArray<{ pid: number; blocking_pids: readonly number[] }>): BlockingNode[] {
  const waitersOf = new Map<number, number[]>();
  const waiting = new Set<number>();
  for (const wait of waits) {
    waiting.add(wait.pid);
    for (const blocker of wait.blocking_pids) {
      const list = waitersOf.get(blocker) ?? [];
      if (!list.includes(wait.pid)) list.push(wait.pid);
      waitersOf.set(blocker, list);
    }
  }
  let roots = [...waitersOf.keys()].filter((pid) => !waiting.has(pid));
  if (roots.length === 0) roots = [...waitersOf.keys()];
  const build = (pid: number, path: ReadonlySet<number>): BlockingNode => ({
    pid,
    waiters: (waitersOf.get(pid) ?? [])
      .filter((waiter) => !path.has(waiter))
      .sort((a, b) => a - b)
      .map((waiter) => build(waiter, new Set([...path, waiter]))),
  });
  return roots.sort((a, b) => a - b).map((pid) => build(pid, new Set([pid])));
}
