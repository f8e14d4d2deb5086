// The Alerts page in a browser on the real stack: a breaching payload posted to /v1/ingest opens an alert whose rule
// name and target come from hostile text; it is listed as active with inline actions, acknowledged from the list,
// its timeline shows who did it, and it is resolved and then listed in the history. No script from the text runs.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Browser, Page } from 'playwright-core';
import { insertAlertRule, insertEscalationPolicy } from '@logstag/store';
import { collectionPayload, postPayload, waitFor } from '../../api/test/context';
import { hydrated, launchBrowser, screenshot, seriousA11yViolations, signIn } from './support/browser';
import { IMG_NAME } from './support/xss-payloads';
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

async function ownerPage(): Promise<Page> {
  const page = await browser.newPage({ viewport: { width: 1280, height: 900 } });
  await signIn(page, stack.url, stack.org.ownerEmail, stack.org.ownerPassword);
  return page;
}

describe('Alerts', () => {
  it('lists an active alert with inline actions, acknowledges and resolves it, shows its timeline and history, escaping hostile text', async () => {
    const target = 'pg-alerts';
    await insertAlertRule(stack.ctx.app.store.db, stack.org.organizationId, {
      name: `Busy ${IMG_NAME}`,
      enabled: true,
      severity: 'critical',
      condition: { kind: 'threshold', metric: 'connections.used', comparator: '>', value: 50, forSeconds: 0, clearForSeconds: 60 },
      scope: { engines: [], targetIds: [target], tags: {} },
      summaryTemplate: '{{target}} has {{value}} connections',
      escalationPolicyId: null,
    });
    expect((await postPayload(stack.url, collectionPayload({ targetId: target, data: { connections: { total: 90, max_connections: 100 } } }), { key: stack.org.agentKey })).status).toBe(202);
    // The default pack's connections rule (90 % of the limit, for 60 s) opens on the same collection: pick ours.
    await waitFor(async () => (await stack.ctx.app.store.db.selectFrom('alert_episodes').select('status').where('target_id', '=', target).where('rule_name', '=', `Busy ${IMG_NAME}`).executeTakeFirst())?.status === 'firing', 30_000, 'alert firing');

    const page = await ownerPage();
    // The fleet overview counts the target's open alerts, coloured by the worst (ours is critical), linked to them.
    await page.goto(`${stack.url}/`);
    await hydrated(page);
    const openCell = page.locator(`tr[data-target="${target}"] td[data-col="alerts"]`);
    expect(Number(await openCell.textContent())).toBeGreaterThanOrEqual(1);
    expect(await openCell.getByRole('link').getAttribute('aria-label')).toMatch(/open alerts? on pg-alerts, worst critical$/);
    expect(await openCell.getByRole('link').getAttribute('href')).toBe(`/alerts?targetId=${target}`);
    // The target's own page lists them, the hostile rule name as text.
    await page.goto(`${stack.url}/databases/${target}`);
    await hydrated(page);
    expect(await page.getByRole('region', { name: 'Open alerts' }).textContent()).toContain(`Busy ${IMG_NAME}`);
    await page.getByRole('link', { name: 'Alerts', exact: true }).click();
    await page.waitForURL((u) => u.pathname === '/alerts');
    await hydrated(page);
    const active = page.getByRole('table', { name: 'Active alerts' });
    expect(await active.textContent()).toContain(`Busy ${IMG_NAME}`);
    expect(await active.textContent()).toContain(`${target} has 90 connections`);
    await screenshot(page, 'alerts');
    expect((await seriousA11yViolations(page)).map((v) => `${v.id}: ${v.help}`)).toEqual([]);

    const label = `Busy ${IMG_NAME} on ${target}`;
    await page.getByRole('button', { name: `Acknowledge ${label}` }).click();
    await page.getByRole('status').filter({ hasText: 'Acknowledged' }).waitFor();
    await waitFor(async () => {
      await page.reload();
      return (await active.textContent())?.includes('acknowledged');
    }, 15_000, 'acknowledged in the list');
    expect(await active.textContent()).toContain(`by user:${stack.org.ownerEmail}`);

    await active.getByRole('link', { name: `Busy ${IMG_NAME}` }).click();
    await page.waitForURL((u) => u.pathname.startsWith('/alerts/'));
    await hydrated(page);
    const timeline = page.getByRole('list', { name: 'Timeline' });
    expect(await timeline.textContent()).toMatch(/Firing[\s\S]*Acknowledged\s*by user:/);
    await page.getByRole('button', { name: `Resolve Busy ${IMG_NAME}` }).click();
    await page.getByRole('status').filter({ hasText: 'Resolved' }).waitFor();

    await page.goto(`${stack.url}/alerts?severity=critical`);
    await hydrated(page);
    await waitFor(async () => {
      await page.reload();
      return (await page.getByRole('table', { name: 'Alert history' }).textContent())?.includes('resolved');
    }, 15_000, 'resolved in the history');
    expect(await page.evaluate(() => (globalThis as { __xss?: number }).__xss)).toBeUndefined();
    expect(await page.locator('img[src="x"]').count()).toBe(0);
  }, 90_000);

  it('previews a new threshold rule over the last 24 hours before saving it, and simulates a policy minute by minute', async () => {
    await insertEscalationPolicy(stack.ctx.app.store.db, stack.org.organizationId, {
      name: 'Night shift',
      tiers: [
        { delaySeconds: 600, recipients: [{ kind: 'user', userId: 'u1', email: 'first@example.com' }] },
        { delaySeconds: 0, recipients: [{ kind: 'user', userId: 'u2', email: 'second@example.com' }] },
      ],
      repeat: 0,
      ackTimeoutSeconds: null,
      isDefault: false,
    });
    const page = await ownerPage();
    await page.goto(`${stack.url}/alerts/rules`);
    await hydrated(page);
    expect(await page.getByRole('table', { name: 'Alert rules' }).textContent()).toContain('Target silent');
    const editor = page.getByRole('form', { name: 'New threshold rule' });
    await editor.getByLabel('Name').fill('Busy preview');
    await editor.getByLabel('Value').fill('50');
    await editor.getByLabel('For (s)', { exact: true }).fill('0');
    await editor.getByLabel('Targets', { exact: false }).fill('pg-alerts');
    await editor.getByRole('button', { name: 'Preview 24 h' }).click();
    // The collection of the first test (90 connections on pg-alerts) is in the last 24 hours.
    await page.getByRole('status', { name: 'Preview' }).filter({ hasText: 'Would have opened 1 time' }).waitFor();
    expect(await editor.getByLabel('Name').inputValue()).toBe('Busy preview');
    await editor.getByRole('button', { name: 'Save rule' }).click();
    await page.getByRole('status').filter({ hasText: 'Rule "Busy preview" saved.' }).waitFor();
    expect(await page.getByRole('table', { name: 'Alert rules' }).textContent()).toContain('Busy preview');

    await page.getByRole('button', { name: 'Simulate Night shift' }).click();
    const sim = page.getByRole('status', { name: 'Simulation' });
    await sim.waitFor();
    expect(await sim.textContent()).toMatch(/minute 0: tier 1[^]*user:u1[^]*minute 10: tier 2[^]*user:u2/);
    expect((await seriousA11yViolations(page)).map((v) => `${v.id}: ${v.help}`)).toEqual([]);
  }, 60_000);
});
