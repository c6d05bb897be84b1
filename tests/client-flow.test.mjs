// The client's way through on a phone, and the technician's bench on a
// laptop, tried as a person would: choose a photo and see a first
// after-image with no further tap; count what each screen asks of them;
// swipe over the photo (the page scrolls, nothing is painted); pinch; press
// Back; read messages where the eye is. Each screen is also audited by axe.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { join } from 'node:path';
import AxeBuilder from '@axe-core/playwright';
import { startBrowser, ready, assertNoErrors, ROOT, OUT } from './helpers.mjs';
import { makeFixtures } from './fixtures.mjs';

const el = 'smp-visualiser';
const PHONE = { viewport: { width: 390, height: 844 }, isMobile: true, hasTouch: true };
let browser;
let fx;
before(async () => {
  fx = makeFixtures();
  // A scalp photo with two bald patches framed by hair, made by the engine.
  fx.scalp = join(OUT, 'client-scalp.png');
  execFileSync(join(ROOT, 'target', 'release', 'smp'), ['sample', '--out', fx.scalp, '--width', '900', '--height', '700', '--seed', '3']);
  browser = await startBrowser();
});
after(async () => browser?.close());

/** What the screen shows a person: every control they can reach, a radio
 * group counted once (one tab stop), with its target's size. */
function visibleControls(page) {
  return page.evaluate(() => {
    const root = document.querySelector('smp-visualiser').shadowRoot;
    const seen = new Set();
    const out = [];
    for (const c of root.querySelectorAll('button, a.button, input, select, summary, [role=slider]')) {
      // A visually hidden file or radio input is reached through its label.
      const target = c.matches('input[type=file], input[type=radio]') ? c.closest('label') : c;
      const r = target.getBoundingClientRect();
      if (!target.checkVisibility() || r.width === 0 || r.height === 0) continue;
      const key = c.type === 'radio' ? `radio:${c.name}` : c;
      if (seen.has(key)) continue;
      seen.add(key);
      const name = c.className || c.getAttribute('aria-label') || c.textContent.trim();
      out.push({ name: `${c.tagName.toLowerCase()}.${name}`, width: r.width, height: r.height, range: c.type === 'range' });
    }
    return out;
  });
}

function assertTargets(controls, screen) {
  for (const c of controls) {
    if (c.range) assert.ok(c.height >= 32, `${screen}: ${c.name} track is ${c.height}px tall`);
    else assert.ok(c.width >= 44 && c.height >= 44, `${screen}: ${c.name} is ${c.width}×${c.height}px`);
  }
}

async function audit(page, screen) {
  const result = await new AxeBuilder({ page }).analyze();
  const found = result.violations.map((v) => `${v.id}: ${v.nodes.map((n) => n.target.join(' ')).join('; ')}`);
  assert.deepEqual(found, [], `${screen}: ${found.join('\n')}`);
}

const area = (page) => page.evaluate(() => document.querySelector('smp-visualiser').getMask().data.filter((v, i) => i % 4 === 3 && v > 0).length);
const screen = (page) => page.evaluate(() => document.querySelector('smp-visualiser').shadowRoot.querySelector('.app').dataset.screen);
const noSideways = (page) => page.evaluate(() => document.documentElement.scrollWidth <= window.innerWidth);

/** Whether the after-image differs from the photo inside the area. */
const afterImageShown = (page) =>
  page.evaluate(() => {
    const root = document.querySelector('smp-visualiser').shadowRoot;
    const pixels = (sel) => {
      const c = root.querySelector(sel);
      return c.getContext('2d').getImageData(0, 0, c.width, c.height).data;
    };
    const [a, b] = [pixels('canvas.after'), pixels('canvas.before')];
    let changed = 0;
    for (let i = 0; i < a.length; i += 4) if (a[i] !== b[i] || a[i + 1] !== b[i + 1] || a[i + 2] !== b[i + 2]) changed++;
    return changed;
  });

