#!/usr/bin/env node
// Runs every workspace's tests once and ends with the line CI reads: `N passed, N failed`.
import { spawn, spawnSync } from 'node:child_process';
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
// The run's whole output is kept and searched afterwards: no test may make the product print a secret.
const output = [];
const r = await new Promise((resolve) => {
  const child = spawn('npx', args, { stdio: ['inherit', 'pipe', 'pipe'] });
  child.stdout.on('data', (d) => {
    output.push(d);
    process.stdout.write(d);
  });
  child.stderr.on('data', (d) => {
    output.push(d);
    process.stderr.write(d);
  });
  child.on('close', (status) => resolve({ status }));
});

// Secret shapes no line of a test run may contain: whole agent API keys, password hashes, and a database URL that
// still carries its password (the test services' password is known; redactUrl must have replaced it).
const SECRET_SHAPES = [
  ['an agent API key', /lsk_[A-Za-z0-9]{8}_[A-Za-z0-9_-]{20,}/],
  ['an argon2 password hash', /\$argon2id\$v=\d+\$m=/],
  ['a database URL with its password', /:\/\/[^\s:/@]+:logstag-test@/],
];
const text = Buffer.concat(output).toString('utf8');
const leaks = SECRET_SHAPES.filter(([, re]) => re.test(text)).map(([what]) => what);
process.stdout.write(`check no secrets in the test run's output: ${leaks.length ? `FAILED (${leaks.join(', ')})` : 'passed'}\n`);
if (leaks.length) checksFailed += 1;
else checksPassed += 1;

let passed = 0;
let failed = 0;
let skipped = 0;
if (existsSync(out)) {
  const report = JSON.parse(readFileSync(out, 'utf8'));
  passed = report.numPassedTests ?? 0;
  failed = report.numFailedTests ?? 0;
  // A file that failed before any of its tests ran (an import or hook error) counts once.
  if (failed === 0) failed = report.numFailedTestSuites ?? 0;
  // Vitest exits non-zero on unhandled errors even when every test passed: that is a failure too.
  if (failed === 0 && r.status !== 0) {
    failed = 1;
    process.stderr.write('run-tests: vitest reported errors outside the tests (see "Unhandled Errors" above)\n');
  }
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
