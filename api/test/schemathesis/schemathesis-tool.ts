// Schemathesis (a schema-aware API fuzzer, from PyPI) in the project's tools folder: a Python virtual environment of
// its own, created by this code on first use like the other tools (temporal/src/cli-binary.ts), pinned by version.
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';

/** The newest release when this was pinned; its `run` command, checks and options are what api/test/schemathesis.test.ts uses. */
export const SCHEMATHESIS_VERSION = '4.32.5';

export interface SchemathesisPaths {
  venv: string;
  binary: string;
  stamp: string;
}

export function schemathesisPaths(toolsDir: string): SchemathesisPaths {
  const venv = resolve(toolsDir, 'schemathesis');
  return { venv, binary: join(venv, 'bin', 'schemathesis'), stamp: join(venv, 'logstag-version') };
}

function isInstalled(paths: SchemathesisPaths): boolean {
  return existsSync(paths.binary) && existsSync(paths.stamp) && readFileSync(paths.stamp, 'utf8').trim() === SCHEMATHESIS_VERSION;
}

function run(command: string, args: string[], what: string): void {
  const r = spawnSync(command, args, { encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'], timeout: 10 * 60_000 });
  if (r.error || r.status !== 0) {
    throw new Error(`${what} failed (${r.error?.message ?? `exit ${r.status ?? r.signal}`}):\n${(r.stderr || r.stdout || '').slice(-3000)}`);
  }
}

/**
 * The path of the pinned `schemathesis` command, installed into `<toolsDir>/schemathesis` when missing or another
 * version: python3's venv, then pip from PyPI (one to two minutes the first time). The stamp is written last, so an
 * interrupted install is never taken for a finished one (a venv's scripts carry its absolute path: it is built in place).
 */
export function ensureSchemathesis(toolsDir: string, log: (msg: string) => void = () => undefined): string {
  const paths = schemathesisPaths(toolsDir);
  if (isInstalled(paths)) return paths.binary;
  const python = process.env.PYTHON ?? 'python3';
  const probe = spawnSync(python, ['-c', 'import venv, sys; print(sys.version.split()[0])'], { encoding: 'utf8' });
  if (probe.error || probe.status !== 0) {
    throw new Error(`Python 3 with its venv module is needed for the API fuzzer (schemathesis): ${python} was not usable. Debian: apt-get install -y python3 python3-venv`);
  }
  mkdirSync(toolsDir, { recursive: true });
  rmSync(paths.venv, { recursive: true, force: true });
  log(`installing schemathesis ${SCHEMATHESIS_VERSION} into ${paths.venv} (Python ${probe.stdout.trim()}, first time: one to two minutes)`);
  const started = Date.now();
  try {
    run(python, ['-m', 'venv', paths.venv], 'python3 -m venv');
    run(join(paths.venv, 'bin', 'pip'), ['install', '--quiet', '--disable-pip-version-check', `schemathesis==${SCHEMATHESIS_VERSION}`], `pip install schemathesis==${SCHEMATHESIS_VERSION}`);
  } catch (err) {
    rmSync(paths.venv, { recursive: true, force: true });
    throw err;
  }
  writeFileSync(paths.stamp, `${SCHEMATHESIS_VERSION}\n`);
  log(`installed schemathesis in ${((Date.now() - started) / 1000).toFixed(1)}s`);
  if (!isInstalled(paths)) throw new Error(`the installed ${paths.binary} does not run`);
  return paths.binary;
}