test('client on a phone: photo → proposed area → result, each screen small, Back returns', async () => {
  const page = await browser.open('?for=client', PHONE);
  await ready(page);

  // 1. Photo: at most 4 controls, all big enough to tap.
  const photoControls = await visibleControls(page);
  assert.ok(photoControls.length <= 4, `photo screen: ${photoControls.map((c) => c.name).join(', ')}`);
  assertTargets(photoControls, 'photo');
  assert.equal(await noSideways(page), true);
  await audit(page, 'photo');

  // 2. Choosing a photo reaches the area and a first after-image, no tap.
  await page.locator(`${el} input.photo-file`).setInputFiles(fx.scalp);
  await page.waitForFunction(() => document.querySelector('smp-visualiser').shadowRoot.querySelector('.app').dataset.screen === 'area');
  await page.waitForFunction(() => document.querySelector('smp-visualiser').hasArea);
  const proposed = await area(page);
  assert.ok(proposed > 900 * 700 * 0.03, `an area was proposed: ${proposed} px`);
  assert.ok((await afterImageShown(page)) > 5000, 'the after-image shows dots');
  assert.match(await page.locator(`${el} .step-hint`).textContent(), /Does it look right/);
  const areaControls = await visibleControls(page);
  assert.ok(areaControls.length <= 4, `area screen: ${areaControls.map((c) => c.name).join(', ')}`);
  assertTargets(areaControls, 'area');
  await audit(page, 'area');

  // A swipe that starts on the photo scrolls the page and paints nothing.
  await page.evaluate(() => { document.body.style.paddingBottom = '1500px'; });
  const stage = await page.locator(`${el} .stage`).boundingBox();
  const split = await page.evaluate(() => document.querySelector('smp-visualiser').comparePosition);
  const cdp = await page.context().newCDPSession(page);
  const x = stage.x + stage.width * 0.8;
  const y = stage.y + stage.height * 0.8;
  await cdp.send('Input.dispatchTouchEvent', { type: 'touchStart', touchPoints: [{ x, y }] });
  for (let i = 1; i <= 10; i++) await cdp.send('Input.dispatchTouchEvent', { type: 'touchMove', touchPoints: [{ x, y: y - i * 20 }] });
  await cdp.send('Input.dispatchTouchEvent', { type: 'touchEnd', touchPoints: [] });
  await page.waitForFunction(() => scrollY > 100);
  assert.ok((await page.evaluate(() => scrollY)) > 100, 'the page scrolled');
  assert.equal(await area(page), proposed, 'the swipe painted nothing');
  assert.equal(await page.evaluate(() => document.querySelector('smp-visualiser').comparePosition), split, 'nor moved the divider');
  await page.evaluate(() => { scrollTo(0, 0); document.body.style.paddingBottom = ''; });

  // 3. Result: a clean before, large, at most 8 controls.
  await page.locator(`${el} button.accept`).click();
  assert.equal(await screen(page), 'result');
  const tint = await page.evaluate(() => {
    const c = document.querySelector('smp-visualiser').shadowRoot.querySelector('canvas.overlay');
    return c.getContext('2d').getImageData(0, 0, c.width, c.height).data.some((v, i) => i % 4 === 3 && v > 0);
  });
  assert.equal(tint, false, 'no area tint on the result');
  const wide = await page.locator(`${el} .stage`).boundingBox();
  assert.ok(wide.width >= 390 * 0.85, `the compare view is ${wide.width}px wide`);
  const resultControls = await visibleControls(page);
  assert.ok(resultControls.length <= 8, `result screen: ${resultControls.map((c) => c.name).join(', ')}`);
  assertTargets(resultControls, 'result');
  await audit(page, 'result');
  // The look pictures and the plain sliders move the settings.
  await page.locator(`${el} .look-card:has(input[value=full])`).click();
  await page.waitForFunction(() => document.querySelector('smp-visualiser').settings.mode === 'full');
  const shade = await page.evaluate(() => document.querySelector('smp-visualiser').settings.shade);
  await page.locator(`${el} input.client-shade`).fill('0.8');
  await page.waitForFunction((s) => document.querySelector('smp-visualiser').settings.shade !== s, shade);

  // Back returns to the area, then to the photo; the work is kept.
  await page.goBack();
  await page.waitForFunction(() => document.querySelector('smp-visualiser').shadowRoot.querySelector('.app').dataset.screen === 'area');
  assert.equal(await area(page), proposed);
  await page.goBack();
  await page.waitForFunction(() => document.querySelector('smp-visualiser').shadowRoot.querySelector('.app').dataset.screen === 'photo');
  assert.equal(await page.locator(`${el} button.continue`).isVisible(), true, 'the photo can be taken up again');
  assert.ok((await visibleControls(page)).length <= 4);
  await page.goForward();
  await page.waitForFunction(() => document.querySelector('smp-visualiser').shadowRoot.querySelector('.app').dataset.screen === 'area');
  assert.equal(await area(page), proposed);
  assert.equal(await page.evaluate(() => document.querySelector('smp-visualiser').settings.mode), 'full', 'settings kept');

  for (const width of [360, 430]) {
    await page.setViewportSize({ width, height: 800 });
    for (const s of ['area', 'result']) {
      if (s === 'result') await page.locator(`${el} button.accept`).click();
      assert.equal(await noSideways(page), true, `no sideways scrolling at ${width}px on ${s}`);
    }
    await page.locator(`${el} button.change-area`).click();
  }
  assertNoErrors(assert, page);
});

