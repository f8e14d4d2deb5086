import { spawnSync } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { existsSync, readdirSync, rmSync, statSync } from 'node:fs';
import { join, resolve } from 'node:path';
import type { RequestHandler } from 'express';
import { importWebHandler } from '../../../api/src/server';

export const WEB_DIR = resolve(import.meta.dirname, '../..');
const HANDLER = join(WEB_DIR, 'build/handler.js');

function newest(path: string): number {
  if (!existsSync(path)) return 0;
  const st = statSync(path);
  if (!st.isDirectory()) return st.mtimeMs;
  return readdirSync(path).reduce((m, e) => Math.max(m, newest(join(path, e))), st.mtimeMs);
}

/** Builds web/build when it is missing or older than its sources (under a lock: test files run in parallel). */
export function ensureWebBuild(): void {
  const sources = Math.max(newest(join(WEB_DIR, 'src')), newest(join(WEB_DIR, 'svelte.config.js')), newest(join(WEB_DIR, 'vite.config.ts')));
  if (newest(HANDLER) >= sources) return;
  const r = spawnSync('flock', ['/tmp/logstag-web-build.lock', 'sh', '-c', `[ "$(find src svelte.config.js vite.config.ts -newer build/handler.js 2>/dev/null | head -1)" = "" ] && [ -f build/handler.js ] || npx vite build`], {
    cwd: WEB_DIR,
    stdio: 'inherit',
    // vitest sets NODE_ENV=test, and vite keeps a NODE_ENV it finds: the tests got a Svelte development build (dev
    // checks, file names in the bundle, about 10 KB gzip more per page) instead of the one `npm start` serves.
    env: { ...process.env, NODE_ENV: 'production' },
  });
  if (r.status !== 0) throw new Error(`building the web app failed (exit ${r.status}); run npm run build -w @logstag/web to see why`);
}

/**
 * A copy of web/build for this test process, taken under the build lock. Pages load their server chunks lazily: when
 * another test file (or engineer) rebuilt web/build meanwhile, the running handler asked for chunks that were gone and
 * answered 500. Kept under .svelte-kit (ignored by git) so the copy resolves its packages from web's node_modules;
 * removed when the stack stops (removeBuildCopies) or the process exits, and copies older than 30 minutes (of a process
 * killed first) at the next copy.
 */
function privateBuildCopy(): string {
  const dir = join(WEB_DIR, '.svelte-kit', 'test-builds', `${process.pid}-${randomUUID().slice(0, 8)}`);
  const r = spawnSync('flock', ['/tmp/logstag-web-build.lock', 'sh', '-c', `mkdir -p "$(dirname "${dir}")" && find "$(dirname "${dir}")" -mindepth 1 -maxdepth 1 -mmin +30 -exec rm -rf {} + && cp -r build "${dir}"`], { cwd: WEB_DIR, stdio: 'inherit' });
  if (r.status !== 0) throw new Error(`copying web/build failed (exit ${r.status})`);
  copies.push(dir);
  process.once('exit', removeBuildCopies);
  return dir;
}

const copies: string[] = [];

/** Removes this process's copies of web/build (their handlers must no longer serve). */
export function removeBuildCopies(): void {
  for (const dir of copies.splice(0)) rmSync(dir, { recursive: true, force: true });
}

/** The built SvelteKit handler, imported the way api/src/main.ts does it (api/src/server/web-handler.ts). */
export async function loadWebHandler(): Promise<RequestHandler> {
  ensureWebBuild();
  return importWebHandler(join(privateBuildCopy(), 'handler.js'));
}
