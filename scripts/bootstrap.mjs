#!/usr/bin/env node
// Runs before `npm start` and `npm test` (npm's prestart / pretest) on a fresh clone: installs the npm dependencies
// when missing or stale, builds the web app when its build is missing or older than its sources, and for tests
// installs and starts the test services. Dependency-free: it runs before node_modules exists.
// The pinned Temporal CLI is built by the TypeScript start-up itself (temporal/src/cli-binary.ts), only when missing.
import { spawnSync } from 'node:child_process';
import { existsSync, readdirSync, statSync } from 'node:fs';
import { join } from 'node:path';

const mode = process.argv[2] ?? 'start';
const log = (msg) => process.stdout.write(`bootstrap: ${msg}\n`);

function run(cmd, args) {
  const r = spawnSync(cmd, args, { stdio: 'inherit' });
  if (r.error) {
    process.stderr.write(`bootstrap: could not run ${cmd}: ${r.error.message}\n`);
    process.exit(1);
  }
  if (r.status !== 0) {
    process.stderr.write(`bootstrap: ${cmd} ${args.join(' ')} failed (exit ${r.status})\n`);
    process.exit(r.status ?? 1);
  }
}

function newestMtime(path) {
  if (!existsSync(path)) return 0;
  const st = statSync(path);
  if (!st.isDirectory()) return st.mtimeMs;
  let newest = st.mtimeMs;
  for (const entry of readdirSync(path)) newest = Math.max(newest, newestMtime(join(path, entry)));
  return newest;
}

const [major, minor] = process.versions.node.split('.').map(Number);
if (major < 20 || (major === 20 && minor < 19)) {
  process.stderr.write(`bootstrap: Node.js 20.19 or newer is required (this is ${process.versions.node})\n`);
  process.exit(1);
}

// npm records what it installed in node_modules/.package-lock.json; a newer package-lock.json means a pull changed it.
const installed = 'node_modules/.package-lock.json';
if (!existsSync(installed) || statSync('package-lock.json').mtimeMs > statSync(installed).mtimeMs) {
  log('installing npm dependencies');
  run('npm', ['ci', '--no-audit', '--no-fund']);
}

const webBuilt = newestMtime('web/build/handler.js');
if (webBuilt === 0 || Math.max(newestMtime('web/src'), newestMtime('web/svelte.config.js'), newestMtime('schema/src')) > webBuilt) {
  log('building the web app');
  run('npm', ['run', 'build', '-w', '@logstag/web']);
}

if (mode === 'test') {
  const { startServices } = await import('./services.mjs');
  await startServices();
}
