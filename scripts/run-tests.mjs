#!/usr/bin/env node
// Runs every workspace's tests once and ends with the line CI reads: `N passed, N failed`.
import { spawnSync } from 'node:child_process';
import { mkdirSync, readFileSync, existsSync, rmSync } from 'node:fs';

const started = Date.now();

// Static checks count as tests: a type error or a broken house rule fails the suite like a failing assertion.
const checks = [
  ['typecheck', ['tsc', '-p', 'tsconfig.json']],
  ['lint', ['eslint', '.']],
];
let checksPassed = 0;
let checksFailed = 0;
for (const [name, cmd] of checks) {
  const t = Date.now();
  const c = spawnSync('npx', cmd, { stdio: 'inherit' });
  const ok = c.status === 0;
  if (ok) checksPassed += 1;
  else checksFailed += 1;
  process.stdout.write(`check ${name}: ${ok ? 'passed' : 'FAILED'} (${((Date.now() - t) / 1000).toFixed(1)}s)\n`);
}

const out = '.data/test-results.json';
mkdirSync('.data', { recursive: true });
rmSync(out, { force: true });
const args = ['vitest', 'run', '--reporter=default', '--reporter=json', `--outputFile.json=${out}`, ...process.argv.slice(2)];
const r = spawnSync('npx', args, { stdio: 'inherit' });

let passed = 0;
let failed = 0;
let skipped = 0;
if (existsSync(out)) {
  const report = JSON.parse(readFileSync(out, 'utf8'));
  passed = report.numPassedTests ?? 0;
  failed = (report.numFailedTests ?? 0) + (report.numFailedTestSuites ?? 0);
  skipped = (report.numPendingTests ?? 0) + (report.numTodoTests ?? 0);
} else {
  failed = 1;
  process.stderr.write('run-tests: vitest wrote no report; counting the run as one failure\n');
}
passed += checksPassed;
failed += checksFailed;
const seconds = ((Date.now() - started) / 1000).toFixed(1);
process.stdout.write(`\nsuite duration: ${seconds}s\n`);
process.stdout.write(`${passed} passed, ${failed} failed${skipped ? `, ${skipped} skipped` : ''}\n`);
process.exit(r.status === 0 && failed === 0 && passed > 0 ? 0 : 1);
