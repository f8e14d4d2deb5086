import { existsSync, mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import pino from 'pino';
import { freePort, tcpAnswers } from '@logstag/temporal';
import { TEST_TOOLS_DIR } from '@logstag/temporal/testing';
import { serverConfigFromEnv } from '../src/config';
import { startLogstag, type RunningLogstag } from '../src/server';
import { collectionPayload, postPayload, seedOrganization, waitFor, type SeededOrganization, type TestContext } from './context';

/**
 * `npm start`'s embedded mode as the app runs it: the supervised dev server, the client, the in-process worker and the
 * ingest dispatcher, on a PGlite store, with ingest over HTTP. The dev server is killed with SIGKILL (twice, the second
 * time while its restart is starting) and everything must come back on its own.
 */
describe('the embedded Temporal dev server under supervision', () => {
  const dataDir = mkdtempSync(join(tmpdir(), 'logstag-supervised-'));
  let app: RunningLogstag;
  let org: SeededOrganization;
  let temporalPort: number;
  let stopped = false;

  const readyz = async () => {
    const res = await fetch(`${app.url}/readyz`);
    return { status: res.status, body: (await res.json()) as { checks: { temporal: { status: string; error?: string } } } };
  };
  const statusOf = async (id: string) =>
    (await app.store.db.selectFrom('payloads').select('status').where('id', '=', id).executeTakeFirst())?.status;
  const postAndStore = async (label: string) => {
    const payload = collectionPayload();
    expect((await postPayload(app.url, payload, { key: org.agentKey })).status).toBe(202);
    await waitFor(async () => (await statusOf(payload.id)) === 'stored', 30_000, `${label} to be stored`);
  };
  /**
   * Waits for a dev server to be restarted (with no supervision none ever is) and to answer, then returns how long
   * /readyz took from there to answer 200.
   */
  const readyAfterRestart = async () => {
    await waitFor(() => tcpAnswers(temporalPort), 40_000, 'the dev server to be restarted');
    await app.devServer!.whenUp();
    const backAt = Date.now();
    await waitFor(async () => (await readyz()).status === 200, 15_000, '/readyz to answer 200 again');
    return Date.now() - backAt;
  };

  beforeAll(async () => {
    temporalPort = await freePort();
    const config = serverConfigFromEnv({ PORT: String(await freePort()), LOGSTAG_DATA_DIR: dataDir });
    app = await startLogstag({
      config,
      temporal: {
        mode: 'embedded',
        namespace: 'logstag',
        ip: '127.0.0.1',
        port: temporalPort,
        uiPort: await freePort(),
        dbFile: join(dataDir, 'temporal.db'),
        toolsDir: process.env.LOGSTAG_TOOLS_DIR ?? TEST_TOOLS_DIR,
      },
      logger: pino({ level: 'silent' }),
    });
    org = await seedOrganization({ app } as TestContext);
  });

  afterAll(async () => {
    if (!stopped) await app?.stop();
  });

  it('restarts after SIGKILL, answers /readyz 503 meanwhile and 200 soon after, and stores what was posted during the outage', async () => {
    expect((await readyz()).status).toBe(200);
    await postAndStore('a payload before the crash');

    const firstPid = app.devServer!.pid!;
    process.kill(firstPid, 'SIGKILL');
    const down = await waitFor(async () => {
      const r = await readyz();
      return r.status === 503 ? r : null;
    }, 5_000, '/readyz to answer 503');
    expect(down.body.checks.temporal.status).toBe('down');
    expect(down.body.checks.temporal.error).toBeTruthy();

    // Accepted while Temporal is down: committed now, stored once it is back.
    const during = collectionPayload();
    expect((await postPayload(app.url, during, { key: org.agentKey })).status).toBe(202);

    expect(await readyAfterRestart()).toBeLessThan(10_000);
    expect(app.devServer!.pid).not.toBe(firstPid);
    expect(readFileSync(join(dataDir, 'temporal.pid'), 'utf8').trim()).toBe(String(app.devServer!.pid));
    await waitFor(async () => (await statusOf(during.id)) === 'stored', 30_000, 'the payload posted during the outage to be stored');
    await postAndStore('a payload after the restart');
  }, 180_000);

  it('survives a second kill while the restart is still starting', async () => {
    process.kill(app.devServer!.pid!, 'SIGKILL');
    const startingPid = await waitFor(
      async () => (app.devServer!.state === 'starting' && app.devServer!.pid !== null ? app.devServer!.pid : null),
      10_000,
      'the restart to be spawned',
    );
    process.kill(startingPid, 'SIGKILL');
    const during = collectionPayload();
    expect((await postPayload(app.url, during, { key: org.agentKey })).status).toBe(202);

    expect(await readyAfterRestart()).toBeLessThan(10_000);
    await waitFor(async () => (await statusOf(during.id)) === 'stored', 30_000, 'the payload posted during the second outage to be stored');
    await postAndStore('a payload after the second restart');

    const metrics = await (await fetch(`${app.url}/metrics`)).text();
    const restarts = (result: string) => Number(metrics.match(new RegExp(`logstag_temporal_dev_server_restarts_total\\{result="${result}"\\} (\\d+)`))?.[1] ?? 0);
    expect(restarts('started')).toBeGreaterThanOrEqual(2);
    expect(restarts('failed')).toBeGreaterThanOrEqual(1);
  }, 180_000);

  it('stops supervising on shutdown: the server it stopped is not started again', async () => {
    const pid = app.devServer!.pid!;
    const devServer = app.devServer!;
    stopped = true;
    await app.stop();
    expect(devServer.state).toBe('stopped');
    expect(() => process.kill(pid, 0)).toThrow();
    await new Promise((r) => setTimeout(r, 1_500));
    expect(await tcpAnswers(temporalPort)).toBe(false);
    expect(existsSync(join(dataDir, 'temporal.pid'))).toBe(false);
  });
});
