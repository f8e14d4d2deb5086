#!/usr/bin/env node
// The repository has no build step: the CLI runs from its TypeScript sources, bundled here at each start with esbuild
// (tsx's own transpiler, ~0.1 s). Running the bundle instead of tsx's loader matters for a process that runs for
// months next to a database: the loader keeps a second V8 isolate (its hooks thread) alive, about 30 MB of RSS.
// Each build goes to a directory named by its content hash, so concurrent starts and a running agent never see a
// half-written or changed bundle. If bundling is impossible (read-only checkout, esbuild missing), tsx's loader runs
// the sources as before.
import { createHash } from 'node:crypto';
import { existsSync, mkdirSync, readdirSync, renameSync, rmSync, statSync, writeFileSync, readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';

const agentDir = fileURLToPath(new URL('..', import.meta.url));

async function bundle() {
  const esbuild = await import('esbuild');
  const pkg = JSON.parse(readFileSync(join(agentDir, 'package.json'), 'utf8'));
  // esbuild runs as a child process (its Go service, ~30 MB RSS) that would otherwise live as long as the agent.
  const result = await esbuild.build({
    entryPoints: [join(agentDir, 'src/cli.ts')],
    bundle: true,
    // Chunks per engine, so each driver still loads only when a target of that engine exists.
    splitting: true,
    format: 'esm',
    platform: 'node',
    target: 'node20',
    // npm dependencies stay imports (resolved from agent/node_modules); workspace packages are TypeScript: bundled.
    external: Object.keys(pkg.dependencies ?? {}).filter((name) => !name.startsWith('@logstag/')),
    sourcemap: 'linked',
    outdir: 'out',
    write: false,
    logLevel: 'silent',
  }).finally(() => esbuild.stop());
  const hash = createHash('sha256');
  for (const file of result.outputFiles) hash.update(file.path).update(file.contents);
  const cacheDir = join(agentDir, '.cache');
  const dir = join(cacheDir, `bundle-${hash.digest('hex').slice(0, 16)}`);
  if (!existsSync(join(dir, 'cli.js'))) {
    const tmp = `${dir}.tmp-${process.pid}`;
    for (const file of result.outputFiles) {
      const target = join(tmp, file.path.slice(file.path.lastIndexOf('/out/') + 5));
      mkdirSync(dirname(target), { recursive: true });
      writeFileSync(target, file.contents);
    }
    try {
      renameSync(tmp, dir);
    } catch {
      // Another start wrote the same bundle first.
      rmSync(tmp, { recursive: true, force: true });
    }
    pruneOldBundles(cacheDir, dir);
  }
  return join(dir, 'cli.js');
}

/** Bundles of older sources, once no agent can still be loading chunks from them (a day old). */
function pruneOldBundles(cacheDir, keep) {
  for (const name of readdirSync(cacheDir)) {
    const path = join(cacheDir, name);
    if (path === keep) continue;
    try {
      if (Date.now() - statSync(path).mtimeMs > 86_400_000) rmSync(path, { recursive: true, force: true });
    } catch {
      // gone already
    }
  }
}

let entry;
try {
  entry = await bundle();
} catch {
  entry = undefined;
}
if (entry) {
  // Stack traces in logs name the TypeScript files and lines, not the bundle's.
  process.setSourceMapsEnabled(true);
  await import(pathToFileURL(entry).href);
} else {
  const { register } = await import('tsx/esm/api');
  register();
  await import(new URL('../src/cli.ts', import.meta.url).href);
}
