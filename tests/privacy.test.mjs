// Privacy: during a full session the page requests nothing but its own
// files; the page's Content-Security-Policy forbids the rest; file names
// and attributes reach the page only as text.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { startBrowser, ready, assertNoErrors, blobInPage } from './helpers.mjs';
import { makeFixtures } from './fixtures.mjs';

let browser;
let fx;
before(async () => {
  fx = makeFixtures();
  browser = await startBrowser();
});
after(async () => browser?.close());

test('a full session requests only the app\'s own files', async () => {
  const page = await browser.open();
  await ready(page);
  const el = 'smp-visualiser';
  await page.locator(`${el} input.photo-file`).setInputFiles(fx.skin);
  await page.locator(`${el} .work`).waitFor({ state: 'visible' });
  await page.evaluate(async () => {
    const v = document.querySelector('smp-visualiser');
    await v.loadSample();
    await v.autoRegion();
    await v.setSettings({ densityPerCm2: 120, mode: 'full', healing: 'fresh' });
    v.zoom = { scale: 4, x: 0.5, y: 0.5 };
    await v.exportImage({ layout: 'side-by-side' });
    await v.applyPreset('After 5 years');
    v.savePreset('Mine');
  });
  const [download] = await Promise.all([page.waitForEvent('download'), page.locator(`${el} button.download`).click()]);
  await download.path();
  // A hostile file name and attribute values are shown as text, never markup.
  await blobInPage(page, readFileSync(fx.text), 'evil', 'image/jpeg');
  const injected = await page.evaluate(async () => {
    const v = document.querySelector('smp-visualiser');
    window.__pwned = false;
    v.setAttribute('cta-label', '<img src=x onerror="window.__pwned=true">');
    await v.loadImage(new File([window.evil], '<img src=x onerror="window.__pwned=true">.jpg')).catch(() => {});
    await new Promise((ok) => setTimeout(ok, 200));
    return { pwned: window.__pwned, images: v.shadowRoot.querySelectorAll('img:not(.logo)').length };
  });
  assert.deepEqual(injected, { pwned: false, images: 0 });
  const origin = new URL(browser.base).origin;
  const foreign = page.requests.filter((u) => !u.startsWith(origin) && !u.startsWith('blob:') && !u.startsWith('data:'));
  assert.deepEqual(foreign, [], 'no request left for another address');
  const csp = await page.evaluate(() => document.querySelector('meta[http-equiv="Content-Security-Policy"]').content);
  assert.match(csp, /default-src 'self'/);
  assert.doesNotMatch(csp, /'unsafe-inline'|'unsafe-eval'/);
  // The policy holds: a request to another address is refused by the page.
  const refused = await page.evaluate(() => fetch('http://127.0.0.2:9/collect').then(() => 'sent', () => 'refused'));
  assert.equal(refused, 'refused');
  page.errors = page.errors.filter((e) => !/Content Security Policy|127\.0\.0\.2/.test(e)); // the refusal itself is logged
  assertNoErrors(assert, page);
});
