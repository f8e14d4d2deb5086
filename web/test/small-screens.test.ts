// Issue 14, "Phone and tablet" and "Small": at 390 px the navigation folds behind a menu button, no page scrolls
// sideways and tables scroll inside their box; every page is screenshotted at 1440×900 and 390×844 (test artifacts in
// screenshots/web: wide-*.png, phone-*.png). And the small things: names in the audit log, no role change offered for
// the last Account Owner, an uncut search placeholder, "1 agent on 1 host", renaming the organization from Admin.
// Real Chromium, the real stack, the real agent watching the local PostgreSQL.
import { randomUUID } from 'node:crypto';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Browser, BrowserContext, Page } from 'playwright-core';
import type { RunningAgent } from '@logstag/agent';
import { waitFor } from '../../api/test/context';
import { startTestAgent } from './support/agent';
import { hydrated, launchBrowser, screenshot, seriousA11yViolations, signIn } from './support/browser';
import { chartGeometry, expectReadableChart } from './support/chart-geometry';
import { apiCall, apiSignIn, type ApiSession } from './support/session';
import { startWebStack, type WebStack } from './support/stack';

const ADMIN_URL = process.env.LOGSTAG_TEST_PG_URL ?? 'postgres://postgres:logstag-test@127.0.0.1:55432/postgres';
const RUN = randomUUID().slice(0, 8);
const DATABASE = `logstag_small_${RUN}`;
const PG_URL = Object.assign(new URL(ADMIN_URL), { pathname: `/${DATABASE}` }).toString();
const UUID = /[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}/i;

let stack: WebStack;
let browser: Browser;
let agent: RunningAgent;
let owner: ApiSession;
let member: { email: string; password: string };
let wide: BrowserContext;
let phone: BrowserContext;
const admin = new pg.Client(ADMIN_URL);

/** Every page of the dashboard, as an operator reaches them. */
const PAGES: Array<[name: string, path: string]> = [
  ['overview', '/'],
  ['health', '/health'],
  ['health-rules', '/health/rules'],
  ['alerts', '/alerts'],
  ['alert-rules', '/alerts/rules'],
  ['databases', '/databases'],
  ['database-target', '/databases/pg-local'],
  ['activity', '/activity?target=pg-local'],
  ['queries', '/queries?target=pg-local'],
  ['schema', '/schema?target=pg-local'],
  ['settings', '/settings?target=pg-local'],
  ['assets', '/assets'],
  ['integrations', '/integrations'],
  ['deliveries', '/integrations/deliveries'],
  ['audit', '/audit'],
  ['admin', '/admin'],
  ['admin-roles', '/admin/roles'],
  ['admin-agent-keys', '/admin/agent-keys'],
  ['admin-payloads', '/admin/payloads'],
];

async function signedInContext(width: number, height: number): Promise<BrowserContext> {
  const context = await browser.newContext({ viewport: { width, height } });
  await signIn(await context.newPage(), stack.url, stack.org.ownerEmail, stack.org.ownerPassword);
  return context;
}

beforeAll(async () => {
  await admin.connect();
  await admin.query(`create database ${DATABASE}`);
  [stack, browser] = await Promise.all([startWebStack(), launchBrowser()]);
  const db = new pg.Client(PG_URL);
  await db.connect();
  await db.query('create extension if not exists pg_stat_statements');
  // A table with a long name and a wide row: what makes tables wider than a phone.
  await db.query(`create table orders_with_a_rather_long_descriptive_name_${RUN} (id serial primary key, customer_reference_code text, total numeric)`);
  await db.end();
  agent = await startTestAgent(stack.url, stack.org.agentKey, [{ name: 'pg-local', url: PG_URL, engine: 'postgresql', databases: [DATABASE] }], 'small-screens-agent');
  owner = await apiSignIn(stack.url, stack.org.ownerEmail, stack.org.ownerPassword);
  // A second user (a member), so the Admin page has a role to offer and one to withhold.
  const email = `member-${RUN}@example.com`;
  const invited = await apiCall<{ token: string }>(stack.url, owner, 'POST', '/api/invitations', { email, role: 'member' });
  member = { email, password: `pw-${randomUUID()}` };
  expect((await apiCall(stack.url, owner, 'POST', '/api/invitations/accept', { token: invited.body.token, name: 'Mia Member', password: member.password })).status).toBe(201);
  const get = async <T>(path: string) => (await apiCall<T>(stack.url, owner, 'GET', path)).body;
  await waitFor(async () => (await get<{ items?: unknown[] }>('/api/explorer/assets/agents')).items?.length, 60_000, 'an agent heartbeat');
  await waitFor(async () => (await get<{ items?: unknown[] }>('/api/explorer/schema/pg-local/objects?type=table&limit=1')).items?.length, 60_000, 'a schema snapshot');
  await waitFor(async () => (await get<{ series?: Array<{ points: unknown[] }> }>('/api/explorer/databases/pg-local/series?metric=transactions.commits')).series?.some((s) => s.points.length >= 2), 60_000, 'two buckets of commits');
  [wide, phone] = await Promise.all([signedInContext(1440, 900), signedInContext(390, 844)]);
}, 180_000);

