// The Health Check pages in a browser on the real stack: recorded PostgreSQL collections (one table named with hostile
// text) go in through the ingest door, the report runs from the page's button through the workflow, the fleet shows the
// target's score, the report groups findings with evidence, fix and copy button, the filters show new findings,
// skipped rules with their reasons and the changes, and the catalog is browsable. Nothing hostile runs.
import { readFileSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Browser } from 'playwright-core';
import { v7 as uuidv7 } from 'uuid';
import { postPayload, waitFor } from '../../api/test/context';
import { hydrated, launchBrowser, screenshot, seriousA11yViolations, signIn } from './support/browser';
import { IMG_NAME } from './support/xss-payloads';
import { startWebStack, type WebStack } from './support/stack';

const TARGET = 'pg-shop';
let stack: WebStack;
let browser: Browser;

function recordedBodies(): Array<Record<string, unknown>> {
  const lines = readFileSync(new URL('../../api/test/fixtures/postgresql.jsonl', import.meta.url), 'utf8').trim().split('\n');
  const now = Date.now();
  return lines.map((l, i) => {
    const p = JSON.parse(l) as { category: string; data: { tables?: Array<Record<string, unknown>> } } & Record<string, unknown>;
    // The last schema collection holds a table without a primary key whose name is hostile text.
    if (p.category === 'schema' && i > lines.length / 2 && p.data.tables?.[0]) p.data.tables.push({ ...p.data.tables[0], name: IMG_NAME, has_primary_key: false });
    return { ...p, id: uuidv7(), targetId: TARGET, collectedAt: new Date(now - (lines.length - i) * 3_000).toISOString() };
  });
}

beforeAll(async () => {
  [stack, browser] = await Promise.all([startWebStack(), launchBrowser()]);
  for (const body of recordedBodies()) expect((await postPayload(stack.url, body, { key: stack.org.agentKey })).status).toBe(202);
  await waitFor(async () => {
    const r = await stack.ctx.app.store.db.selectFrom('payloads').select((eb) => eb.fn.countAll<number>().as('n')).where('status', '=', 'stored').executeTakeFirst();
    return Number(r?.n) >= 21;
  }, 30_000, 'the recorded payloads stored');
}, 180_000);
afterAll(async () => {
  await browser?.close();
  await stack?.stop();
});

describe('Health Check', () => {
  it('runs a report from the page and shows the fleet, the report by category with evidence and fix, the filters and the catalog', async () => {
    const page = await browser.newPage({ viewport: { width: 1280, height: 900 } });
    await signIn(page, stack.url, stack.org.ownerEmail, stack.org.ownerPassword);
    await page.getByRole('link', { name: 'Health Check' }).click();
    await page.waitForURL((u) => u.pathname === '/health');
    expect(await page.getByRole('status').textContent()).toContain('No report yet');

    await page.goto(`${stack.url}/health/${TARGET}`);
    await hydrated(page);
    await page.getByRole('button', { name: 'Run report now' }).click();
    await page.getByRole('status').filter({ hasText: 'Report started' }).waitFor();
    await waitFor(async () => (await stack.ctx.app.store.db.selectFrom('health_reports').select('id').executeTakeFirst()) !== undefined, 30_000, 'the report');
    await page.reload();
    await hydrated(page);

    // Grouped by category, worst first, with evidence, the rule's fix and a copy button.
    await page.getByRole('heading', { name: /^configuration \(\d+\)$/ }).waitFor();
    const fsync = page.locator('article').filter({ hasText: 'fsync off' });
    expect(await fsync.textContent()).toContain('fsync is off');
    await fsync.getByRole('button', { name: 'Copy fix for pg.config.fsync-off on fsync' }).waitFor();
    // The critical finding's alert (the default pack's health_finding rule), linked from the finding once it opened.
    const episode = await waitFor(
      async () => (await stack.ctx.app.store.db.selectFrom('alert_episodes').select(['id', 'labels']).where('target_id', '=', TARGET).execute()).find((e) => (e.labels as Record<string, string>).healthRuleId === 'pg.config.fsync-off'),
      30_000,
      'the fsync finding\'s alert',
    );
    await page.reload();
    await hydrated(page);
    expect(await page.locator('article').filter({ hasText: 'fsync off' }).getByRole('link', { name: /^alert (pending|firing)$/ }).getAttribute('href')).toBe(`/alerts/${episode.id}`);
    const hostile = page.locator('article').filter({ hasText: 'Tables without a primary key' });
    expect(await hostile.textContent()).toContain(IMG_NAME);
    expect(await page.evaluate(() => (globalThis as { __xss?: number }).__xss)).toBeUndefined();
    await screenshot(page, 'health-report');
    expect((await seriousA11yViolations(page)).map((v) => `${v.id}: ${v.help}`)).toEqual([]);

    await page.getByRole('link', { name: /^New since last report/ }).click();
    await page.waitForURL((u) => u.searchParams.get('show') === 'new');
    expect(await page.locator('article').count()).toBeGreaterThan(0);
    await page.getByRole('link', { name: /^Skipped/ }).click();
    await page.waitForURL((u) => u.searchParams.get('show') === 'skipped');
    expect(await page.locator('table').first().textContent()).toContain('host facts');
    await page.getByRole('link', { name: /^Changes since last report/ }).click();
    await page.waitForURL((u) => u.searchParams.get('show') === 'diff');
    expect(await page.locator('table').first().textContent()).toContain('new');

    await page.goto(`${stack.url}/health`);
    const row = page.locator('tr').filter({ hasText: TARGET });
    expect(await row.textContent()).toMatch(/postgresql/);
    await row.getByRole('img', { name: `score trend of ${TARGET}` }).waitFor();
    await screenshot(page, 'health-fleet');

    // The home page's fleet overview shows the score, linked to the report.
    await page.goto(`${stack.url}/`);
    const score = page.locator(`tr[data-target="${TARGET}"] td[data-col="health"]`);
    expect((await score.textContent())?.trim()).toMatch(/^\d+(\.\d)?$/);
    expect(await score.getByRole('link').getAttribute('href')).toBe(`/health/${TARGET}`);

    await page.goto(`${stack.url}/health/rules?engine=mysql`);
    const rules = await page.locator('tbody tr').count();
    expect(rules).toBeGreaterThanOrEqual(55);
    expect(await page.locator('tbody').textContent()).toContain('MySQLTuner');
    await page.close();
  }, 120_000);
});
