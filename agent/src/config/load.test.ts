import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Writable } from 'node:stream';
import { describe, expect, it } from 'vitest';
import { createLogger } from '../log/logger';
import { ConfigError } from './config-error';
import { loadConfig, parseConfig } from './load';

const dir = mkdtempSync(join(tmpdir(), 'logstag-config-'));

function problemsOf(yaml: string, env: NodeJS.ProcessEnv = {}): readonly string[] {
  try {
    parseConfig(yaml, 'logstag-agent.yaml', env);
  } catch (err) {
    if (err instanceof ConfigError) return err.problems;
    throw err;
  }
  throw new Error('expected the config to be rejected');
}

const valid = `
server:
  url: https://logstag.example.com/
  api_key: env:LOGSTAG_KEY
agent_id: agent-1
intervals:
  workload: 120
targets:
  - name: pg-main
    engine: postgresql
    host: db1
    user: monitor
    password: env:PG_PASS
    tags: { env: prod, tier: 1 }
    intervals: { runtime: 5 }
  - name: cache
    engine: redis
    host: cache1
    database: 2
    query_text: off
`;

describe('loading the agent config', () => {
  it('resolves secrets, defaults and per-target intervals into frozen target specs', () => {
    const config = parseConfig(valid, 'logstag-agent.yaml', { LOGSTAG_KEY: 'key-123456', PG_PASS: 'pg-secret-pw' });
    expect(config.server).toEqual({ url: 'https://logstag.example.com', apiKey: 'key-123456' });
    const [pg, redis] = config.targets;
    expect(pg!.spec).toMatchObject({ name: 'pg-main', engine: 'postgresql', port: 5432, password: 'pg-secret-pw', queryText: 'obfuscated', queryTextMaxLength: 4096, tags: { env: 'prod', tier: '1' }, statementTimeoutMs: 5000 });
    expect(pg!.intervalSeconds).toEqual({ runtime: 5, workload: 120, operational: 600, schema: 14400 });
    expect(redis!.spec).toMatchObject({ port: 6379, database: '2', queryText: 'off' });
    expect(Object.isFrozen(config)).toBe(true);
    expect(Object.isFrozen(pg!.spec)).toBe(true);
    expect(config.secretValues).toEqual(['key-123456', 'pg-secret-pw']);
  });

  it('names the line, column, path and the allowed values for an unknown engine', () => {
    const yaml = 'targets:\n  - name: a\n    engine: postgresql\n    host: h\n  - name: b\n    engine: oracle\n    host: h\n';
    expect(problemsOf(yaml)).toEqual(['logstag-agent.yaml:6:13 targets[1].engine: expected one of postgresql, mysql, mongodb, redis']);
  });

  it('reports duplicate target names at the second occurrence', () => {
    const yaml = 'targets:\n  - name: a\n    engine: redis\n    host: h\n  - name: a\n    engine: redis\n    host: h\n';
    expect(problemsOf(yaml)).toEqual(['logstag-agent.yaml:5:11 targets[1].name: duplicate target name "a" (also targets[0])']);
  });

  it('reports every problem at once: missing field, wrong type, misspelt key', () => {
    const yaml = 'targets:\n  - name: a\n    host: h\n    port: "5432"\n    pasword: x\n';
    const problems = problemsOf(yaml);
    expect(problems).toContain('logstag-agent.yaml:2:5 targets[0].engine: required: expected one of postgresql, mysql, mongodb, redis');
    expect(problems).toContain('logstag-agent.yaml:4:11 targets[0].port: expected number, got string');
    expect(problems).toContain('logstag-agent.yaml:5:5 targets[0].pasword: unknown key');
  });

  it('requires a host or a socket', () => {
    expect(problemsOf('targets:\n  - name: a\n    engine: mysql\n')).toEqual(['logstag-agent.yaml:2:5 targets[0].host: expected host or socket']);
  });

  it('reports invalid YAML with its position', () => {
    const [problem] = problemsOf('targets:\n  - name: [unclosed\n');
    expect(problem).toMatch(/^logstag-agent\.yaml:\d+:\d+ invalid YAML: /);
  });

  it('reports a missing environment variable by name, at the reference', () => {
    const yaml = 'targets:\n  - name: a\n    engine: mysql\n    host: h\n    password: env:NOPE_PASS\n';
    expect(problemsOf(yaml)).toEqual(['logstag-agent.yaml:5:15 targets[0].password: environment variable NOPE_PASS is not set']);
  });

  it('reads a password from a file and reports an unreadable one', () => {
    const secretFile = join(dir, 'pw');
    writeFileSync(secretFile, 'from-file-pw\n');
    const ok = parseConfig(`targets:\n  - name: a\n    engine: mysql\n    host: h\n    password: file:${secretFile}\n`, 'c.yaml', {});
    expect(ok.targets[0]!.spec.password).toBe('from-file-pw');
    const problems = problemsOf(`targets:\n  - name: a\n    engine: mysql\n    host: h\n    password: file:${join(dir, 'missing')}\n`);
    expect(problems[0]).toMatch(/^logstag-agent\.yaml:5:15 targets\[0\]\.password: cannot read secret file .*missing: ENOENT$/);
  });

  it('never echoes a mistyped secret value in an error', () => {
    const problems = problemsOf('targets:\n  - name: a\n    engine: mysql\n    host: h\n    password: 98765431\n');
    expect(problems.join('\n')).not.toContain('98765431');
  });

  it('reads TLS PEM files and rejects an http server URL without a scheme', () => {
    const ca = join(dir, 'ca.pem');
    writeFileSync(ca, '-----BEGIN CERTIFICATE-----\nx\n-----END CERTIFICATE-----\n');
    const config = parseConfig(`targets:\n  - name: a\n    engine: postgresql\n    host: h\n    tls: { ca_file: ${ca} }\n`, 'c.yaml', {});
    expect(config.targets[0]!.spec.tls).toEqual({ enabled: true, rejectUnauthorized: true, ca: expect.stringContaining('BEGIN CERTIFICATE') });
    const problems = problemsOf('server:\n  url: logstag.example.com\n  api_key: k\ntargets:\n  - name: a\n    engine: redis\n    host: h\n');
    expect(problems).toEqual(['logstag-agent.yaml:2:8 server.url: expected an http:// or https:// URL']);
  });

  it('reads relative paths next to the config file, whatever the working directory', () => {
    writeFileSync(join(dir, 'relative-pw'), 'relative-secret\n');
    const path = join(dir, 'relative.yaml');
    writeFileSync(path, 'spool: { dir: spool-here }\ntargets:\n  - { name: a, engine: mysql, host: h, password: "file:relative-pw" }\n');
    const config = loadConfig(path, {});
    expect(config.targets[0]!.spec.password).toBe('relative-secret');
    expect(config.spool.dir).toBe(join(dir, 'spool-here'));
  });

  it('puts the spool in systemd\'s state directory by default', () => {
    const config = parseConfig('targets:\n  - { name: a, engine: redis, host: h }\n', 'c.yaml', { STATE_DIRECTORY: '/var/lib/logstag-agent' });
    expect(config.spool.dir).toBe('/var/lib/logstag-agent/spool');
  });

  it('reports an unreadable config file by path', () => {
    expect(() => loadConfig(join(dir, 'nope.yaml'))).toThrow(/nope\.yaml: cannot read the config file \(ENOENT\)/);
  });
});

describe('secrets in logs', () => {
  it('never prints a resolved secret, neither in redacted fields nor inside free text', () => {
    const config = parseConfig(valid, 'logstag-agent.yaml', { LOGSTAG_KEY: 'key-123456', PG_PASS: 'pg-secret-pw' });
    const lines: string[] = [];
    const sink = new Writable({
      write(chunk: Buffer, _enc, done) {
        lines.push(chunk.toString());
        done();
      },
    });
    const logger = createLogger({ level: 'debug', secrets: config.secretValues, destination: sink });
    const target = config.targets[0]!;
    logger.info({ spec: target.spec, config }, 'starting');
    logger.child({ target: 'pg-main' }).error({ err: new Error('connect failed for postgres://monitor:pg-secret-pw@db1/x') }, 'failed');
    logger.warn({ headers: { authorization: 'Bearer key-123456' } }, 'sent');
    const output = lines.join('');
    expect(output).toContain('starting');
    expect(output).toContain('"target":"pg-main"');
    expect(output).not.toContain('pg-secret-pw');
    expect(output).not.toContain('key-123456');
    expect(output).toContain('[REDACTED]');
  });
});