afterAll(async () => {
  await agent?.stop();
  await admin.query(`drop database if exists ${DATABASE} with (force)`).catch(() => undefined);
  await admin.end().catch(() => undefined);
  await browser?.close();
  await stack?.stop();
});

async function visit(p: Page, path: string): Promise<void> {
  const res = await p.goto(`${stack.url}${path}`);
  expect(res?.status(), path).toBe(200);
  await hydrated(p);
}

/** How far the page scrolls sideways, and each table whose shown box reaches past the screen's right edge. */
async function overflow(p: Page): Promise<{ scrollWidth: number; clientWidth: number; tablesPastEdge: string[] }> {
  return (await p.evaluate(`(() => ({
    scrollWidth: document.documentElement.scrollWidth,
    clientWidth: document.documentElement.clientWidth,
    tablesPastEdge: Array.from(document.querySelectorAll('main table')).filter((t) => {
      // What shows of a table is its own box or that of the nearest box scrolling it.
      let box = t;
      while (box && !['auto', 'scroll', 'hidden'].includes(getComputedStyle(box).overflowX)) box = box.parentElement;
      return (box || t).getBoundingClientRect().right > document.documentElement.clientWidth + 0.5;
    }).map((t) => (t.querySelector('th') || t).textContent.trim().slice(0, 40)),
  }))()`)) as { scrollWidth: number; clientWidth: number; tablesPastEdge: string[] };
}

describe('phone and tablet', () => {
  it('at 390 px every page fits the screen: the navigation behind a menu button, wide tables scrolling inside their box', async () => {
    const p = await phone.newPage();
    for (const [name, path] of PAGES) {
      await visit(p, path);
      await screenshot(p, `phone-${name}`);
      const o = await overflow(p);
      expect(o.scrollWidth, `${path} scrolls sideways`).toBeLessThanOrEqual(390);
      expect(o.tablesPastEdge, `${path}: tables past the screen's edge`).toEqual([]);
      expect(await p.getByRole('navigation', { name: 'Product areas' }).isVisible(), `${path}: navigation folded`).toBe(false);
      expect(await p.getByRole('button', { name: 'Menu' }).isVisible(), `${path}: menu button`).toBe(true);
      // The pages this work changed most: no serious accessibility problem at phone width either.
      if (['database-target', 'admin', 'audit', 'assets'].includes(name)) {
        const violations = await seriousA11yViolations(p);
        expect(violations.map((v) => `${v.id}: ${v.help} at ${v.nodes.map((n) => n.target.join(' ')).join(', ')}`), `axe on ${path}`).toEqual([]);
      }
    }
    await p.close();
  });

  it('the menu button opens the navigation, and following a link folds it again', async () => {
    const p = await phone.newPage();
    await visit(p, '/databases');
    const menu = p.getByRole('button', { name: 'Menu' });
    expect(await menu.getAttribute('aria-expanded')).toBe('false');
    await menu.click();
    expect(await menu.getAttribute('aria-expanded')).toBe('true');
    const nav = p.getByRole('navigation', { name: 'Product areas' });
    expect(await nav.isVisible()).toBe(true);
    await screenshot(p, 'phone-menu-open');
    expect((await overflow(p)).scrollWidth).toBeLessThanOrEqual(390);
    await Promise.all([p.waitForURL((u) => u.pathname === '/queries'), nav.getByRole('link', { name: 'Queries' }).click()]);
    await nav.waitFor({ state: 'hidden' });
    expect(await menu.getAttribute('aria-expanded')).toBe('false');
    await p.close();
  });

  it('a wide table scrolls inside its box at 390 px, the page does not', async () => {
    const p = await phone.newPage();
    await visit(p, '/databases');
    const scroll = (await p.evaluate(`(() => {
      const t = document.querySelector('main table.data');
      return { sw: t.scrollWidth, cw: t.clientWidth, overflowX: getComputedStyle(t).overflowX };
    })()`)) as { sw: number; cw: number; overflowX: string };
    expect(scroll.overflowX).toBe('auto');
    expect(scroll.sw, 'the inventory is wider than a phone').toBeGreaterThan(scroll.cw);
    expect((await overflow(p)).scrollWidth).toBeLessThanOrEqual(390);
    await p.close();
  });

  it('charts at 390 px: round ticks, time labels apart, all inside their cards', async () => {
    const p = await phone.newPage();
    await visit(p, '/databases/pg-local');
    const geometry = await chartGeometry(p);
    expect(geometry.length).toBeGreaterThan(3);
    for (const g of geometry) if (g.points > 0) expectReadableChart(g, 'phone');
    await p.close();
  });

  it('at 1440 px every page shows the sidebar, no menu button, and no sideways scroll', async () => {
    const p = await wide.newPage();
    for (const [name, path] of PAGES) {
      await visit(p, path);
      await screenshot(p, `wide-${name}`);
      expect((await overflow(p)).scrollWidth, `${path} scrolls sideways`).toBeLessThanOrEqual(1440);
      expect(await p.getByRole('navigation', { name: 'Product areas' }).isVisible(), path).toBe(true);
      expect(await p.getByRole('button', { name: 'Menu' }).isVisible(), path).toBe(false);
    }
    // The home page's every column is in view at 1440 px: the open alerts and the health score were past the card's
    // right edge, behind a sideways scroll an operator does not think of.
    await visit(p, '/');
    const fleet = (await p.evaluate(`(() => { const box = document.querySelector('table.fleet').parentElement; return { sw: box.scrollWidth, cw: box.clientWidth }; })()`)) as { sw: number; cw: number };
    expect(fleet.sw, 'the fleet table scrolls inside its card at 1440 px').toBeLessThanOrEqual(fleet.cw);
    const signedOut = await browser.newPage({ viewport: { width: 390, height: 844 } });
    await signedOut.goto(`${stack.url}/login`);
    await screenshot(signedOut, 'phone-login');
    expect((await overflow(signedOut)).scrollWidth).toBeLessThanOrEqual(390);
    await signedOut.close();
    await p.close();
  });
});