test('client: nothing found is said over the photo; painting is offered; a pinch paints nothing', async () => {
  const page = await browser.open('?for=client', PHONE);
  await ready(page);
  await page.locator(`${el} input.photo-file`).setInputFiles(fx.skin);
  await page.waitForFunction(() => document.querySelector('smp-visualiser').shadowRoot.querySelector('.app').dataset.screen === 'area');
  const status = page.locator(`${el} .stage-wrap .status`);
  await status.waitFor({ state: 'visible' });
  assert.match(await status.textContent(), /could not find a bald patch/);
  assert.equal(await status.getAttribute('role'), 'status');
  const box = await status.boundingBox();
  const stage = await page.locator(`${el} .stage`).boundingBox();
  assert.ok(box.y >= stage.y && box.y + box.height <= stage.y + stage.height + 4, 'the message sits on the photo');
  assert.ok(box.y + box.height <= 844, 'the message is on screen');
  assert.equal(await page.locator(`${el} .tool[data-tool=paint]`).getAttribute('aria-pressed'), 'true', 'Paint is picked');
  assert.equal(await page.locator(`${el} button.accept`).isDisabled(), true, 'no result without an area');

  // Two fingers pinch-zoom and leave no dab, even with Paint picked.
  const cdp = await page.context().newCDPSession(page);
  const cx = stage.x + stage.width / 2;
  const cy = stage.y + stage.height / 2;
  const fingers = (d) => [{ x: cx - d, y: cy, id: 1 }, { x: cx + d, y: cy, id: 2 }];
  await cdp.send('Input.dispatchTouchEvent', { type: 'touchStart', touchPoints: fingers(20) });
  for (let d = 25; d <= 70; d += 5) await cdp.send('Input.dispatchTouchEvent', { type: 'touchMove', touchPoints: fingers(d) });
  await cdp.send('Input.dispatchTouchEvent', { type: 'touchEnd', touchPoints: [] });
  assert.ok((await page.evaluate(() => document.querySelector('smp-visualiser').zoom.scale)) > 2, 'the pinch zoomed');
  assert.equal(await area(page), 0, 'the pinch painted nothing');
  await page.evaluate(() => { document.querySelector('smp-visualiser').zoom = { scale: 1 }; });

  // One finger paints with the big brush; then the result can be seen.
  const point = (x, y) => [{ x: stage.x + stage.width * x, y: stage.y + stage.height * y }];
  await cdp.send('Input.dispatchTouchEvent', { type: 'touchStart', touchPoints: point(0.3, 0.5) });
  for (let i = 1; i <= 8; i++) await cdp.send('Input.dispatchTouchEvent', { type: 'touchMove', touchPoints: point(0.3 + 0.04 * i, 0.5) });
  await cdp.send('Input.dispatchTouchEvent', { type: 'touchEnd', touchPoints: [] });
  assert.ok((await area(page)) > 2000, 'painted');
  assert.equal(await page.locator(`${el} button.accept`).isDisabled(), false);

  // A tap with "Tap a patch": what came of it appears on the photo.
  await page.locator(`${el} .tool[data-tool=tap]`).click();
  assert.match(await status.textContent(), /Tap a patch/, 'the tool says what it does');
  await page.mouse.click(stage.x + 5, stage.y + 5);
  await page.waitForFunction(() => /Patch added|bald/.test(document.querySelector('smp-visualiser').shadowRoot.querySelector('.stage-wrap .status').textContent));
  const after = await status.boundingBox();
  assert.ok(after.y >= stage.y && after.y + after.height <= 844, 'on the photo, on screen');
  assertNoErrors(assert, page);
});

test('a partner preset says nothing on the start screen', async () => {
  const page = await browser.open('?for=client', PHONE);
  await ready(page);
  await page.evaluate(() => document.querySelector('smp-visualiser').setAttribute('preset', 'Full buzz cut'));
  await page.waitForFunction(() => document.querySelector('smp-visualiser').settings.mode === 'full');
  assert.equal(await page.locator(`${el} .status`).textContent(), '');
  assertNoErrors(assert, page);
});

