import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, readdirSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { payloadSchema } from '@logstag/schema';
import { describe, expect, it } from 'vitest';

const bin = fileURLToPath(new URL('../bin/logstag-agent.mjs', import.meta.url));
const redis = new URL(process.env.LOGSTAG_TEST_REDIS_URL ?? 'redis://127.0.0.1:56379');
const SECRET = 'cli-secret-pw-123';

interface Run {
  code: number | null;
  signal: NodeJS.Signals | null;
  stdout: string;
  stderr: string;
}

/** Runs the real launcher in a child process, as a user would; `onStart` may signal it. */
function runCli(args: string[], env: Record<string, string> = {}, onStart?: (child: ChildProcess) => void): Promise<Run> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [bin, ...args], { env: { ...process.env, ...env }, stdio: ['ignore', 'pipe', 'pipe'] });
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

  it('run stops cleanly on SIGTERM and leaves unsent payloads in the spool', async () => {
    const config = writeConfig(`server: { url: "http://127.0.0.1:1", api_key: env:CLI_PW }\nspool: { dir: "%DIR%/spool" }\n${targets}`);
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
});
