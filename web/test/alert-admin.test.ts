// The Alerts area's administration pages in a browser on the real stack (issue 15): an Admin builds an escalation
// policy of two tiers and sees in the simulator the minute tier 2 is notified, adds a silence, sees it listed, ends it
// early and finds it among the ended ones, adds a weekly maintenance window in Europe/Berlin and sees its next
// occurrence; refused values show next to their field; a Member reads all three pages without any control to change
// them. Hostile text (a policy name) stays text. Screenshots at 1440×900 and 390×844.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Browser, Page } from 'playwright-core';
import { insertSilence } from '@logstag/store';
import { orgWithRoles, type OrgWithRoles } from '../../api/test/accounts-fixtures';
import { hydrated, launchBrowser, screenshot, seriousA11yViolations, signIn } from './support/browser';
import { startWebStack, type WebStack } from './support/stack';
import { IMG_NAME } from './support/xss-payloads';

let stack: WebStack;
let browser: Browser;
let org: OrgWithRoles;

beforeAll(async () => {
  [stack, browser] = await Promise.all([startWebStack(), launchBrowser()]);
  org = await orgWithRoles(stack.ctx, 'Alert admins');
});
afterAll(async () => {
  await browser?.close();
  await stack?.stop();
});

async function signedIn(role: 'admin' | 'member'): Promise<Page> {
  const page = await browser.newPage({ viewport: { width: 1440, height: 900 } });
  await signIn(page, stack.url, org.emails[role], org.passwords[role]);
  return page;
}

/** Both sizes an on-call engineer uses: the desk and the phone. */
async function screenshots(page: Page, name: string): Promise<void> {
  await screenshot(page, name);
  await page.setViewportSize({ width: 390, height: 844 });
  await screenshot(page, `${name}-mobile`);
  // Nothing on the page is wider than the phone's screen except inside its scrolling tables.
  const overflow = await page.evaluate(() => {
    const doc = (globalThis as unknown as { document: { documentElement: { scrollWidth: number; clientWidth: number } } }).document.documentElement;
    return doc.scrollWidth - doc.clientWidth;
  });
  await page.setViewportSize({ width: 1440, height: 900 });
  expect(overflow, `${name} scrolls sideways on a phone`).toBeLessThanOrEqual(0);
}

const status = (page: Page, text: string) => page.getByRole('status').filter({ hasText: text }).waitFor();
const noScript = async (page: Page) => {
  expect(await page.evaluate(() => (globalThis as { __xss?: number }).__xss)).toBeUndefined();
  expect(await page.locator('img[src="x"]').count()).toBe(0);
};

// Europe/Berlin dates computed here with Intl alone, not with the code under test.
const berlinDate = (ms: number) => new Intl.DateTimeFormat('en-CA', { timeZone: 'Europe/Berlin', year: 'numeric', month: '2-digit', day: '2-digit' }).format(ms);
const berlinClock = (ms: number) => new Intl.DateTimeFormat('en-GB', { timeZone: 'Europe/Berlin', hour: '2-digit', minute: '2-digit', hourCycle: 'h23' }).format(ms);
const addDays = (date: string, n: number) => new Date(Date.parse(`${date}T00:00:00Z`) + n * 86_400_000).toISOString().slice(0, 10);

