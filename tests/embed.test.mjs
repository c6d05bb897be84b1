// Embedding on a partner site: the element loaded from dist/ on another
// origin (another port), into a page with a hostile global stylesheet and a
// strict Content-Security-Policy, twice. Both work on their own, events
// fire, and no request goes anywhere but the two origins' own files.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { mkdirSync, writeFileSync, existsSync } from 'node:fs';
import { join } from 'node:path';
import { startBrowser, assertNoErrors, ROOT, OUT } from './helpers.mjs';
import { serve } from '../tools/serve.mjs';

let browser;
let cdn;
let partner;
let cdnBase;
let partnerBase;
before(async () => {
  assert.ok(existsSync(join(ROOT, 'dist', 'smp-visualiser.js')), "run 'make dist' first");
  cdn = await serve(join(ROOT, 'dist'), 0);
  cdnBase = `http://127.0.0.1:${cdn.address().port}`;
  const dir = join(OUT, 'partner');
  mkdirSync(dir, { recursive: true });
  writeFileSync(join(dir, 'hostile.css'), `
    * { all: unset; display: block; color: red !important; font: 40px/3 serif !important; letter-spacing: 5px !important; }
    button, canvas, input { display: none !important; }
    smp-visualiser { border: 9px dashed lime; }
  `);
  writeFileSync(join(dir, 'index.html'), `<!doctype html>
<html><head><meta charset="utf-8">
<meta http-equiv="Content-Security-Policy" content="default-src 'none'; script-src ${cdnBase} 'wasm-unsafe-eval'; connect-src ${cdnBase}; worker-src blob:; style-src 'self'; img-src blob: data:">
<link rel="stylesheet" href="hostile.css">
<script type="module" src="${cdnBase}/smp-visualiser.js"></script>
</head><body>
<h1>Partner clinic</h1>
<smp-visualiser id="one" cta-label="Book a visit"></smp-visualiser>
<smp-visualiser id="two"></smp-visualiser>
</body></html>`);
  partner = await serve(dir, 0);
  partnerBase = `http://127.0.0.1:${partner.address().port}`;
  browser = await startBrowser();
});
after(async () => {
  await browser?.close();
  await new Promise((ok) => cdn?.close(ok));
  await new Promise((ok) => partner?.close(ok));
});

test('two elements from another origin under a strict CSP and a hostile stylesheet', async () => {
  const page = await browser.open('');
  // Leave the app page first: its worker starts when the page is idle and
  // would otherwise be counted as this page's request.
  await page.goto('about:blank');
  page.errors.length = 0;
  page.requests.length = 0;
  const violations = [];
  page.on('console', (m) => { if (/Content Security Policy/i.test(m.text())) violations.push(m.text()); });
  await page.goto(`${partnerBase}/index.html`);
  await page.waitForFunction(() => customElements.get('smp-visualiser'));
  await page.evaluate(() => Promise.all([...document.querySelectorAll('smp-visualiser')].map((v) => v.ready)));
  const r = await page.evaluate(async () => {
    const [one, two] = document.querySelectorAll('smp-visualiser');
    const seen = { one: [], two: [] };
    for (const [name, el] of [['one', one], ['two', two]]) {
      for (const type of ['smp-change', 'smp-export', 'smp-cta', 'smp-error']) el.addEventListener(type, () => seen[name].push(type));
    }
    await one.loadSample();
    await two.loadSample();
    await one.setSettings({ densityPerCm2: 150, mode: 'full' });
    await one.autoRegion();
    const blob = await one.exportImage();
    one.shadowRoot.querySelector('a.cta').click();
    const code = await two.setSettings({ shade: 9 }).then(() => 'ok', (e) => e.code);
    // The hostile page's rules do not reach inside: a button keeps its own look.
    const find = one.shadowRoot.querySelector('button.find');
    const style = getComputedStyle(find);
    return {
      seen,
      exported: blob.size,
      code,
      densities: [one.settings.densityPerCm2, two.settings.densityPerCm2],
      masks: [one.getMask().data.some((v, i) => i % 4 === 3 && v > 0), two.getMask().data.some((v, i) => i % 4 === 3 && v > 0)],
      button: { display: style.display, color: style.color, font: style.fontSize, radius: style.borderRadius },
      stageHeight: one.shadowRoot.querySelector('.stage').getBoundingClientRect().height,
      // Nor does the element's CSS leak out onto the page.
      pageHeading: getComputedStyle(document.querySelector('h1')).fontSize,
    };
  });
  assert.deepEqual(r.densities, [150, 80], 'settings are per element');
  assert.deepEqual(r.masks, [true, false], 'areas are per element');
  assert.ok(r.exported > 10000, 'export works (its worker started from the other origin)');
  assert.equal(r.code, 'invalid-setting');
  assert.deepEqual(r.seen.one.filter((t) => t !== 'smp-change'), ['smp-export', 'smp-cta']);
  assert.deepEqual(r.seen.two, ['smp-error']);
  assert.equal(r.button.display, 'inline-flex', 'its own display, not the page\'s none');
  assert.notEqual(r.button.color, 'rgb(255, 0, 0)');
  assert.equal(r.button.font, '16px');
  assert.equal(r.button.radius, '8px');
  assert.ok(r.stageHeight > 100);
  assert.equal(r.pageHeading, '40px', 'the page keeps its own styles');
  // Only the two origins' own files were requested.
  const foreign = page.requests.filter((u) => !u.startsWith(cdnBase) && !u.startsWith(partnerBase) && !u.startsWith('blob:') && !u.startsWith('data:'));
  assert.deepEqual(foreign, []);
  assert.ok(page.requests.some((u) => u.endsWith('/pkg/smp_visualiser_bg.wasm')));
  assert.ok(page.requests.some((u) => u === `${cdnBase}/smp-worker.js`), 'the export worker was started from the other origin');
  assert.deepEqual(violations, []);
  assertNoErrors(assert, page);
});

test('the iframe embed page turns its query into attributes', async () => {
  const page = await browser.open('');
  await page.goto(`${cdnBase}/embed.html?cta-label=Book%20now`);
  await page.waitForFunction(() => document.querySelector('smp-visualiser')?.ready);
  await page.evaluate(() => document.querySelector('smp-visualiser').ready);
  assert.equal(await page.locator('smp-visualiser a.cta').textContent(), 'Book now');
  assertNoErrors(assert, page);
});
