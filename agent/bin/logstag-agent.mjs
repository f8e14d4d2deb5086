#!/usr/bin/env node
// The repository has no build step: the CLI runs from its TypeScript sources, bundled with esbuild (tsx's own
// transpiler) into agent/.cache/. Running the bundle instead of tsx's loader matters for a process that runs for
// months next to a database: the loader keeps a second V8 isolate (its hooks thread) alive, about 30 MB of RSS.
//
// The bundle is rebuilt only when one of the files it was built from changed (their hashes are kept beside it), and
// then in a child process (bin/build-bundle.mjs): loading esbuild and holding its output cost this process ~14 MB of
// RSS for good. Each build goes to a directory named by its content hash, so concurrent starts and a running agent
// never see a half-written or changed bundle. If bundling is impossible (read-only checkout, esbuild missing), tsx's
// loader runs the sources as before.
import { spawnSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import v8 from 'node:v8';

// A small daemon's heap: V8 doubles the young generation (from 1 MB per semi-space up to 16 MB) whenever a scavenge
// finds it busy, and the agent's bursts of payload building grew it to 32 MB that the process then kept. A growth
// factor of 1 keeps it at its initial size, as `--max-semi-space-size=1` would, but that flag only works on node's
// command line, and the agent is also started as `node agent/bin/logstag-agent.mjs`. V8 (11.3, Node 20) reads the
// growth factor each time it would grow the young generation, so setting it here, before the agent allocates, works
// however node was started; it only refuses values under 2 when given at start-up. bench:agent, 2-minute runs of the
// same code (docs/benchmarks.md): peak RSS 94.6 MB, against 127.7 MB with V8's default young generation
// (--max-semi-space-size=16); CPU after the first minute 1.25 and 1.32 %, within the noise. An explicit semi-space
// flag on node's command line is left alone.
if (!process.execArgv.some((flag) => /semi[-_]space/.test(flag))) v8.setFlagsFromString('--semi-space-growth-factor=1');

// V8 hands a function to its optimizing compiler (TurboFan, on helper threads) once it has run through its interrupt
// budget of bytecode (66 KB by default). The agent runs the same code for a few milliseconds every 10 s: over minutes
// most of it reaches that budget, and compiling it (again after its code was flushed) was about a quarter of a point of
// a core on the helper threads, for code that then runs a few times a minute. Eight times the budget leaves that code
// to the baseline compiler, while a loop over thousands of rows (a big schema, a full statement table) still reaches
// it within its first collection and is optimized as before (obfuscating 20,000 texts, diffing 2,000-row sections:
// the same CPU with either budget; 1.5 to 3.5 times more without TurboFan at all). bench:agent, runs side by side
// (docs/benchmarks.md, "Session 9"): helper threads 0.30 -> 0.18 % of a core (500 digests) and 0.47 -> 0.27 % (full
// table), whole run -0.12 and -0.31 points. An explicit budget on node's command line is left alone. Read when a
// function's budget is set, so setting it here, before the agent's code loads, covers all of it.
if (!process.execArgv.some((flag) => /interrupt[-_]budget/.test(flag))) v8.setFlagsFromString('--interrupt-budget=540672');

const agentDir = fileURLToPath(new URL('..', import.meta.url));
const cacheDir = join(agentDir, '.cache');

/** The newest bundle, if every file it was built from is still as it was. */
function freshBundle() {
  let latest;
  try {
    latest = JSON.parse(readFileSync(join(cacheDir, 'latest.json'), 'utf8'));
  } catch {
    return undefined;
  }
  const entry = join(cacheDir, latest.bundle, 'cli.js');
  if (!existsSync(entry)) return undefined;
  for (const [path, sha256] of Object.entries(latest.inputs)) {
    let content;
    try {
      content = readFileSync(join(agentDir, path));
    } catch {
      return undefined;
    }
    if (createHash('sha256').update(content).digest('hex') !== sha256) return undefined;
  }
  return entry;
}

function buildBundle() {
  const built = spawnSync(process.execPath, [fileURLToPath(new URL('./build-bundle.mjs', import.meta.url))], {
    stdio: ['ignore', 'pipe', 'ignore'],
    encoding: 'utf8',
  });
  const entry = built.status === 0 ? built.stdout.trim() : '';
  return entry !== '' && existsSync(entry) ? entry : undefined;
}

const entry = freshBundle() ?? buildBundle();
if (entry) {
  // Stack traces name the bundle's functions and positions; NODE_OPTIONS=--enable-source-maps maps them back to the
  // TypeScript files and lines (bundle-*/cli.js.map and the chunks' maps), at the cost of keeping the maps in memory.
  await import(pathToFileURL(entry).href);
} else {
  const { register } = await import('tsx/esm/api');
  register();
  await import(new URL('../src/cli.ts', import.meta.url).href);
}
