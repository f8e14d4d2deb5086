import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, writeFileSync, readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { TEMPORAL_CLI_MODULE, TEMPORAL_CLI_VERSION, TEMPORAL_SERVER_VERSION } from './constants';
import { TemporalSetupError } from './errors';

/** Path of the pinned CLI inside the project's tools folder (git-ignored). */
export function temporalCliPath(toolsDir: string): string {
  return resolve(toolsDir, 'bin', 'temporal');
}

/** True when the binary exists and reports the pinned server version. */
export function isPinnedCli(binary: string): boolean {
  if (!existsSync(binary)) return false;
  const r = spawnSync(binary, ['--version'], { encoding: 'utf8', timeout: 15_000 });
  // The CLI built by `go install` prints "temporal version 0.0.0-DEV (Server 1.29.1, UI …)": the server version is
  // what pins behaviour, and a stamp file records the module version we built.
  const stamp = join(binary, '..', 'temporal.version');
  return r.status === 0 && r.stdout.includes(`Server ${TEMPORAL_SERVER_VERSION}`) && existsSync(stamp) && readFileSync(stamp, 'utf8').trim() === TEMPORAL_CLI_VERSION;
}

/**
 * Builds the pinned Temporal CLI with the machine's Go when it is missing or the wrong version.
 * First build: minutes (module downloads, compile); with Go's caches warm: seconds.
 */
export function ensureTemporalCli(toolsDir: string, log: (msg: string) => void = () => undefined): string {
  const binary = temporalCliPath(toolsDir);
  if (isPinnedCli(binary)) return binary;
  const go = spawnSync('go', ['version'], { encoding: 'utf8' });
  if (go.error || go.status !== 0) {
    throw new TemporalSetupError(
      'Go is needed once to build the embedded Temporal server, and `go` was not found on PATH. ' +
        'Install Go 1.23 or newer (Debian: apt-get install -y golang-go, or from go.dev), ' +
        'or set TEMPORAL_ADDRESS to use an existing Temporal cluster instead.',
    );
  }
  const binDir = join(binary, '..');
  mkdirSync(binDir, { recursive: true });
  log(`building the Temporal CLI ${TEMPORAL_CLI_VERSION} with ${go.stdout.trim()} into ${binDir} (first time: a few minutes)`);
  const started = Date.now();
  const r = spawnSync('go', ['install', `${TEMPORAL_CLI_MODULE}@${TEMPORAL_CLI_VERSION}`], {
    env: { ...process.env, GOBIN: binDir, GOFLAGS: process.env.GOFLAGS ?? '-mod=mod' },
    stdio: ['ignore', 'inherit', 'inherit'],
  });
  if (r.status !== 0) {
    throw new TemporalSetupError(
      `go install ${TEMPORAL_CLI_MODULE}@${TEMPORAL_CLI_VERSION} failed (exit ${r.status ?? r.signal}); see the output above. ` +
        'The Go module proxy must be reachable (GOPROXY), or set TEMPORAL_ADDRESS to use an existing Temporal cluster.',
    );
  }
  writeFileSync(join(binDir, 'temporal.version'), `${TEMPORAL_CLI_VERSION}\n`);
  log(`built the Temporal CLI in ${((Date.now() - started) / 1000).toFixed(1)}s`);
  if (!isPinnedCli(binary)) throw new TemporalSetupError(`the built ${binary} does not report Temporal Server ${TEMPORAL_SERVER_VERSION}`);
  return binary;
}
