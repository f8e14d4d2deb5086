import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Browser } from 'playwright-core';
import { launchBrowser, screenshot, signIn } from './support/browser';
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

describe('signing in and out', () => {
  it('sends a visitor without a session to the sign-in page and back to where they were going', async () => {
    const page = await browser.newPage();
    await page.goto(`${stack.url}/assets`);
    expect(new URL(page.url()).pathname).toBe('/login');
    await screenshot(page, 'login');
    await page.getByLabel('Email').fill(stack.org.ownerEmail);
    await page.getByLabel('Password').fill(stack.org.ownerPassword);
    await Promise.all([page.waitForURL((u) => u.pathname === '/assets'), page.getByRole('button', { name: 'Sign in' }).click()]);
    await expect(page.getByRole('navigation', { name: 'Product areas' }).textContent()).resolves.toContain('Audit Logs');
    await page.close();
  });

  it('shows the API’s reason and what to do when the password is wrong', async () => {
    const page = await browser.newPage();
    await page.goto(`${stack.url}/login`);
    await page.getByLabel('Email').fill(stack.org.ownerEmail);
    await page.getByLabel('Password').fill('not the password');
    await page.getByRole('button', { name: 'Sign in' }).click();
    const alert = page.getByRole('alert');
    await alert.waitFor();
    expect(await alert.textContent()).toMatch(/What to do/);
    expect(new URL(page.url()).pathname).toBe('/login');
    await page.close();
  });

  it('signs out: the session cookie is gone and explorer pages ask to sign in again', async () => {
    const context = await browser.newContext();
    const page = await context.newPage();
    await signIn(page, stack.url, stack.org.ownerEmail, stack.org.ownerPassword);
    expect((await context.cookies()).some((c) => c.name === 'logstag_session' && c.httpOnly)).toBe(true);
    await Promise.all([page.waitForURL((u) => u.pathname === '/login'), page.getByRole('button', { name: 'Sign out' }).click()]);
    expect((await context.cookies()).some((c) => c.name === 'logstag_session')).toBe(false);
    await page.goto(`${stack.url}/queries`);
    expect(new URL(page.url()).pathname).toBe('/login');
    await context.close();
  });
});
