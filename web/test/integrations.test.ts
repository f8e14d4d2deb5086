// The Integrations pages in a browser on the real stack: add a signed webhook, test-send it, see its health; a failed
// delivery (the receiver's hostile answer kept as text) listed with its attempts and replayed from the page.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Browser, Page } from 'playwright-core';
import { Webhook } from 'standardwebhooks';
import { newSigningSecret, notification, ok, startReceiver, type Receiver } from '@logstag/activities/delivery-testing';
import { scheduleIds, TASK_QUEUE, workflowIds, workflowTypes } from '@logstag/temporal/contracts';
import type { DeliveryResult } from '@logstag/schema';
import { listAlertRules, recordEpisode } from '@logstag/store';
import { waitFor } from '../../api/test/context';
import { hydrated, launchBrowser, screenshot, seriousA11yViolations, signIn } from './support/browser';
import { IMG_NAME, SCRIPT_QUERY } from './support/xss-payloads';
import { startWebStack, type WebStack } from './support/stack';

// The test receiver listens on loopback, which deliveries refuse unless allowlisted.
process.env.LOGSTAG_OUTBOUND_ALLOW = '127.0.0.0/8';

let stack: WebStack;
let browser: Browser;
let receiver: Receiver;

beforeAll(async () => {
  [stack, browser, receiver] = await Promise.all([startWebStack(), launchBrowser(), startReceiver()]);
});
afterAll(async () => {
  await browser?.close();
  await receiver?.close();
  await stack?.stop();
});

async function ownerPage(): Promise<Page> {
  const page = await browser.newPage({ viewport: { width: 1280, height: 900 } });
  await signIn(page, stack.url, stack.org.ownerEmail, stack.org.ownerPassword);
  return page;
}

