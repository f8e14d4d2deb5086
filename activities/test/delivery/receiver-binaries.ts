// The real receivers delivery tests send to, built once into .tools with the machine's Go (git-ignored), like the
// Temporal CLI and FerretDB: Mailpit (an SMTP server with an API to read what arrived) and Prometheus Alertmanager.
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { cpSync, existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync, chmodSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';

export const TOOLS_DIR = resolve(import.meta.dirname, '../../../.tools');
export const MAILPIT_VERSION = 'v1.33.1';
export const ALERTMANAGER_VERSION = 'v0.35.0';

const toolsDir = () => process.env.LOGSTAG_TOOLS_DIR ?? TOOLS_DIR;
const log = (msg: string) => process.stdout.write(`${msg}\n`);

/** The module version a Go binary was built from (`go version -m`), or null. */
function builtModuleVersion(binary: string, module: string): string | null {
  if (!existsSync(binary)) return null;
  const r = spawnSync('go', ['version', '-m', binary], { encoding: 'utf8', timeout: 30_000 });
  const line = r.stdout?.split('\n').find((l) => l.trim().startsWith('mod\t') && l.includes(module));
  return line?.trim().split(/\s+/)[2] ?? null;
}

/** Mailpit at MAILPIT_VERSION in .tools/bin: built with `go install` only when missing or another version. */
export function ensureMailpit(): string {
  const binDir = join(toolsDir(), 'bin');
  const binary = join(binDir, 'mailpit');
  if (builtModuleVersion(binary, 'github.com/axllent/mailpit') === MAILPIT_VERSION) return binary;
  mkdirSync(binDir, { recursive: true });
  log(`building Mailpit ${MAILPIT_VERSION} into ${binDir} (first time: about 2 minutes)`);
  const r = spawnSync('go', ['install', `github.com/axllent/mailpit@${MAILPIT_VERSION}`], { env: { ...process.env, GOBIN: binDir }, stdio: ['ignore', 'inherit', 'inherit'] });
  if (r.status !== 0) throw new Error(`go install github.com/axllent/mailpit@${MAILPIT_VERSION} failed (exit ${r.status ?? r.signal})`);
  return binary;
}

/**
 * Alertmanager at ALERTMANAGER_VERSION in .tools/bin. `go install` fails: the published module lacks the ui/app/dist
 * folder its code embeds. So: `go mod download` it, copy it to a writable folder under .tools/src, create
 * ui/app/dist/index.html, and `go build ./cmd/alertmanager`. A stamp file records the version built.
 */
export function ensureAlertmanager(): string {
  const binDir = join(toolsDir(), 'bin');
  const binary = join(binDir, 'alertmanager');
  const stamp = join(binDir, 'alertmanager.version');
  if (existsSync(binary) && existsSync(stamp) && readFileSync(stamp, 'utf8').trim() === ALERTMANAGER_VERSION) return binary;
  mkdirSync(binDir, { recursive: true });
  log(`building Alertmanager ${ALERTMANAGER_VERSION} into ${binDir} (first time: a few minutes)`);
  const dl = spawnSync('go', ['mod', 'download', '-json', `github.com/prometheus/alertmanager@${ALERTMANAGER_VERSION}`], { encoding: 'utf8', cwd: tmpdir() });
  if (dl.status !== 0) throw new Error(`go mod download of alertmanager failed: ${dl.stderr}`);
  const moduleDir = (JSON.parse(dl.stdout) as { Dir: string }).Dir;
  const src = join(toolsDir(), 'src', `alertmanager-${ALERTMANAGER_VERSION}`);
  rmSync(src, { recursive: true, force: true });
  cpSync(moduleDir, src, { recursive: true });
  // The module cache is read-only; the copy inherits that.
  spawnSync('chmod', ['-R', 'u+w', src]);
  mkdirSync(join(src, 'ui', 'app', 'dist'), { recursive: true });
  writeFileSync(join(src, 'ui', 'app', 'dist', 'index.html'), '<!doctype html><title>Alertmanager</title><p>UI not built (Logstag test build).</p>\n');
  const r = spawnSync('go', ['build', '-o', binary, './cmd/alertmanager'], { cwd: src, env: { ...process.env, GOFLAGS: '-mod=mod' }, stdio: ['ignore', 'inherit', 'inherit'] });
  if (r.status !== 0) throw new Error(`go build of alertmanager failed (exit ${r.status ?? r.signal})`);
  chmodSync(binary, 0o755);
  writeFileSync(stamp, `${ALERTMANAGER_VERSION}\n`);
  return binary;
}

export async function freePort(): Promise<number> {
  return new Promise((resolvePort, reject) => {
    const s = createServer();
    s.once('error', reject);
    s.listen(0, '127.0.0.1', () => {
      const port = (s.address() as { port: number }).port;
      s.close(() => resolvePort(port));
    });
  });
}

async function waitForHttp(url: string, child: ChildProcess, timeoutMs = 30_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    if (child.exitCode !== null) throw new Error(`${url}: the process exited (${child.exitCode})`);
    try {
      const r = await fetch(url);
      if (r.ok) return;
    } catch {
      // not up yet
    }
    if (Date.now() > deadline) throw new Error(`${url} did not answer within ${timeoutMs} ms`);
    await new Promise((r) => setTimeout(r, 200));
  }
}

