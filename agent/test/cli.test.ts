import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { gunzipSync } from 'node:zlib';
import { heartbeatPayloadSchema, payloadSchema } from '@logstag/schema';
import { describe, expect, it } from 'vitest';
import { startIngestServer } from './ingest-test-server';
import { startMongoWireServer } from './mongo-wire/server';

const bin = fileURLToPath(new URL('../bin/logstag-agent.mjs', import.meta.url));
/** The `logstag-agent` command as npm links it: node_modules/.bin/logstag-agent -> agent/bin/logstag-agent (sh). */
const command = fileURLToPath(new URL('../../node_modules/.bin/logstag-agent', import.meta.url));
const redis = new URL(process.env.LOGSTAG_TEST_REDIS_URL ?? 'redis://127.0.0.1:56379');
const SECRET = 'cli-secret-pw-123';

interface Run {
  code: number | null;
  signal: NodeJS.Signals | null;
  stdout: string;
  stderr: string;
}

/** Runs the real launcher in a child process, as a user would (node on the .mjs by default); `onStart` may signal it. */
function runCli(
  args: string[],
  env: Record<string, string | undefined> = {},
  onStart?: (child: ChildProcess) => void,
  launcher: readonly string[] = [process.execPath, bin],
): Promise<Run> {
  return new Promise((resolve, reject) => {
    const [file, ...pre] = launcher;
    const child = spawn(file!, [...pre, ...args], { env: { ...process.env, ...env }, stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (c: Buffer) => (stdout += c.toString()));
    child.stderr.on('data', (c: Buffer) => (stderr += c.toString()));
    child.on('error', reject);
    child.on('exit', (code, signal) => resolve({ code, signal, stdout, stderr }));
    onStart?.(child);
  });
}

function writeConfig(body: string): string {
  const dir = mkdtempSync(join(tmpdir(), 'logstag-cli-'));
  const path = join(dir, 'logstag-agent.yaml');
  writeFileSync(path, body.replaceAll('%DIR%', dir));
  return path;
}

const targets = `targets:
  - name: cache
    engine: redis
    host: ${redis.hostname}
    port: ${redis.port}
  - name: refused
    engine: postgresql
    host: 127.0.0.1
    port: 1
    user: monitor
    password: env:CLI_PW
`;

describe('logstag-agent CLI', () => {
  it('check prints a line per target and check, fails on an unreachable target without crashing, and never prints the password', async () => {
    const config = writeConfig(targets);
    const r = await runCli(['check', '--config', config], { CLI_PW: SECRET });
    expect(r.code).toBe(1);
    expect(r.stdout).toMatch(/^ok\s+cache\s+reachable: /m);
    expect(r.stdout).toMatch(/^FAIL\s+refused\s+reachable: /m);
    expect(r.stdout).toMatch(/checks failed$/m);
    expect(r.stdout + r.stderr).not.toContain(SECRET);
  });

  it('check exits 0 when every check passes', async () => {
    const config = writeConfig(`targets:\n  - { name: cache, engine: redis, host: ${redis.hostname}, port: ${redis.port} }\n`);
    const r = await runCli(['check', '--config', config]);
    expect(r.stdout).toMatch(/all \d+ checks passed/);
    expect(r.code).toBe(0);
  });

  it("loads no fetch implementation (undici) for PostgreSQL, whose driver's runtime check would load it for good", async () => {
    const config = writeConfig(targets);
    const report = join(config, '..', 'builtins.txt');
    const r = await runCli(['check', '--config', config], {
      CLI_PW: SECRET,
      NODE_OPTIONS: `--import=${new URL('./fixtures/report-builtins.mjs', import.meta.url).href}`,
      LOGSTAG_TEST_BUILTINS_FILE: report,
    });
    // The PostgreSQL collector and its driver were loaded: the target was tried.
    expect(r.stdout).toMatch(/^FAIL\s+refused\s+reachable: /m);
    const builtins = readFileSync(report, 'utf8').split('\n');
    expect(builtins).toContain('net');
    expect(builtins).not.toContain('internal/deps/undici/undici');
  });

  it('rejects an invalid config with exit code 2 and the line of the mistake', async () => {
    const config = writeConfig('targets:\n  - name: x\n    engine: oracle\n    host: h\n');
    const r = await runCli(['check', '--config', config]);
    expect(r.code).toBe(2);
    expect(r.stderr).toContain('logstag-agent.yaml:3:13 targets[0].engine: expected one of postgresql, mysql, mongodb, redis');
  });

  it('collect --once --dry-run prints schema-valid payloads on stdout only, logs on stderr', async () => {
    const config = writeConfig(targets);
    const r = await runCli(['collect', '--once', '--dry-run', '--category', 'runtime', '--config', config], { CLI_PW: SECRET });
    const payloads = r.stdout.trim().split('\n').map((l) => payloadSchema.parse(JSON.parse(l)));
    expect(payloads.map((p) => (p.kind === 'collection' ? `${p.targetId}/${p.category}` : p.kind)).sort()).toEqual(['cache/runtime', 'refused/runtime']);
    const refused = payloads.find((p) => p.kind === 'collection' && p.targetId === 'refused');
    expect(refused).toMatchObject({ errors: [{ code: 'collection_failed' }] });
    expect(r.code).toBe(1);
    expect(r.stderr).toContain('"target":"refused"');
    expect(r.stdout + r.stderr).not.toContain(SECRET);
  });

  it('runs the bundled MongoDB driver: collect --once --dry-run against the wire server of recorded replies', async () => {
    // The launcher's bundle holds the drivers too; this is the one engine no other CLI test drives through it.
    const server = await startMongoWireServer({ topology: 'replset-primary' });
    try {
      const config = writeConfig(`targets:\n  - { name: docs, engine: mongodb, host: ${server.host}, port: ${server.port} }\n`);
      const r = await runCli(['collect', '--once', '--dry-run', '--category', 'runtime', '--config', config]);
      expect(r.stderr).not.toContain('Dynamic require');
      const [payload] = r.stdout.trim().split('\n').map((l) => payloadSchema.parse(JSON.parse(l)));
      expect(payload).toMatchObject({ kind: 'collection', targetId: 'docs', engine: 'mongodb', category: 'runtime', errors: [] });
      // A first run is the counters' baseline; the recorded serverStatus and currentOp were read through the driver.
      expect(payload).toMatchObject({
        data: {
          _delta: { baseline: true, baselineSections: expect.arrayContaining(['connections', 'opcounters', 'wired_tiger_cache']) },
          current_op: expect.arrayContaining([expect.objectContaining({ active: true })]),
        },
      });
      expect(r.code).toBe(0);
    } finally {
      await server.close();
    }
  });

  it('run stops cleanly on SIGTERM and leaves unsent payloads in the spool', async () => {
    // A 1-second runtime interval: first runs come within a second (the default 10 s spreads them over 10 s).
    const config = writeConfig(`server: { url: "http://127.0.0.1:1", api_key: env:CLI_PW }\nspool: { dir: "%DIR%/spool" }\nintervals: { runtime: 1 }\n${targets}`);
    // Signal only once the agent has started (tsx start-up is slow on a busy machine), then give it a few ticks.
    const r = await runCli(['run', '--config', config], { CLI_PW: SECRET }, (child) => {
      let seen = '';
      const onData = (c: Buffer) => {
        seen += c.toString();
        if (!seen.includes('agent started')) return;
        child.stderr?.off('data', onData);
        setTimeout(() => child.kill('SIGTERM'), 2_000);
      };
      child.stderr?.on('data', onData);
    });
    expect(r.code).toBe(0);
    expect(r.stderr).toContain('agent stopped');
    expect(r.stderr).not.toContain(SECRET);
    const spool = join(config, '..', 'spool');
    expect(readdirSync(spool).filter((f) => f.endsWith('.json.gz')).length).toBeGreaterThanOrEqual(2);
  });

  it('run stops cleanly on a SIGTERM that arrives while it starts', async () => {
    const config = writeConfig(`server: { url: "http://127.0.0.1:1", api_key: env:CLI_PW }\nspool: { dir: "%DIR%/spool" }\n${targets}`);
    // At the agent's first line on stderr, which is as early as a supervisor's stop can come once it is up.
    const r = await runCli(['run', '--config', config], { CLI_PW: SECRET }, (child) => {
      child.stderr?.once('data', () => child.kill('SIGTERM'));
    });
    expect(r.signal).toBeNull();
    expect(r.code).toBe(0);
    expect(r.stderr).toContain('agent stopped');
  });

  describe('the logstag-agent command', () => {
    /** Starts `logstag-agent run` through npm's link and reads the environment and command line of its process. */
    const runThroughCommand = async (env: Record<string, string | undefined>) => {
      const config = writeConfig(`server: { url: "http://127.0.0.1:1", api_key: env:CLI_PW }\nspool: { dir: "%DIR%/spool" }\n${targets}`);
      let seen: { environ: string; cmdline: string[] } | undefined;
      const r = await runCli(['run', '--config', config], { CLI_PW: SECRET, ...env }, (child) => {
        let stderr = '';
        const onData = (c: Buffer) => {
          stderr += c.toString();
          if (!stderr.includes('agent started')) return;
          child.stderr?.off('data', onData);
          // The pid spawned is the agent's: the shell script execs node, it does not wait for a child.
          const proc = `/proc/${child.pid}`;
          // glibc splits the tunables it parsed in place, at each ':' (a NUL in /proc/<pid>/environ): joined back here.
          seen = { environ: readFileSync(`${proc}/environ`, 'utf8'), cmdline: readFileSync(`${proc}/cmdline`, 'utf8').split('\0') };
          child.kill('SIGTERM');
        };
        child.stderr?.on('data', onData);
      }, [command]);
      expect(r.code).toBe(0);
      expect(seen, r.stderr).toBeDefined();
      return seen!;
    };

    it('execs node on the launcher in its own process, with glibc malloc set for a small daemon', async () => {
      const { environ, cmdline } = await runThroughCommand({ GLIBC_TUNABLES: undefined, LOGSTAG_AGENT_NODE_FLAGS: '--stack-trace-limit=20' });
      expect(environ.replaceAll('\0', ':')).toContain(
        ':GLIBC_TUNABLES=glibc.malloc.arena_max=1:glibc.malloc.mmap_threshold=65536:glibc.malloc.trim_threshold=65536:',
      );
      expect(cmdline[0]).toMatch(/(^|\/)node$/);
      expect(cmdline.slice(1, 4)).toEqual(['--stack-trace-limit=20', bin, 'run']);
    });

    it("keeps an operator's own GLIBC_TUNABLES", async () => {
      const { environ } = await runThroughCommand({ GLIBC_TUNABLES: 'glibc.malloc.arena_max=2' });
      const tunables = environ.replaceAll('\0', ':').match(/:GLIBC_TUNABLES=[^:]*/g);
      expect(tunables).toEqual([':GLIBC_TUNABLES=glibc.malloc.arena_max=2']);
    });
  });

  describe('collect --once without --dry-run sends through the sender and spool', () => {
    const cacheOnly = `targets:\n  - { name: cache, engine: redis, host: ${redis.hostname}, port: ${redis.port} }\n`;
    const withServer = (url: string, body = cacheOnly) =>
      writeConfig(`server: { url: "${url}", api_key: env:CLI_PW }\nagent_id: cli-send\nspool: { dir: "%DIR%/spool" }\n${body}`);
    const spooled = (config: string) => {
      const dir = join(config, '..', 'spool');
      return readdirSync(dir).map((f) => JSON.parse(gunzipSync(readFileSync(join(dir, f))).toString()) as Record<string, unknown>);
    };

    it('sends every category and a heartbeat with the API key, exits 0 and says what it sent', async () => {
      const server = await startIngestServer();
      try {
        const r = await runCli(['collect', '--once', '--config', withServer(server.url)], { CLI_PW: SECRET });
        expect(r.stdout).toContain(`sent 5 of 5 payloads to ${server.url}`);
        expect(r.code).toBe(0);
        const payloads = server.requests.map((req) => payloadSchema.parse(req.body));
        expect(payloads.map((p) => (p.kind === 'collection' ? p.category : p.kind)).sort()).toEqual(['heartbeat', 'operational', 'runtime', 'schema', 'workload']);
        expect(server.requests.every((req) => req.headers.authorization === `Bearer ${SECRET}` && req.headers['content-encoding'] === 'gzip')).toBe(true);
        // The heartbeat goes last and describes the spool as this run left it: nothing waiting, nothing lost.
        expect(heartbeatPayloadSchema.parse(server.requests.at(-1)!.body).spool).toEqual({ backlogPayloads: 0, backlogBytes: 0, droppedSinceLast: 0 });
        expect(payloads.every((p) => !p.replayed)).toBe(true);
        expect(r.stdout + r.stderr).not.toContain(SECRET);
      } finally {
        await server.close();
      }
    });

    it('spools what an unreachable server cannot take, exits 0, and says where the payloads wait and why', async () => {
      const down = await startIngestServer();
      await down.close();
      const config = withServer(down.url);
      const r = await runCli(['collect', '--once', '--category', 'runtime', '--config', config], { CLI_PW: SECRET });
      expect(r.code).toBe(0);
      expect(r.stdout).toContain('sent 0 of 1 payloads');
      expect(r.stdout).toMatch(/spooled 1 in .*spool .*cannot reach the server: ECONNREFUSED; `logstag-agent run` re-sends them/);
      expect(spooled(config)).toEqual([expect.objectContaining({ targetId: 'cache', category: 'runtime', replayed: true })]);
    });

    it('exits 1 when the server refuses the API key, keeping the payloads for when the key is fixed', async () => {
      const server = await startIngestServer([{ status: 401, body: { error: { code: 'unauthorized', message: 'unknown API key' } } }]);
      try {
        const config = withServer(server.url);
        const r = await runCli(['collect', '--once', '--category', 'runtime', '--config', config], { CLI_PW: SECRET });
        expect(r.code).toBe(1);
        expect(r.stdout).toContain('server refused the API key (401): unauthorized: unknown API key');
        expect(r.stdout).toContain('the server refused the API key: check server.api_key');
        expect(spooled(config)).toHaveLength(1);
        expect(r.stdout + r.stderr).not.toContain(SECRET);
      } finally {
        await server.close();
      }
    });

    it('exits 1 and names the server message when the server rejects a payload', async () => {
      const server = await startIngestServer([{ status: 400, body: { error: { code: 'validation_failed', message: 'data: unexpected' } } }]);
      try {
        const config = withServer(server.url);
        const r = await runCli(['collect', '--once', '--category', 'runtime', '--config', config], { CLI_PW: SECRET });
        expect(r.code).toBe(1);
        expect(r.stdout).toContain('dropped 1 that the server refused: server rejected the payload (400): validation_failed: data: unexpected');
        expect(spooled(config)).toEqual([]);
      } finally {
        await server.close();
      }
    });

    it('exits 1 naming a failed collection, whose error payload still reaches the server', async () => {
      const server = await startIngestServer();
      try {
        const r = await runCli(['collect', '--once', '--category', 'runtime', '--config', withServer(server.url, targets)], { CLI_PW: SECRET });
        expect(r.code).toBe(1);
        expect(r.stdout).toContain('sent 2 of 2 payloads');
        expect(r.stdout).toContain('collections failed: refused/runtime');
        expect(server.requests.find((req) => req.body.targetId === 'refused')?.body).toMatchObject({ errors: [{ code: 'collection_failed' }] });
        expect(r.stdout + r.stderr).not.toContain(SECRET);
      } finally {
        await server.close();
      }
    });

    it('refuses to send without a server section (exit 2) instead of spooling for nobody', async () => {
      const r = await runCli(['collect', '--once', '--config', writeConfig(cacheOnly)]);
      expect(r.code).toBe(2);
      expect(r.stderr).toContain('sending needs a server section with url and api_key (or use --dry-run)');
    });
  });
});
