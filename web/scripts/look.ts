// Opens pages of a running stack (see serve-stack.ts) signed in, and saves screenshots: `tsx web/scripts/look.ts <json> <out-dir> <path>...`.
import { launchBrowser, signIn } from '../test/support/browser';

const [json = '', out = '/tmp', ...paths] = process.argv.slice(2);
const { url, email, password } = JSON.parse(json) as { url: string; email: string; password: string };
const browser = await launchBrowser();
const page = await browser.newPage({ viewport: { width: 1280, height: 900 } });
page.on('console', (m) => m.type() === 'error' && console.log('console error:', m.text()));
page.on('pageerror', (e) => console.log('page error:', e.message));
await signIn(page, url, email, password);
for (const p of paths) {
  const res = await page.goto(`${url}${p}`);
  await page.waitForTimeout(500);
  const file = `${out}/${p.replace(/[^a-z0-9]+/gi, '_') || 'root'}.png`;
  await page.screenshot({ path: file, fullPage: true });
  console.log(p, res?.status(), file);
}
await browser.close();
