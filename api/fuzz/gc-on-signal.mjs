// Preloaded into the fuzzed server (node --expose-gc --import ./api/fuzz/gc-on-signal.mjs ... api/src/main.ts):
// SIGWINCH runs a full GC, so the runner reads an RSS that holds no garbage not yet collected. SIGWINCH, not SIGUSR2:
// the Temporal SDK's Runtime shuts its workers down on SIGUSR2 (its default shutdownSignals), and the server then
// accepts payloads it never processes. Plain JavaScript: the preload runs in every worker thread too (Temporal's
// workflow thread), where no TypeScript loader is registered.
import { isMainThread } from 'node:worker_threads';

if (isMainThread) process.on('SIGWINCH', () => globalThis.gc?.());