test('technician on a laptop: first after-image without a tap, every control beside the photo', async () => {
  const page = await browser.open('?for=technician', { viewport: { width: 1440, height: 900 } });
  await ready(page);
  await page.locator(`${el} input.photo-file`).setInputFiles(fx.scalp);
  await page.waitForFunction(() => document.querySelector('smp-visualiser').hasArea);
  assert.ok((await afterImageShown(page)) > 5000, 'the after-image shows dots');
  const stage = await page.locator(`${el} .stage`).boundingBox();
  const bench = await page.locator(`${el} .bench`).boundingBox();
  assert.ok(bench.x >= stage.x + stage.width, 'the controls sit beside the photo');
  assert.ok(stage.y + stage.height <= 900, 'the whole photo is in view');
  for (const section of ['Area', 'Look', 'Treatment plan', 'Scale and hairline', 'Export and compare', 'Keyboard shortcuts']) {
    assert.equal(await page.locator(`${el} .bench summary`, { hasText: section }).count(), 1, `section ${section}`);
  }
  // Adjusting a slider keeps the result in view.
  const slider = page.locator(`${el} input[data-setting=shade]`);
  await slider.scrollIntoViewIfNeeded();
  await slider.fill('0.9');
  const still = await page.locator(`${el} .stage`).boundingBox();
  assert.ok(still.y >= 0 && still.y + still.height <= 900, 'the photo stays in view while adjusting');
  // A section folds.
  await page.locator(`${el} .bench summary`, { hasText: 'Look' }).click();
  assert.equal(await slider.isVisible(), false);
  assertNoErrors(assert, page);
});

test('the page lets a visitor choose client or technician', async () => {
  const page = await browser.open('', PHONE);
  await ready(page);
  assert.equal(await page.locator(el).getAttribute('controls'), 'client', 'a visitor starts with the guided screens');
  await page.getByRole('button', { name: 'I’m a technician' }).click();
  assert.equal(await page.locator(el).getAttribute('controls'), 'technician');
  assert.match(page.url(), /for=technician/);
  assertNoErrors(assert, page);
});

test('files.json lists every module of the element', async () => {
  const { readdirSync, readFileSync } = await import('node:fs');
  const list = JSON.parse(readFileSync(join(ROOT, 'www', 'files.json'), 'utf8'));
  for (const f of readdirSync(join(ROOT, 'www', 'element'))) assert.ok(list.element.includes(`element/${f}`), `${f} is listed`);
  for (const f of [...list.element, ...list.embed, ...list.page.filter((p) => p !== './')]) {
    assert.ok(readFileSync(join(ROOT, 'www', f)).length > 0, `${f} exists`);
  }
  for (const f of readdirSync(join(ROOT, 'www')).filter((n) => n.endsWith('.js'))) {
    const lines = readFileSync(join(ROOT, 'www', f), 'utf8').split('\n').length;
    assert.ok(lines <= 500, `www/${f} has ${lines} lines`);
  }
  for (const f of readdirSync(join(ROOT, 'www', 'element'))) {
    const lines = readFileSync(join(ROOT, 'www', 'element', f), 'utf8').split('\n').length;
    assert.ok(lines <= 500, `www/element/${f} has ${lines} lines`);
  }
});

test('the look is matched to the photo when it loads, unless the partner or the person chose it', async () => {
  const page = await browser.open('?for=client', PHONE);
  await ready(page);
  await page.locator(`${el} input.photo-file`).setInputFiles(fx.scalp);
  await page.waitForFunction(() => document.querySelector('smp-visualiser').hasArea);
  const r = await page.evaluate(async () => {
    const v = document.querySelector('smp-visualiser');
    const suggested = await v.suggestSettings();
    return { suggested, settings: v.settings };
  });
  assert.equal(typeof r.suggested.reason, 'string');
  for (const k of ['densityPerCm2', 'dotDiameterMm', 'shade']) assert.equal(r.settings[k], r.suggested[k], `${k} matched to the photo`);
  await page.locator(`${el} button.accept`).click();
  const note = page.locator(`${el} .client-result .matched`);
  assert.equal(await note.isVisible(), true, 'the client is told the look was matched');
  await page.locator(`${el} input.client-shade`).fill('0.2');
  assert.equal(await note.isVisible(), false, 'moving a slider makes it theirs');
  // A partner's preset is kept over the photo's suggestion.
  await page.evaluate(() => document.querySelector('smp-visualiser').setAttribute('preset', 'Full buzz cut'));
  await page.waitForFunction(() => document.querySelector('smp-visualiser').settings.mode === 'full');
  await page.locator(`${el} button.change-area`).click();
  await page.goBack();
  await page.goBack();
  await page.locator(`${el} input.photo-file`).setInputFiles(fx.scalp);
  await page.waitForFunction(() => document.querySelector('smp-visualiser').hasArea);
  const kept = await page.evaluate(() => document.querySelector('smp-visualiser').settings);
  assert.deepEqual([kept.densityPerCm2, kept.dotDiameterMm, kept.shade], [90, 0.35, 0.55]);
  assertNoErrors(assert, page);
});
