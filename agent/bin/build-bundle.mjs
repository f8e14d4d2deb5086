#!/usr/bin/env node
// Bundles the agent's TypeScript sources into agent/.cache/bundle-<content hash>/ and prints the path of its cli.js.
// Run by bin/logstag-agent.mjs, in its own process, when the sources changed since the last bundle.
// agent/.cache/latest.json names the newest bundle and the sha256 of every file it was built from.
import { createHash } from 'node:crypto';
import { existsSync, mkdirSync, readdirSync, readFileSync, renameSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import * as esbuild from 'esbuild';

const agentDir = fileURLToPath(new URL('..', import.meta.url));
const cacheDir = join(agentDir, '.cache');
const sha256 = (content) => createHash('sha256').update(content).digest('hex');

const pkg = JSON.parse(readFileSync(join(agentDir, 'package.json'), 'utf8'));
let result;
try {
  result = await esbuild.build({
    absWorkingDir: agentDir,
    entryPoints: ['src/cli.ts'],
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
    metafile: true,
    logLevel: 'silent',
  });
} finally {
  // esbuild's Go service is a child process of its own.
  await esbuild.stop();
}

const hash = createHash('sha256');
for (const file of result.outputFiles) hash.update(file.path).update(file.contents);
const name = `bundle-${hash.digest('hex').slice(0, 16)}`;
const dir = join(cacheDir, name);
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
}

// What the bundle depends on: its sources, and how it is built (this file, the launcher, the externals list).
const inputs = {};
const ownFiles = ['bin/build-bundle.mjs', 'bin/logstag-agent.mjs', 'package.json'];
// Metafile inputs are paths relative to agentDir (a virtual module's would carry a `namespace:` prefix: none here).
for (const path of [...Object.keys(result.metafile.inputs), ...ownFiles]) inputs[path] = sha256(readFileSync(join(agentDir, path)));
const latestTmp = join(cacheDir, `latest.json.tmp-${process.pid}`);
writeFileSync(latestTmp, JSON.stringify({ bundle: name, inputs }));
renameSync(latestTmp, join(cacheDir, 'latest.json'));
pruneOldBundles(dir);
process.stdout.write(`${join(dir, 'cli.js')}\n`);

/** Bundles of older sources, once no agent can still be loading chunks from them (a day old). */
function pruneOldBundles(keep) {
  for (const entry of readdirSync(cacheDir)) {
    const path = join(cacheDir, entry);
    if (path === keep || entry === 'latest.json') continue;
    try {
      if (Date.now() - statSync(path).mtimeMs > 86_400_000) rmSync(path, { recursive: true, force: true });
    } catch {
      // gone already
    }
  }
}