describe('Alerts administration', () => {
  const policyName = `Database on-call ${IMG_NAME}`;

  it('an Admin builds a two-tier escalation policy, sees the minute tier 2 is notified in the simulator, and saves it', async () => {
    const page = await signedIn('admin');
    await page.goto(`${stack.url}/alerts`);
    await hydrated(page);
    await page.getByRole('navigation', { name: 'Alerts sections' }).getByRole('link', { name: 'Escalation policies' }).click();
    await page.waitForURL((u) => u.pathname === '/alerts/policies');
    await hydrated(page);

    const editor = page.getByRole('form', { name: 'New escalation policy' });
    await editor.getByLabel('Name', { exact: true }).fill(policyName);
    const tier1 = editor.getByRole('group', { name: 'Tier 1', exact: true });
    await tier1.getByLabel(`admin user <${org.emails.admin}>`).check();
    await tier1.getByRole('spinbutton', { name: /Then wait/ }).fill('5');
    await editor.getByRole('button', { name: 'Add tier' }).click();
    const tier2 = editor.getByRole('group', { name: 'Tier 2', exact: true });
    await tier2.getByLabel(`member user <${org.emails.member}>`).check();
    await tier2.getByRole('spinbutton', { name: /Then wait/ }).fill('15');
    await editor.locator('select[name=severity]').selectOption('warning');
    await editor.getByLabel('Fires at (UTC)').fill('2026-12-07T03:00');
    await editor.getByRole('button', { name: 'Simulate' }).click();

    const sim = page.getByRole('table', { name: 'Simulation' });
    await sim.waitFor();
    const second = sim.locator('tr[data-tier="2"]');
    expect(await second.getAttribute('data-minute')).toBe('5');
    expect(await second.textContent()).toMatch(/^\s*5\s*03:05\s*Tier 2\s*escalation/);
    expect(await second.textContent()).toContain(`member user <${org.emails.member}>`);
    expect(await sim.locator('tr[data-tier="1"]').textContent()).toContain(`admin user <${org.emails.admin}>`);
    // Minutes 1–4: nobody new; after tier 2 nobody else (no repeat).
    expect(await sim.textContent()).toMatch(/1–4\s*03:01–03:04\s*nobody new/);
    expect(await sim.textContent()).toMatch(/6\+\s*03:06 on\s*nobody else/);
    expect(await page.getByRole('region', { name: /^Simulation:/ }).textContent()).toContain('warning');
    // The draft is kept after simulating.
    expect(await editor.getByLabel('Name', { exact: true }).inputValue()).toBe(policyName);
    await screenshots(page, 'alerts-policies-simulation');

    await editor.getByRole('button', { name: 'Save policy' }).click();
    await status(page, `Escalation policy "${policyName}" saved.`);
    const card = page.getByRole('list', { name: 'Escalation policies' }).getByRole('listitem', { name: policyName });
    expect(await card.textContent()).toMatch(new RegExp(`Tier 1: admin user <${org.emails.admin}>\\s*— then 5 min\\s*Tier 2: member user <${org.emails.member}>\\s*— then 15 min`));
    const stored = (await org.clients.admin.get('/api/escalation-policies')).body.items as Array<{ name: string; tiers: Array<{ delaySeconds: number; recipients: Array<{ kind: string; userId?: string; email?: string }> }> }>;
    expect(stored.find((p) => p.name === policyName)?.tiers).toEqual([
      { delaySeconds: 300, recipients: [{ kind: 'user', userId: org.userIds.admin, email: org.emails.admin }] },
      { delaySeconds: 900, recipients: [{ kind: 'user', userId: org.userIds.member, email: org.emails.member }] },
    ]);
    expect(await editor.getByLabel('Name', { exact: true }).inputValue()).toBe('');
    await screenshots(page, 'alerts-policies');
    expect((await seriousA11yViolations(page)).map((v) => `${v.id}: ${v.help}`)).toEqual([]);

    // Editing it starts from what is stored, recipients and waits included.
    await card.getByRole('link', { name: `Edit ${policyName}` }).click();
    const edit = page.getByRole('form', { name: `Edit escalation policy ${policyName}` });
    const wait2 = edit.getByRole('group', { name: 'Tier 2', exact: true }).getByRole('spinbutton', { name: /Then wait/ });
    expect(await wait2.inputValue()).toBe('15');
    expect(await edit.getByRole('group', { name: 'Tier 2', exact: true }).getByLabel(`member user <${org.emails.member}>`).isChecked()).toBe(true);
    await wait2.fill('20');
    await edit.getByRole('button', { name: 'Save changes' }).click();
    await status(page, `Escalation policy "${policyName}" saved.`);
    expect(await card.textContent()).toContain('— then 20 min');
    expect(await card.textContent()).toContain(`Tier 1: admin user <${org.emails.admin}>`);
    await noScript(page);
    await page.close();
  }, 45_000);

  it('an Admin adds a silence, sees it active, ends it early and finds it among the ended; an end in the past is refused next to its field', async () => {
    const page = await signedIn('admin');
    await page.goto(`${stack.url}/alerts/silences`);
    await hydrated(page);
    const editor = page.getByRole('form', { name: 'New silence' });
    await editor.getByLabel('Targets').fill('pg-orders-1, pg-orders-2');
    await editor.getByLabel('Tags').fill('env=prod');
    await editor.getByLabel('Reason').fill('failover drill');
    await editor.locator('select[name=duration]').selectOption('custom');
    await editor.getByLabel('Ends at (UTC)').fill('2020-01-01T00:00');
    await editor.getByRole('button', { name: 'Add silence' }).click();
    await page.getByRole('alert').filter({ hasText: 'Some values need correcting.' }).waitFor();
    expect(await page.locator('#issue-ends').textContent()).toContain('must be in the future');
    expect(await page.getByRole('list', { name: 'Values to correct' }).textContent()).toContain('Ends: must be in the future');
    expect(await editor.getByLabel('Reason').inputValue()).toBe('failover drill');

    await editor.locator('select[name=duration]').selectOption('120');
    await editor.getByRole('button', { name: 'Add silence' }).click();
    await status(page, 'Silence added until');
    const active = page.getByRole('table', { name: 'Active silences' });
    const row = active.getByRole('row').filter({ hasText: 'failover drill' });
    expect(await row.textContent()).toMatch(/targets\s*pg-orders-1, pg-orders-2\s*tags\s*env=prod\s*failover drill/);
    expect(await row.textContent()).toContain(org.emails.admin);
    expect(await row.textContent()).toContain('in 2 hours');
    await screenshots(page, 'alerts-silences');

    await row.getByRole('button', { name: 'Expire silence failover drill now' }).click();
    await status(page, 'Silence "failover drill" ended.');
    expect(await page.getByRole('table', { name: 'Active silences' }).count()).toBe(0);
    const endedTable = page.getByRole('table', { name: 'Ended silences' });
    expect(await endedTable.getByRole('row').filter({ hasText: 'failover drill' }).textContent()).toContain('ended early');
    // One that ran to its end (yesterday) is listed as such, after the one ended just now.
    await insertSilence(stack.ctx.app.store.db, org.organizationId, { matchers: { ruleIds: [], targetIds: ['pg-reports'], tags: {} }, reason: 'reindex night', createdBy: org.emails.admin, startsAt: new Date(Date.now() - 26 * 3600_000), endsAt: new Date(Date.now() - 24 * 3600_000) });
    await page.reload();
    await hydrated(page);
    const rows = await endedTable.locator('tbody tr').allTextContents();
    expect(rows).toHaveLength(2);
    expect(rows[0]).toContain('failover drill');
    expect(rows[1]).toMatch(/target\s*pg-reports\s*reindex night[^]*ran out/);
    expect((await seriousA11yViolations(page)).map((v) => `${v.id}: ${v.help}`)).toEqual([]);
    await page.close();
  }, 30_000);

  it('an Admin adds a weekly maintenance window in Europe/Berlin and sees its next occurrence; a malformed RRULE is refused next to its field', async () => {
    const today = berlinDate(Date.now());
    const first = addDays(today, -6);
    const next = addDays(today, 1);
    const weekday = new Date(`${next}T00:00:00Z`).getUTCDay();
    const day = ['Sun', 'Mon', 'Tue', 'Wed', 'Thu', 'Fri', 'Sat'][weekday]!;
    // 02:00 in Berlin is 01:00 UTC in winter, 00:00 in summer.
    const nextUtc = [1, 0].map((h) => Date.parse(`${next}T0${h}:00:00Z`)).find((ms) => berlinClock(ms) === '02:00')!;

    const page = await signedIn('admin');
    await page.goto(`${stack.url}/alerts/maintenance`);
    await hydrated(page);
    const editor = page.getByRole('form', { name: 'New maintenance window' });
    await editor.getByLabel('Name', { exact: true }).fill('Weekly patching');
    await editor.getByLabel('Starts').fill(`${first}T02:00`);
    await editor.locator('select[name=timeZone]').selectOption('Europe/Berlin');
    await editor.getByLabel('Duration (minutes)').fill('120');
    await editor.getByLabel('Tags').fill('env=prod');
    await editor.getByLabel('Custom RRULE').check();
    await editor.getByLabel(/^RRULE/).fill('FREQ=SOMETIMES');
    await editor.getByRole('button', { name: 'Add maintenance window' }).click();
    await page.getByRole('alert').filter({ hasText: 'Some values need correcting.' }).waitFor();
    expect(await page.locator('#issue-rrule').textContent()).toContain('an RRULE such as FREQ=WEEKLY;BYDAY=SU');
    expect(await editor.getByLabel(/^RRULE/).getAttribute('aria-invalid')).toBe('true');
    await screenshots(page, 'alerts-maintenance-refused');

    await editor.getByLabel('Weekly on…').check();
    await editor.getByRole('group', { name: 'Days of the week' }).getByLabel(day).check();
    await editor.getByRole('button', { name: 'Add maintenance window' }).click();
    await status(page, 'Maintenance window "Weekly patching" added.');
    const card = page.getByRole('list', { name: 'Maintenance windows' }).getByRole('listitem', { name: 'Weekly patching' });
    expect(await card.textContent()).toContain(`Every ${day} at 02:00, for 2 h, from ${first}`);
    expect(await card.textContent()).toMatch(/tags\s*env=prod/);
    const nextCell = card.locator('.next');
    expect(await nextCell.getAttribute('data-next')).toBe(new Date(nextUtc).toISOString());
    expect(await nextCell.textContent()).toContain(`${day} ${next} 02:00 Europe/Berlin`);
    expect(await nextCell.textContent()).toContain(`${new Date(nextUtc).toISOString().slice(0, 16).replace('T', ' ')} UTC`);
    await screenshots(page, 'alerts-maintenance');
    expect((await seriousA11yViolations(page)).map((v) => `${v.id}: ${v.help}`)).toEqual([]);
    await page.close();
  }, 30_000);

  it('a Member reads policies, silences and maintenance windows without any control to change them', async () => {
    const page = await signedIn('member');
    await page.goto(`${stack.url}/alerts/policies`);
    await hydrated(page);
    expect(await page.getByRole('list', { name: 'Escalation policies' }).getByRole('listitem', { name: policyName }).count()).toBe(1);
    expect(await page.getByRole('form').count()).toBe(0);
    expect(await page.getByRole('button', { name: /Edit|Remove|Save|Simulate/ }).count()).toBe(0);
    expect(await page.getByRole('link', { name: `Edit ${policyName}` }).count()).toBe(0);
    expect(await page.textContent('main')).toContain('Admins change escalation policies; your role can read them.');
    await screenshots(page, 'alerts-policies-member');
    await noScript(page);

    await page.goto(`${stack.url}/alerts/silences`);
    await hydrated(page);
    expect(await page.getByRole('table', { name: 'Ended silences' }).textContent()).toContain('failover drill');
    expect(await page.getByRole('form').count()).toBe(0);
    expect(await page.getByRole('button', { name: /Expire|Add/ }).count()).toBe(0);

    await page.goto(`${stack.url}/alerts/maintenance`);
    await hydrated(page);
    expect(await page.getByRole('listitem', { name: 'Weekly patching' }).count()).toBe(1);
    expect(await page.getByRole('form').count()).toBe(0);
    expect(await page.getByRole('button', { name: /Remove|Add/ }).count()).toBe(0);
    await page.close();
  }, 30_000);
});