export interface RunningReceiver {
  /** Base URL of its HTTP API. */
  url: string;
  stop(): Promise<void>;
}

async function stopChild(child: ChildProcess, dir: string): Promise<void> {
  if (child.exitCode === null) {
    const exited = new Promise((r) => child.once('exit', r));
    child.kill('SIGTERM');
    await Promise.race([exited, new Promise((r) => setTimeout(r, 5_000))]);
    if (child.exitCode === null) child.kill('SIGKILL');
  }
  rmSync(dir, { recursive: true, force: true });
}

/** Mailpit on free loopback ports with its own database; `smtpPort` takes mail, `url` serves its API. */
export async function startMailpit(): Promise<RunningReceiver & { smtpPort: number }> {
  const binary = ensureMailpit();
  const [smtpPort, httpPort] = [await freePort(), await freePort()];
  const dir = mkdtempSync(join(tmpdir(), 'logstag-mailpit-'));
  const child = spawn(binary, ['--smtp', `127.0.0.1:${smtpPort}`, '--listen', `127.0.0.1:${httpPort}`, '--database', join(dir, 'mailpit.db'), '--smtp-auth-accept-any', '--smtp-auth-allow-insecure', '--disable-version-check', '--quiet'], { stdio: 'ignore' });
  const url = `http://127.0.0.1:${httpPort}`;
  await waitForHttp(`${url}/api/v1/info`, child);
  return { url, smtpPort, stop: () => stopChild(child, dir) };
}

/** Alertmanager on a free loopback port with its own data folder and a config that routes everything to nowhere. */
export async function startAlertmanager(): Promise<RunningReceiver> {
  const binary = ensureAlertmanager();
  const port = await freePort();
  const dir = mkdtempSync(join(tmpdir(), 'logstag-alertmanager-'));
  writeFileSync(join(dir, 'alertmanager.yml'), 'route:\n  receiver: nowhere\nreceivers:\n  - name: nowhere\n');
  const child = spawn(
    binary,
    [`--config.file=${join(dir, 'alertmanager.yml')}`, `--storage.path=${join(dir, 'data')}`, `--web.listen-address=127.0.0.1:${port}`, '--cluster.listen-address=', '--log.level=warn'],
    { stdio: 'ignore' },
  );
  const url = `http://127.0.0.1:${port}`;
  await waitForHttp(`${url}/-/ready`, child);
  return { url, stop: () => stopChild(child, dir) };
}