describe('Integrations', () => {
  it('adds a signed webhook, test-sends it and shows its health; lists a failed delivery and replays it', async () => {
    const secret = newSigningSecret();
    const page = await ownerPage();
    await page.getByRole('link', { name: 'Integrations' }).click();
    await page.waitForURL((u) => u.pathname === '/integrations');
    await hydrated(page);

    const create = page.getByRole('form', { name: 'Add an integration' });
    await create.getByLabel('Kind').selectOption('webhook');
    await create.getByLabel('Name').fill('Ops hook');
    await create.getByLabel('URL').fill(receiver.url);
    await create.getByLabel('Signing secret', { exact: false }).first().fill(secret);
    await create.getByRole('button', { name: 'Add integration' }).click();
    await page.getByRole('status').filter({ hasText: 'Integration "Ops hook" added' }).waitFor();
    expect(await page.locator('table').textContent()).toContain('Ops hook');
    // The secret is never shown again.
    expect(await page.content()).not.toContain(secret.slice(6, 20));

    await page.getByRole('button', { name: 'Test send Ops hook' }).click();
    await page.getByRole('status').filter({ hasText: 'Test send: delivered' }).waitFor();
    const r = receiver.requests.at(-1)!;
    expect((new Webhook(secret).verify(r.body, r.headers as Record<string, string>) as { type: string }).type).toBe('alert.test');
    await page.reload();
    expect(await page.locator('table').textContent()).toContain('100 % in 7 days');
    await screenshot(page, 'integrations');
    expect((await seriousA11yViolations(page)).map((v) => `${v.id}: ${v.help}`)).toEqual([]);

    // A delivery the receiver refuses with hostile text, as the alert workflow would start it.
    const integration = await stack.ctx.app.store.db.selectFrom('integrations').select('id').where('name', '=', 'Ops hook').executeTakeFirstOrThrow();
    receiver.fallback = { kind: 'status', status: 400, body: `${IMG_NAME} ${SCRIPT_QUERY}` };
    const request = notification(stack.org.organizationId, integration.id);
    const result = (await stack.ctx.temporal.client.workflow.execute(workflowTypes.delivery, {
      workflowId: workflowIds.delivery(request.notificationId),
      taskQueue: TASK_QUEUE,
      args: [request],
    })) as DeliveryResult;
    expect(result.outcome).toBe('failed');
    receiver.fallback = ok();

    await page.goto(`${stack.url}/integrations/deliveries?status=failed`);
    await hydrated(page);
    const table = page.locator('table');
    await table.getByText('1', { exact: true }).first().click();
    const text = (await table.textContent()) ?? '';
    expect(text).toContain(request.notificationId);
    expect(text).toContain(IMG_NAME);
    expect(await page.locator('table img').count()).toBe(0);
    expect(await page.evaluate(() => (globalThis as { __xss?: number }).__xss)).toBeUndefined();
    await screenshot(page, 'integrations-failed-deliveries');
    expect((await seriousA11yViolations(page)).map((v) => `${v.id}: ${v.help}`)).toEqual([]);

    await page.getByRole('checkbox', { name: `Select delivery ${request.notificationId}` }).check();
    await page.getByRole('button', { name: 'Replay selected' }).click();
    await page.getByRole('status').filter({ hasText: '1 delivery replayed' }).waitFor();
    const replay = await waitFor(
      async () => stack.ctx.app.store.db.selectFrom('deliveries').selectAll().where('replay_of', '=', request.notificationId).where('status', '=', 'delivered').executeTakeFirst(),
      30_000,
      'the replay to be delivered',
    );
    expect(replay.idempotency_key).toBe(request.idempotencyKey);
    await page.close();
  });

  it('turns the daily end-to-end test on and shows, beside each integration’s health, when its last test worked; a 410 Gone is told at the top', async () => {
    const page = await ownerPage();
    await page.goto(`${stack.url}/integrations`);
    await hydrated(page);
    // Opsgenie is marked legacy where it is chosen.
    await page.getByRole('form', { name: 'Add an integration' }).getByLabel('Kind').selectOption('opsgenie');
    await page.getByText('Opsgenie is legacy: Atlassian ends Opsgenie support on 2027-04-05.').waitFor();

    const form = page.getByRole('form', { name: 'Daily end-to-end test' });
    await form.getByLabel('Send a daily end-to-end test').check();
    await form.getByLabel('Hour').fill('5');
    await form.getByLabel('Time zone').fill('Europe/Paris');
    await form.getByRole('button', { name: 'Save test schedule' }).click();
    await page.getByRole('status').filter({ hasText: 'Daily end-to-end test on: every day at 05:00 Europe/Paris.' }).waitFor();

    // The Schedule fires now rather than at 05:00.
    await stack.ctx.temporal.client.schedule.getHandle(scheduleIds.integrationE2eTest(stack.org.organizationId)).trigger();
    await waitFor(
      async () => stack.ctx.app.store.db.selectFrom('integration_e2e_results').selectAll().where('organization_id', '=', stack.org.organizationId).executeTakeFirst(),
      30_000,
      'the end-to-end result',
    );
    await page.reload();
    await hydrated(page);
    const row = page.locator('tbody tr', { hasText: 'Ops hook' });
    expect(((await row.textContent()) ?? '').replace(/\s+/g, ' ')).toMatch(/Last end-to-end test: [^:]+ ok\b/);

    // A receiver answering 410 Gone turns its integration off, and the page tells the Admins at the top.
    const integration = await stack.ctx.app.store.db.selectFrom('integrations').select('id').where('name', '=', 'Ops hook').executeTakeFirstOrThrow();
    receiver.script({ kind: 'status', status: 410, body: 'gone' });
    const request = notification(stack.org.organizationId, integration.id);
    const result = (await stack.ctx.temporal.client.workflow.execute(workflowTypes.delivery, { workflowId: workflowIds.delivery(request.notificationId), taskQueue: TASK_QUEUE, args: [request] })) as DeliveryResult;
    expect(result.outcome).toBe('integration_disabled');
    await page.reload();
    await hydrated(page);
    expect(await page.getByRole('alert').filter({ hasText: '410 Gone' }).textContent()).toContain('Ops hook');

    // The alert's page lists its episode's deliveries with every attempt (here the episode is stored as the alert
    // workflow would have stored it).
    const db = stack.ctx.app.store.db;
    const rule = (await listAlertRules(db, stack.org.organizationId))[0]!;
    const t = new Date().toISOString();
    await recordEpisode(
      db,
      { id: request.episodeId, organizationId: stack.org.organizationId, fingerprint: `${rule.id}:pg-e2e`, workflowId: `alert:${stack.org.organizationId}:${rule.id}:pg-e2e`, ruleId: rule.id, ruleName: rule.name, targetId: 'pg-e2e', agentId: null, labels: {}, status: 'resolved', severity: 'critical', summary: 'gone', values: {}, startedAt: t, firingAt: t, acknowledgedAt: null, acknowledgedBy: null, snoozedUntil: null, resolvedAt: t, resolveReason: 'resolved', updatedAt: t },
      [],
    );
    await page.goto(`${stack.url}/alerts/${encodeURIComponent(request.episodeId)}`);
    await hydrated(page);
    const deliveries = page.locator('table.deliveries');
    await deliveries.locator('summary').first().click();
    const text = (await deliveries.textContent()) ?? '';
    expect(text).toContain(request.notificationId);
    expect(text).toMatch(/gone · 410/);
    await page.close();
  });
});
