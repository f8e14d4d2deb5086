import { spawn } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { describe, expect, it } from 'vitest';
import { Connection } from '@temporalio/client';
import { freePort, isPinnedCli, startDevServer, tcpAnswers, TemporalSetupError, temporalSettingsFromEnv } from '../src/index';
import { testTemporalCli } from '../testing';

const ROOT = resolve(import.meta.dirname, '../..');

describe('embedded Temporal dev server', () => {
  it('recognizes the pinned CLI and refuses a binary that is not it', () => {
    expect(isPinnedCli(testTemporalCli())).toBe(true);
    expect(isPinnedCli('/bin/true')).toBe(false);
  });

  it('starts on loopback with the namespace, answers, and stops by its PID', async () => {
    const port = await freePort();
    const dir = mkdtempSync(join(tmpdir(), 'logstag-ds-'));
    const server = await startDevServer({ binary: testTemporalCli(), port, uiPort: null, dbFile: join(dir, 'temporal.db'), namespace: 'logstag' });
    try {
      expect(server.address).toBe(`127.0.0.1:${port}`);
      const conn = await Connection.connect({ address: server.address });
      const ns = await conn.workflowService.describeNamespace({ namespace: 'logstag' });
      expect(ns.namespaceInfo?.name).toBe('logstag');
      await conn.close();
      expect(() => process.kill(server.pid, 0)).not.toThrow();
    } finally {
      await server.stop();
    }
    expect(() => process.kill(server.pid, 0)).toThrow();
    expect(await tcpAnswers(port)).toBe(false);
  });

  it('names the port that is taken instead of starting', async () => {
    const port = await freePort();
    const busy = createServer().listen(port, '127.0.0.1');
    try {
      const err = await startDevServer({ binary: testTemporalCli(), port, uiPort: null, dbFile: join(tmpdir(), 'x.db'), namespace: 'logstag' }).catch((e: unknown) => e);
      expect(err).toBeInstanceOf(TemporalSetupError);
      expect((err as Error).message).toMatch(new RegExp(`port ${port} \\(Temporal frontend\\).*already in use.*TEMPORAL_PORT`));
    } finally {
      busy.close();
    }
  });

  it('refuses a data file path it cannot use', async () => {
    const file = join(mkdtempSync(join(tmpdir(), 'logstag-ds-')), 'plain-file');
    writeFileSync(file, 'x');
    const err = await startDevServer({ binary: testTemporalCli(), port: await freePort(), uiPort: null, dbFile: join(file, 'temporal.db'), namespace: 'logstag' }).catch((e: unknown) => e);
    expect((err as Error).message).toMatch(/not readable and writable.*LOGSTAG_DATA_DIR/);
  });

  it('does not leave the server running when the process that started it exits', async () => {
    const port = await freePort();
    const dir = mkdtempSync(join(tmpdir(), 'logstag-ds-'));
    const script = `
      import { startDevServer } from './temporal/src/dev-server.ts';
      await startDevServer({ binary: ${JSON.stringify(testTemporalCli())}, port: ${port}, uiPort: null, dbFile: ${JSON.stringify(join(dir, 't.db'))}, namespace: 'logstag' });
      process.stdout.write('up\\n');
      process.exit(3);`;
    const code = await new Promise<number | null>((done) => {
      const child = spawn(process.execPath, ['--import', 'tsx', '--input-type=module', '-e', script], { cwd: ROOT, stdio: ['ignore', 'pipe', 'inherit'] });
      child.on('exit', done);
    });
    expect(code).toBe(3);
    await new Promise((r) => setTimeout(r, 500));
    expect(await tcpAnswers(port)).toBe(false);
  });
});

describe('Temporal settings from the environment', () => {
  it('embeds the dev server unless TEMPORAL_ADDRESS is set', () => {
    expect(temporalSettingsFromEnv({}, '/data', '/tools')).toMatchObject({ mode: 'embedded', port: 7233, uiPort: 8233, namespace: 'logstag', dbFile: '/data/temporal.db' });
    expect(temporalSettingsFromEnv({ TEMPORAL_ADDRESS: 'temporal.internal:7233', TEMPORAL_NAMESPACE: 'prod' }, '/d', '/t')).toEqual({
      mode: 'external',
      address: 'temporal.internal:7233',
      namespace: 'prod',
    });
  });

  it('turns TLS on with an API key and reads certificates from files', () => {
    const dir = mkdtempSync(join(tmpdir(), 'logstag-tls-'));
    writeFileSync(join(dir, 'ca.pem'), 'CA');
    const s = temporalSettingsFromEnv({ TEMPORAL_ADDRESS: 'x.tmprl.cloud:7233', TEMPORAL_API_KEY: 'k', TEMPORAL_TLS_CA: join(dir, 'ca.pem') }, '/d', '/t');
    expect(s).toMatchObject({ mode: 'external', apiKey: 'k', tls: { serverRootCACertificate: Buffer.from('CA') } });
  });

  it('says which setting is wrong', () => {
    expect(() => temporalSettingsFromEnv({ TEMPORAL_PORT: 'x' }, '/d', '/t')).toThrow(/TEMPORAL_PORT must be a port number/);
    expect(() => temporalSettingsFromEnv({ TEMPORAL_ADDRESS: 'a:1', TEMPORAL_TLS_CERT: '/nope' }, '/d', '/t')).toThrow(/both TEMPORAL_TLS_CERT and TEMPORAL_TLS_KEY/);
    expect(() => temporalSettingsFromEnv({ TEMPORAL_ADDRESS: 'a:1', TEMPORAL_TLS_CA: '/nope/ca.pem' }, '/d', '/t')).toThrow(/cannot read TEMPORAL_TLS_CA \/nope\/ca.pem: ENOENT/);
  });
});