describe('small things', () => {
  it('the last Account Owner is offered no role change and no removal; the member is', async () => {
    const p = await wide.newPage();
    await visit(p, '/admin');
    const ownerRow = p.locator('tbody tr', { hasText: stack.org.ownerEmail });
    expect(await ownerRow.locator('select').count()).toBe(0);
    expect(await ownerRow.getByRole('button').count()).toBe(0);
    expect(await ownerRow.textContent()).toMatch(/Account Owner · the only one/);
    const memberRow = p.locator('tbody tr', { hasText: member.email });
    expect(await memberRow.getByLabel(`Role of ${member.email}`).count()).toBe(1);
    await p.close();
  });

  it('the organization is renamed from Admin, the header follows and the audit log records it; a member may not', async () => {
    const p = await wide.newPage();
    await visit(p, '/admin');
    const name = `Acme Renamed ${RUN}`;
    await p.getByLabel('Organization name').fill(name);
    await p.getByRole('button', { name: 'Rename' }).click();
    await p.getByRole('status').filter({ hasText: `Organization renamed to ${name}.` }).waitFor();
    expect(await p.locator('header .org').textContent()).toBe(name);
    const session = await apiSignIn(stack.url, member.email, member.password);
    expect((await apiCall(stack.url, session, 'PATCH', '/api/organization', { name: 'Not allowed' })).status).toBe(403);
    const memberPage = await browser.newPage();
    await signIn(memberPage, stack.url, member.email, member.password);
    await visit(memberPage, '/admin');
    expect(await memberPage.getByLabel('Organization name').count()).toBe(0);
    expect(await memberPage.locator('main').textContent()).toContain(`${name} · only an Account Owner can rename it`);
    await memberPage.close();
    await visit(p, '/audit?action=organization.settings_changed');
    const row = p.locator('tbody tr').first();
    expect(await row.textContent()).toContain(`organization ${name}`);
    expect(await row.textContent()).toContain('"name":"Acme Ops"');
    await p.close();
  });

  it('the audit log names its actors and objects instead of showing UUIDs', async () => {
    const p = await wide.newPage();
    await visit(p, '/audit');
    const objects = await p.locator('tbody tr td:nth-child(4)').allTextContents();
    const actors = await p.locator('tbody tr td:nth-child(2)').allTextContents();
    expect(objects.length).toBeGreaterThan(2);
    // (The test's users have UUIDs in their addresses: only what is outside <…> counts.)
    for (const o of objects) expect(o.replace(/<[^>]*>/g, ''), 'object cell').not.toMatch(UUID);
    expect(objects).toContain('agent key test agent');
    expect(objects).toContain(`invitation ${member.email}`);
    expect(actors.some((a) => a === `Owner <${stack.org.ownerEmail}>`)).toBe(true);
    await p.close();
  });

  it('the Database Explorer’s search shows its whole placeholder, and Assets counts in the singular', async () => {
    const p = await wide.newPage();
    await visit(p, '/databases');
    const measured = (await p.evaluate(`(() => {
      const input = document.querySelector('input[type=search]');
      const s = getComputedStyle(input);
      const ctx = document.createElement('canvas').getContext('2d');
      ctx.font = s.font;
      return { text: ctx.measureText(input.placeholder).width, room: input.clientWidth - parseFloat(s.paddingLeft) - parseFloat(s.paddingRight) };
    })()`)) as { text: number; room: number };
    expect(measured.text).toBeGreaterThan(100);
    expect(measured.text, 'placeholder width against the room inside the input').toBeLessThanOrEqual(measured.room);
    await visit(p, '/assets');
    expect(await p.locator('main').textContent()).toContain('1 agent on 1 host monitoring 1 target.');
    await p.close();
  });
});
