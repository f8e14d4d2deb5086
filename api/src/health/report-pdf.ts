import { chromium } from 'playwright-core';
import { ApiError } from '../http/api-error';

/** The host's Chromium (Debian's path unless LOGSTAG_CHROMIUM_PATH says otherwise); browsers are never downloaded. */
const chromiumPath = () => process.env.LOGSTAG_CHROMIUM_PATH ?? '/usr/bin/chromium';

/** Prints a standalone HTML document to PDF with Chromium, offline: the page has no script and loads nothing. */
export async function printPdf(html: string): Promise<Buffer> {
  let browser;
  try {
    browser = await chromium.launch({ executablePath: chromiumPath(), args: ['--no-sandbox', '--disable-gpu', '--disable-background-networking', '--no-first-run'] });
  } catch (err) {
    throw new ApiError(503, 'unavailable', `PDF printing needs Chromium at ${chromiumPath()} (set LOGSTAG_CHROMIUM_PATH): ${(err as Error).message.split('\n')[0]}`);
  }
  try {
    const page = await browser.newPage({ javaScriptEnabled: false });
    await page.route('**/*', (route) => (route.request().url().startsWith('data:') ? route.continue() : route.abort()));
    await page.setContent(html, { waitUntil: 'load' });
    return await page.pdf({ format: 'A4', printBackground: true, margin: { top: '12mm', bottom: '12mm', left: '10mm', right: '10mm' } });
  } finally {
    await browser.close();
  }
}
