import { spawnSync } from 'node:child_process';
import { cpSync, existsSync, mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';

/**
 * FerretDB v1 (a MongoDB-compatible server on SQLite) built from its Go module, a second real implementation of the
 * wire protocol for the MongoDB collector's tests. `go install …/cmd/ferretdb@v1.24.0` builds a binary that panics at
 * start-up ("Invalid build/version/version.txt file content"): that file is generated from `git describe` by the
 * project's own build (build/version/generate.go) and is not in the published module. So the module is downloaded
 * with `go mod download`, copied to a writable folder, given the version.txt its generator would write, and built
 * with `go build`. Nothing of it is committed; it lives in the git-ignored tools folder, built only when missing.
 */
export const FERRETDB_MODULE = 'github.com/FerretDB/FerretDB';
export const FERRETDB_VERSION = 'v1.24.0';

export function ferretdbPath(toolsDir: string): string {
  return resolve(toolsDir, 'bin', 'ferretdb');
}

function stampPath(toolsDir: string): string {
  return resolve(toolsDir, 'bin', 'ferretdb.version');
}

export function isPinnedFerretdb(toolsDir: string): boolean {
  const stamp = stampPath(toolsDir);
  return existsSync(ferretdbPath(toolsDir)) && existsSync(stamp) && readFileSync(stamp, 'utf8').trim() === FERRETDB_VERSION;
}

/** Builds the pinned FerretDB when missing; returns its path. Throws with the failing command's exit on error. */
export function ensureFerretdb(toolsDir: string, log: (msg: string) => void = () => undefined): string {
  const binary = ferretdbPath(toolsDir);
  if (isPinnedFerretdb(toolsDir)) return binary;
  const env = { ...process.env, GOFLAGS: process.env.GOFLAGS ?? '-mod=mod' };
  const started = Date.now();
  log(`building FerretDB ${FERRETDB_VERSION} from its Go module into ${join(binary, '..')} (test tool, first time only)`);
  const download = spawnSync('go', ['mod', 'download', '-json', `${FERRETDB_MODULE}@${FERRETDB_VERSION}`], { env, encoding: 'utf8', cwd: toolsDir });
  if (download.error || download.status !== 0) {
    throw new Error(`go mod download ${FERRETDB_MODULE}@${FERRETDB_VERSION} failed: ${download.error?.message ?? download.stderr.trim()}`);
  }
  const moduleDir = (JSON.parse(download.stdout) as { Dir?: string }).Dir;
  if (!moduleDir) throw new Error(`go mod download gave no module directory: ${download.stdout}`);

  const srcDir = resolve(toolsDir, 'src', `ferretdb-${FERRETDB_VERSION}`);
  rmSync(srcDir, { recursive: true, force: true });
  mkdirSync(join(srcDir, '..'), { recursive: true });
  // The module cache is read-only; the copy must be writable for version.txt and for a later rmSync.
  cpSync(moduleDir, srcDir, { recursive: true });
  makeWritable(srcDir);
  writeFileSync(join(srcDir, 'build', 'version', 'version.txt'), `${FERRETDB_VERSION}\n`);

  mkdirSync(join(binary, '..'), { recursive: true });
  const build = spawnSync('go', ['build', '-o', binary, './cmd/ferretdb'], { env, cwd: srcDir, stdio: ['ignore', 'inherit', 'inherit'] });
  if (build.error || build.status !== 0) {
    throw new Error(`go build of FerretDB ${FERRETDB_VERSION} failed (${build.error?.message ?? `exit ${build.status}`}); see the output above`);
  }
  writeFileSync(stampPath(toolsDir), `${FERRETDB_VERSION}\n`);
  rmSync(srcDir, { recursive: true, force: true });
  log(`built FerretDB in ${((Date.now() - started) / 1000).toFixed(1)}s`);
  return binary;
}

function makeWritable(dir: string): void {
  const r = spawnSync('chmod', ['-R', 'u+w', dir], { encoding: 'utf8' });
  if (r.error || r.status !== 0) throw new Error(`chmod -R u+w ${dir} failed: ${r.error?.message ?? r.stderr.trim()}`);
}
