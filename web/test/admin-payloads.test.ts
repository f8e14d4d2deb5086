// The Admin page of failed and stuck payloads, in a browser on the real stack: a poison payload fails through the real
// pipeline and is listed with its error, hostile text stays text, and retry and discard work from the page.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Browser, Page } from 'playwright-core';
import { v7 as uuidv7 } from 'uuid';
import { payloadBodyFromJson } from '@logstag/store';
import { SCHEMA_VERSION } from '@logstag/schema';
import { waitFor } from '../../api/test/context';
import { hydrated, launchBrowser, screenshot, seriousA11yViolations, signIn } from './support/browser';
import { IMG_NAME, SCRIPT_QUERY } from './support/xss-payloads';
import { startWebStack, type WebStack } from './support/stack';

let stack: WebStack;
let browser: Browser;

beforeAll(async () => {
  [stack, browser] = await Promise.all([startWebStack(), launchBrowser()]);
});
afterAll(async () => {
  await browser?.close();
  await stack?.stop();
});

function body(targetId: string, query: string) {
  return {
    id: uuidv7(),
    kind: 'collection',
    agentId: 'agent-1',
    targetId,
    engine: 'postgresql',
    category: 'workload',
    collectedAt: new Date().toISOString(),
    schemaVersion: SCHEMA_VERSION,
    data: { statements: [{ queryid: '42', datname: 'shop', calls: 3, total_exec_time: 1.5, rows: 3, query }] },
  };
}

/** Commits a payload behind the ingest door, as one that got past it would be. */
async function commit(b: ReturnType<typeof body>, extra: Record<string, unknown> = {}) {
  await stack.ctx.app.store.db
    .insertInto('payloads')
    .values({
      id: b.id,
      organization_id: stack.org.organizationId,
      agent_id: b.agentId,
      target_id: b.targetId,
      engine: b.engine,
      category: b.category,
      kind: 'collection',
      collected_at: b.collectedAt,
      replayed: false,
      ...(await payloadBodyFromJson(b)),
      ...extra,
    })
    .execute();
  stack.ctx.app.dispatcher.nudge();
}
const statusOf = async (id: string) => (await stack.ctx.app.store.db.selectFrom('payloads').select('status').where('id', '=', id).executeTakeFirstOrThrow()).status;

async function ownerPage(): Promise<Page> {
  const page = await browser.newPage({ viewport: { width: 1280, height: 900 } });
  await signIn(page, stack.url, stack.org.ownerEmail, stack.org.ownerPassword);
  return page;
}

describe('Admin › Failed payloads', () => {
  it('lists a failed payload with its error, keeps hostile text as text, and retries and discards from the page', async () => {
    const poison = body('pg-poison', "select 'a\u0000b'");
    await commit(poison);
    await waitFor(async () => (await statusOf(poison.id)) === 'failed', 30_000, 'the poison payload to fail');
    // A failure whose target and message a hostile database controls.
    const hostile = body(IMG_NAME, SCRIPT_QUERY);
    await commit(hostile, { status: 'failed', error_reason: 'data_error', error_code: '22021', error_message: `${SCRIPT_QUERY} ${IMG_NAME}`, failed_at: new Date(), attempts: 1 });

    const page = await ownerPage();
    await page.goto(`${stack.url}/admin`);
    await page.getByRole('navigation', { name: 'Admin sections' }).getByRole('link', { name: 'Failed payloads' }).click();
    await page.waitForURL((u) => u.pathname === '/admin/payloads');
    await hydrated(page);
    const table = page.locator('table');
    const text = (await table.textContent()) ?? '';
    expect(text).toContain('pg-poison');
    expect(text).toContain('refused by the store');
    expect(text).toContain(IMG_NAME);
    expect(text).toContain(SCRIPT_QUERY);
    expect(await page.locator('table img').count()).toBe(0);
    expect(await page.locator('table script').count()).toBe(0);
    // The hostile text sets window.__xss if it ever runs.
    expect(await page.evaluate(() => (globalThis as { __xss?: number }).__xss)).toBeUndefined();
    await screenshot(page, 'admin-payloads');
    const violations = await seriousA11yViolations(page);
    expect(violations.map((v) => `${v.id}: ${v.help}`)).toEqual([]);

    await page.getByRole('button', { name: `Discard payload ${hostile.id}` }).click();
    await page.getByRole('status').filter({ hasText: 'Payload discarded' }).waitFor();
    expect(await statusOf(hostile.id)).toBe('discarded');
    expect((await page.locator('table').textContent()) ?? '').not.toContain(SCRIPT_QUERY);

    await page.getByRole('button', { name: `Retry payload ${poison.id}` }).click();
    await page.getByRole('status').filter({ hasText: 'Payload queued again' }).waitFor();
    // Through the dispatcher and the workflow again; the store still refuses it.
    await waitFor(async () => {
      const r = await stack.ctx.app.store.db.selectFrom('payloads').select(['status', 'attempts']).where('id', '=', poison.id).executeTakeFirstOrThrow();
      return r.status === 'failed' && r.attempts === 2;
    }, 30_000, 'the retried payload to fail again');

    await page.getByRole('link', { name: 'Stuck' }).click();
    await page.waitForURL((u) => u.searchParams.get('status') === 'stuck');
    expect(await page.getByRole('status').textContent()).toContain('No stuck payloads');
    await page.close();
  });
});
