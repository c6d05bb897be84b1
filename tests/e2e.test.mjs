// The first user flow through the real page, as a person does it: choose a
// photo, paint the area, move a slider, compare, download. Then the checks a
// person cannot make: pixels changed inside the painted area and nowhere else.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { execFileSync } from 'node:child_process';
import { join } from 'node:path';
import { PNG } from 'pngjs';
import { startBrowser, ready, assertNoErrors, events, blobInPage, bytesOf, ROOT, OUT } from './helpers.mjs';
import { makeFixtures } from './fixtures.mjs';

let browser;
let fx;
before(async () => {
  fx = makeFixtures();
  browser = await startBrowser();
});
after(async () => browser?.close());

const el = 'smp-visualiser';

test('photo → paint → slider → compare → download, pixels change only where painted', async () => {
  const page = await browser.open();
  await ready(page);
  assert.equal((await events(page, 'smp-ready')).length, 1);

  // 1. Choose a photo with the file picker.
  await page.locator(`${el} input.photo-file`).setInputFiles(fx.skin);
  await page.locator(`${el} .work`).waitFor({ state: 'visible' });
  assert.equal(await page.locator(`${el} .start`).isVisible(), false);
  const stepHint = await page.locator(`${el} .step-hint`).textContent();
  assert.match(stepHint, /find it.*paint it/i);
  // Plain skin: no bald patch is proposed, and the message says so over the photo.
  assert.match(await page.locator(`${el} .stage-wrap .status`).textContent(), /could not find a bald patch/);

  // 2. Pick Paint, then paint a stroke across the middle of the photo with the mouse.
  await page.locator(`${el} .tool[data-tool=paint]`).click();
  const stage = await page.locator(`${el} .stage`).boundingBox();
  const at = (fx0, fy0) => [stage.x + stage.width * fx0, stage.y + stage.height * fy0];
  await page.mouse.move(...at(0.25, 0.45));
  await page.mouse.down();
  for (let i = 1; i <= 12; i++) await page.mouse.move(...at(0.25 + 0.04 * i, 0.45 + 0.01 * i));
  await page.mouse.up();
  await page.waitForFunction(() => document.querySelector('smp-visualiser').getMask().data.some((v, i) => i % 4 === 3 && v > 0));

  // 3. Move the density slider: settings change, smp-change fires, output shows it.
  await page.locator(`${el} input[data-setting=densityPerCm2]`).fill('150');
  await page.waitForFunction(() => window.__smpEvents.some((e) => e.type === 'smp-change' && e.detail.settings.densityPerCm2 === 150));
  assert.match(await page.locator(`${el} output[for=smp-densityPerCm2]`).textContent(), /150 dots\/cm²/);

  // 4. Compare: drag the divider, then use the keyboard on it.
  const handle = page.locator(`${el} .handle`);
  await handle.scrollIntoViewIfNeeded();
  const hb = await handle.boundingBox();
  const stageNow = await page.locator(`${el} .stage`).boundingBox();
  await page.mouse.move(hb.x + hb.width / 2, hb.y + hb.height / 2);
  await page.mouse.down();
  await page.mouse.move(stageNow.x + stageNow.width * 0.2, hb.y + hb.height / 2, { steps: 5 });
  await page.mouse.up();
  const afterDrag = await page.evaluate(() => document.querySelector('smp-visualiser').comparePosition);
  assert.ok(Math.abs(afterDrag - 0.2) < 0.02, `divider at ${afterDrag}`);
  await handle.focus();
  await page.keyboard.press('ArrowRight');
  assert.equal(await handle.getAttribute('aria-valuenow'), '22');
  await page.keyboard.press('End');
  assert.equal(await handle.getAttribute('aria-valuenow'), '100');
  await page.keyboard.press('Home');
  assert.equal(await handle.getAttribute('aria-valuenow'), '0');
  // Dragging the divider must not have painted.
  const maskBefore = await page.evaluate(() => document.querySelector('smp-visualiser').getMask().data.filter((v, i) => i % 4 === 3 && v > 0).length);

  // 5. Download the after-image and check its pixels against the photo.
  const [download] = await Promise.all([page.waitForEvent('download'), page.locator(`${el} button.download`).click()]);
  const after = PNG.sync.read(readFileSync(await download.path()));
  const original = PNG.sync.read(readFileSync(fx.skin));
  assert.equal(after.width, original.width, 'full resolution');
  assert.equal(after.height, original.height);
  const maskAlpha = await page.evaluate(() => Array.from(document.querySelector('smp-visualiser').getMask().data.filter((_, i) => i % 4 === 3)));
  assert.equal(maskAlpha.filter((v) => v > 0).length, maskBefore);
  let changedInside = 0;
  let changedOutside = 0;
  for (let i = 0; i < maskAlpha.length; i++) {
    const diff = [0, 1, 2].some((c) => after.data[i * 4 + c] !== original.data[i * 4 + c]);
    if (!diff) continue;
    if (maskAlpha[i] > 0) changedInside++;
    else changedOutside++;
  }
  assert.equal(changedOutside, 0, 'no pixel outside the painted area changed');
  assert.ok(changedInside > 1500, `only ${changedInside} pixels changed inside`);
  // The painted area itself lies along the stroke, not everywhere.
  const { W, H } = fx.size;
  for (let i = 0; i < maskAlpha.length; i++) {
    if (maskAlpha[i] === 0) continue;
    const x = (i % W) / W;
    const y = Math.floor(i / W) / H;
    assert.ok(x > 0.15 && x < 0.85 && y > 0.3 && y < 0.7, `painted pixel at ${x.toFixed(2)},${y.toFixed(2)}`);
  }
  assertNoErrors(assert, page);
});

test('eraser and clear remove the area; the step guide follows', async () => {
  const page = await browser.open();
  await ready(page);
  await page.locator(`${el} input.photo-file`).setInputFiles(fx.skin);
  await page.locator(`${el} .work`).waitFor({ state: 'visible' });
  await page.locator(`${el} .tool[data-tool=paint]`).click();
  await page.locator(`${el} .stage`).scrollIntoViewIfNeeded();
  const stage = await page.locator(`${el} .stage`).boundingBox();
  let cx = stage.x + stage.width * 0.3;
  let cy = stage.y + stage.height * 0.5;
  await page.mouse.move(cx, cy);
  await page.mouse.down();
  await page.mouse.move(cx + 60, cy, { steps: 6 });
  await page.mouse.up();
  // Total weight of the area (a soft eraser edge may leave faint fringes).
  const count = () => page.evaluate(() => document.querySelector('smp-visualiser').getMask().data.reduce((sum, v, i) => (i % 4 === 3 ? sum + v / 255 : sum), 0));
  const painted = await count();
  assert.ok(painted > 500);
  assert.equal(await page.locator(`${el} .steps li[aria-current=step]`).textContent(), '3. Result');
  // Picking a tool in the bench may scroll the page: find the same spot again.
  await page.locator(`${el} .tool[data-tool=erase]`).click();
  await page.locator(`${el} .stage`).scrollIntoViewIfNeeded();
  const moved = await page.locator(`${el} .stage`).boundingBox();
  cx = moved.x + moved.width * 0.3;
  cy = moved.y + moved.height * 0.5;
  await page.mouse.move(cx, cy);
  await page.mouse.down();
  await page.mouse.move(cx + 60, cy, { steps: 6 });
  await page.mouse.up();
  const left = await count();
  assert.ok(left < painted / 3, `the eraser removed most of the stroke (${left} of ${painted})`);
  await page.locator(`${el} button.clear`).click();
  await page.waitForFunction(() => !document.querySelector('smp-visualiser').getMask().data.some((v, i) => i % 4 === 3 && v > 0));
  assert.equal(await page.locator(`${el} .steps li[aria-current=step]`).textContent(), '2. Area');
  assertNoErrors(assert, page);
});

test('portrait JPEG with EXIF orientation 6 is shown upright', async () => {
  const page = await browser.open();
  await ready(page);
  await page.locator(`${el} input.photo-file`).setInputFiles(fx.portrait);
  await page.locator(`${el} .work`).waitFor({ state: 'visible' });
  const px = await page.evaluate(async () => {
    const v = document.querySelector('smp-visualiser');
    const blob = await v.exportImage({ layout: 'before' });
    const bmp = await createImageBitmap(blob);
    const c = new OffscreenCanvas(bmp.width, bmp.height);
    const ctx = c.getContext('2d');
    ctx.drawImage(bmp, 0, 0);
    const at = (x, y) => Array.from(ctx.getImageData(x, y, 1, 1).data);
    return { w: bmp.width, h: bmp.height, topRight: at(bmp.width - 10, 10), topLeft: at(10, 10) };
  });
  assert.deepEqual([px.w, px.h], [360, 480], 'rotated to portrait');
  assert.ok(px.topRight[0] > 180 && px.topRight[1] < 80, `red block top-right: ${px.topRight}`);
  assert.ok(px.topLeft[1] > 100, `skin top-left: ${px.topLeft}`);
  assertNoErrors(assert, page);
});

test('scripting API: settings, setMask/getMask, exports, paste', async () => {
  const page = await browser.open();
  await ready(page);
  await blobInPage(page, readFileSync(fx.skin), 'photo', 'image/png');
  const r = await page.evaluate(async () => {
    const v = document.querySelector('smp-visualiser');
    const errorCode = async (p) => p.then(() => 'resolved', (e) => `${e.code}:${e instanceof Error}`);
    const out = {};
    out.beforeLoad = await errorCode(v.exportImage());
    out.size = await v.loadImage(window.photo);
    const s = v.settings;
    const choices = ['mode', 'healing'];
    out.settingsAreNumbers = Object.entries(s).every(([k, x]) => choices.includes(k) ? typeof x === 'string' : typeof x === 'number' && Number.isFinite(x));
    out.keys = Object.keys(s).sort();
    out.estimatedScale = s.pxPerMm;
    out.bad = {
      range: await errorCode(v.setSettings({ densityPerCm2: 5000 })),
      nan: await errorCode(v.setSettings({ shade: NaN })),
      string: await errorCode(v.setSettings({ shade: '0.5' })),
      unknown: await errorCode(v.setSettings({ colour: 1 })),
      badChoice: await errorCode(v.setSettings({ mode: 'tattoo' })),
      choiceAsNumber: await errorCode(v.setSettings({ mode: 1 })),
      session: await errorCode(v.setSettings({ session: 4 })),
      years: await errorCode(v.setSettings({ yearsAfter: -1 })),
      notObject: await errorCode(v.setSettings(42)),
      maskSize: await errorCode(v.setMask(new ImageData(3, 3))),
      exportType: await errorCode(v.exportImage({ type: 'image/gif' })),
      exportLayout: await errorCode(v.exportImage({ layout: 'diagonal' })),
    };
    const changes = window.__smpEvents.filter((e) => e.type === 'smp-change').length;
    await v.setSettings({ densityPerCm2: 120, dotDiameterMm: 0.5, shade: 0.8, pxPerMm: 6, mode: 'full', session: 2, healing: 'fresh', yearsAfter: 1.5 });
    out.changeFired = window.__smpEvents.filter((e) => e.type === 'smp-change').length === changes + 1;
    out.applied = v.settings;
    // The controls follow the frame (see setSettings): they show it once it resolves.
    const density = v.shadowRoot.querySelector('input[data-setting=densityPerCm2]');
    out.controls = [density.value, density.getAttribute('aria-valuetext'), v.shadowRoot.querySelector('.looks input:checked')?.value];
    const mask = new ImageData(640, 480);
    for (let y = 100; y < 300; y++) for (let x = 100; x < 400; x++) mask.data[(y * 640 + x) * 4 + 3] = 255;
    await v.setMask(mask);
    const back = v.getMask();
    out.maskRoundTrip = back.width === 640 && back.data.every((val, i) => i % 4 !== 3 || val === mask.data[i]);
    const sizes = {};
    for (const layout of ['after', 'before', 'side-by-side']) {
      for (const type of ['image/png', 'image/jpeg']) {
        const b = await v.exportImage({ type, layout });
        const bmp = await createImageBitmap(b);
        sizes[`${layout} ${type}`] = `${b.type} ${bmp.width}x${bmp.height}`;
      }
    }
    out.sizes = sizes;
    // A paste with an image loads it (here the same photo again: the area starts empty).
    const dt = new DataTransfer();
    dt.items.add(new File([window.photo], 'pasted.png', { type: 'image/png' }));
    document.dispatchEvent(new ClipboardEvent('paste', { clipboardData: dt, bubbles: true }));
    // The new photo's first steps run in the worker: wait for it (at most 5 s).
    for (let t = 0; t < 100 && v.hasArea; t++) await new Promise((ok) => setTimeout(ok, 50));
    out.areaAfterPaste = v.getMask().data.some((val, i) => i % 4 === 3 && val > 0);
    out.settingsKeptAfterPaste = v.settings.densityPerCm2 === 120;
    out.errorEvents = window.__smpEvents.filter((e) => e.type === 'smp-error').map((e) => e.detail.code);
    return out;
  });
  assert.equal(r.beforeLoad, 'no-image:true');
  assert.deepEqual(r.size, { width: 640, height: 480 });
  assert.equal(r.settingsAreNumbers, true);
  assert.deepEqual(r.keys, ['densityPerCm2', 'dotDiameterMm', 'healing', 'mode', 'pxPerMm', 'seed', 'session', 'shade', 'softness', 'yearsAfter']);
  assert.equal(r.estimatedScale, 2.4, 'scale estimated from a 480-px short side');
  assert.deepEqual(r.bad, {
    range: 'invalid-setting:true',
    nan: 'invalid-setting:true',
    string: 'invalid-setting:true',
    unknown: 'unknown-setting:true',
    badChoice: 'invalid-setting:true',
    choiceAsNumber: 'invalid-setting:true',
    session: 'invalid-setting:true',
    years: 'invalid-setting:true',
    notObject: 'invalid-setting:true',
    maskSize: 'mask-size-mismatch:true',
    exportType: 'invalid-export:true',
    exportLayout: 'invalid-export:true',
  });
  assert.equal(r.changeFired, true);
  assert.deepEqual(r.controls, ['120', '120 dots/cm²', 'full']);
  assert.deepEqual(r.applied, {
    densityPerCm2: 120, dotDiameterMm: 0.5, shade: 0.8, softness: 0.35, seed: 1, pxPerMm: 6,
    mode: 'full', session: 2, healing: 'fresh', yearsAfter: 1.5,
  });
  assert.equal(r.maskRoundTrip, true);
  assert.deepEqual(r.sizes, {
    'after image/png': 'image/png 640x480',
    'after image/jpeg': 'image/jpeg 640x480',
    'before image/png': 'image/png 640x480',
    'before image/jpeg': 'image/jpeg 640x480',
    'side-by-side image/png': 'image/png 1280x480',
    'side-by-side image/jpeg': 'image/jpeg 1280x480',
  });
  assert.equal(r.areaAfterPaste, false, 'a new photo starts a new area');
  assert.equal(r.settingsKeptAfterPaste, true);
  assert.deepEqual(r.errorEvents, [
    'no-image', 'invalid-setting', 'invalid-setting', 'invalid-setting', 'unknown-setting', 'invalid-setting', 'invalid-setting',
    'invalid-setting', 'invalid-setting', 'invalid-setting', 'mask-size-mismatch', 'invalid-export', 'invalid-export',
  ]);
  assertNoErrors(assert, page);
});

test('bad files give a clear message and keep the photo and area', async () => {
  const page = await browser.open();
  await ready(page);
  await page.locator(`${el} input.photo-file`).setInputFiles(fx.skin);
  await page.locator(`${el} .work`).waitFor({ state: 'visible' });
  await page.evaluate(async () => {
    const v = document.querySelector('smp-visualiser');
    const m = new ImageData(640, 480);
    m.data.fill(255);
    await v.setMask(m);
  });
  const cases = [
    [fx.empty, 'empty-file', /empty/i],
    [fx.text, 'not-an-image', /not a photo/i],
    [fx.truncatedPng, 'truncated-file', /incomplete/i],
    [fx.truncatedJpg, 'truncated-file', /incomplete/i],
    [fx.huge, 'image-too-large', /megapixels/i],
  ];
  for (const [file, code, message] of cases) {
    const n = (await events(page, 'smp-error')).length;
    await page.locator(`${el} input.photo-file`).setInputFiles(file);
    await page.waitForFunction((k) => window.__smpEvents.filter((e) => e.type === 'smp-error').length > k, n);
    const last = (await events(page, 'smp-error')).at(-1).detail;
    assert.equal(last.code, code, file);
    assert.match(last.message, message);
    assert.match(await page.locator(`${el} .status`).textContent(), message, 'the message is shown on the page');
    const kept = await page.evaluate(() => {
      const v = document.querySelector('smp-visualiser');
      const m = v.getMask();
      return m.width === 640 && m.data.every((val, i) => i % 4 !== 3 || val === 255);
    });
    assert.equal(kept, true, `photo and area kept after ${file}`);
  }
  // And the page still works: a good photo loads after all that.
  await page.locator(`${el} input.photo-file`).setInputFiles(fx.portrait);
  await page.waitForFunction(() => document.querySelector('smp-visualiser').getMask().width === 360);
  assertNoErrors(assert, page);
});

test('works at phone size with touch', async () => {
  const page = await browser.open('?for=technician', { viewport: { width: 360, height: 740 }, hasTouch: true, isMobile: true });
  await ready(page);
  await page.locator(`${el} input.photo-file`).setInputFiles(fx.skin);
  await page.locator(`${el} .work`).waitFor({ state: 'visible' });
  const stage = await page.locator(`${el} .stage`).boundingBox();
  assert.ok(stage.width <= 360 && stage.width > 300, `stage ${stage.width}px wide`);
  // With Paint picked, a touch drag paints (pointer events from touch).
  await page.locator(`${el} .tool[data-tool=paint]`).click();
  await page.locator(`${el} .stage`).scrollIntoViewIfNeeded();
  Object.assign(stage, await page.locator(`${el} .stage`).boundingBox());
  const cdp = await page.context().newCDPSession(page);
  const point = (x, y) => [{ x: stage.x + stage.width * x, y: stage.y + stage.height * y }];
  await cdp.send('Input.dispatchTouchEvent', { type: 'touchStart', touchPoints: point(0.3, 0.5) });
  for (let i = 1; i <= 8; i++) await cdp.send('Input.dispatchTouchEvent', { type: 'touchMove', touchPoints: point(0.3 + 0.04 * i, 0.5) });
  await cdp.send('Input.dispatchTouchEvent', { type: 'touchEnd', touchPoints: [] });
  await page.waitForFunction(() => document.querySelector('smp-visualiser').getMask().data.some((v, i) => i % 4 === 3 && v > 0));
  const overflow = await page.evaluate(() => document.documentElement.scrollWidth > window.innerWidth);
  assert.equal(overflow, false, 'no sideways scrolling at 360 px');
  assertNoErrors(assert, page);
});

test('the sample photo button loads a synthetic scalp', async () => {
  const page = await browser.open();
  await ready(page);
  await page.locator(`${el} button.sample`).click();
  await page.locator(`${el} .work`).waitFor({ state: 'visible' });
  const size = await page.evaluate(() => {
    const m = document.querySelector('smp-visualiser').getMask();
    return [m.width, m.height];
  });
  assert.deepEqual(size, [1600, 1200]);
  assertNoErrors(assert, page);
});

test('a photo dropped on the element loads', async () => {
  const page = await browser.open();
  await ready(page);
  await blobInPage(page, readFileSync(fx.skin), 'photo', 'image/png');
  await page.evaluate(() => {
    const zone = document.querySelector('smp-visualiser').shadowRoot.querySelector('.start');
    const dt = new DataTransfer();
    dt.items.add(new File([window.photo], 'dropped.png', { type: 'image/png' }));
    zone.dispatchEvent(new DragEvent('dragover', { dataTransfer: dt, bubbles: true, cancelable: true }));
    zone.dispatchEvent(new DragEvent('drop', { dataTransfer: dt, bubbles: true, cancelable: true }));
  });
  await page.locator(`${el} .work`).waitFor({ state: 'visible' });
  assert.equal(await page.evaluate(() => document.querySelector('smp-visualiser').getMask().width), 640);
  assertNoErrors(assert, page);
});

test('area tools: find bald areas, tap a patch, undo/redo, invert, errors keep the area', async () => {
  const page = await browser.open();
  await ready(page);
  // By script, a load starts with an empty area (the button proposes one).
  await page.evaluate(() => document.querySelector('smp-visualiser').loadSample());
  await page.locator(`${el} .work`).waitFor({ state: 'visible' });
  const area = () => page.evaluate(() => document.querySelector('smp-visualiser').getMask().data.filter((v, i) => i % 4 === 3 && v >= 128).length);
  // "Find bald areas" proposes both patches of the sample.
  await page.locator(`${el} button.find`).click();
  await page.waitForFunction(() => document.querySelector('smp-visualiser').getMask().data.some((v, i) => i % 4 === 3 && v > 0));
  const found = await area();
  assert.ok(found > 1600 * 1200 * 0.05, `found ${found} px`);
  assert.equal(await page.locator(`${el} .steps li[aria-current=step]`).textContent(), '3. Result');
  // Undo returns to the empty area, redo brings the proposal back.
  await page.locator(`${el} button.undo`).click();
  assert.equal(await area(), 0);
  await page.locator(`${el} button.redo`).click();
  assert.equal(await area(), found);
  // Invert, then undo it.
  await page.locator(`${el} button.invert`).click();
  assert.equal(await area(), 1600 * 1200 - found);
  await page.keyboard.press('Control+z');
  assert.equal(await area(), found);
  // A tap on dense hair: a clear message, the area unchanged.
  const r = await page.evaluate(async () => {
    const v = document.querySelector('smp-visualiser');
    const code = (p) => p.then(() => 'resolved', (e) => e.code);
    return {
      hair: await code(v.autoRegion({ taps: [[1580, 20]] })),
      outside: await code(v.autoRegion({ taps: [[-10, 5]] })),
      notNumbers: await code(v.autoRegion({ taps: [['a', 5]] })),
      status: v.shadowRoot.querySelector('.status').textContent,
    };
  });
  assert.deepEqual([r.hair, r.outside, r.notNumbers], ['no-bald-scalp', 'invalid-tap', 'invalid-tap']);
  assert.equal(await area(), found, 'a failed detection leaves the area as it was');
  // The tap tool: clear, then tap inside the large patch (centre at 58 %, 55 %).
  await page.locator(`${el} button.clear`).click();
  await page.locator(`${el} .tool[data-tool=tap]`).click();
  const stage = await page.locator(`${el} .stage`).boundingBox();
  await page.mouse.click(stage.x + stage.width * 0.58, stage.y + stage.height * 0.55);
  await page.waitForFunction(() => document.querySelector('smp-visualiser').getMask().data.some((v, i) => i % 4 === 3 && v > 0));
  const tapped = await area();
  assert.ok(tapped > found * 0.6 && tapped < found, `one patch: ${tapped} of ${found}`);
  const errors = (await events(page, 'smp-error')).map((e) => e.detail.code);
  assert.deepEqual(errors, ['no-bald-scalp', 'invalid-tap', 'invalid-tap']);
  assertNoErrors(assert, page);
});

test('scale calibration: draw a line, give its length', async () => {
  const page = await browser.open();
  await ready(page);
  await page.locator(`${el} input.photo-file`).setInputFiles(fx.skin);
  await page.locator(`${el} .work`).waitFor({ state: 'visible' });
  await page.locator(`${el} .tool[data-tool=measure]`).click();
  const stage = await page.locator(`${el} .stage`).boundingBox();
  // A horizontal line across half the 640-px photo: 320 photo pixels.
  await page.mouse.move(stage.x + stage.width * 0.25, stage.y + stage.height * 0.5);
  await page.mouse.down();
  await page.mouse.move(stage.x + stage.width * 0.75, stage.y + stage.height * 0.5, { steps: 5 });
  await page.mouse.up();
  assert.equal(await page.locator(`${el} .measure`).isVisible(), true, 'the measured line is shown');
  await page.locator(`${el} .calibrate-length`).fill('4');
  await page.locator(`${el} .calibrate-unit`).selectOption('cm');
  await page.locator(`${el} .calibrate button[type=submit]`).click();
  await page.waitForFunction(() => Math.abs(document.querySelector('smp-visualiser').settings.pxPerMm - 8) < 0.1);
  assert.match(await page.locator(`${el} .status`).textContent(), /Scale set: 8\.0 pixels per mm/);
  assert.equal(await page.locator(`${el} .calibrate`).isHidden(), true);
  assert.equal(await page.locator(`${el} .measure`).isHidden(), true);
  const codes = await page.evaluate(async () => {
    const v = document.querySelector('smp-visualiser');
    const code = (p) => p.then(() => 'resolved', (e) => e.code);
    return [
      await code(v.calibrate({ x0: 0, y0: 0, x1: 100, y1: 0, lengthMm: 0 })),
      await code(v.calibrate({ x0: 0, y0: 0, x1: 100, y1: 0, lengthMm: 1000 })), // 0.1 px/mm: out of range
      await code(v.calibrate({ x0: 0, y0: 0, x1: 1, y1: 0, lengthMm: 1 })),
    ];
  });
  assert.deepEqual(codes, ['invalid-setting', 'invalid-setting', 'invalid-setting']);
  assert.ok(Math.abs((await page.evaluate(() => document.querySelector('smp-visualiser').settings.pxPerMm)) - 8) < 0.1);
  assertNoErrors(assert, page);
});

test('hairline designer: drag a handle, change the style, undo', async () => {
  const page = await browser.open();
  await ready(page);
  await page.evaluate(() => document.querySelector('smp-visualiser').loadSample());
  await page.locator(`${el} .work`).waitFor({ state: 'visible' });
  await page.locator(`${el} .tool[data-tool=hairline]`).click();
  await page.waitForFunction(() => document.querySelector('smp-visualiser').getMask().data.some((v, i) => i % 4 === 3 && v > 0));
  const column = (x) =>
    page.evaluate((cx) => {
      const m = document.querySelector('smp-visualiser').getMask();
      // Last row of the area in this column (the hairline's height there).
      for (let y = m.height - 1; y >= 0; y--) if (m.data[(y * m.width + cx) * 4 + 3] >= 128) return y;
      return -1;
    }, x);
  const before = await column(800);
  assert.ok(before > 300 && before < 600, `hairline at row ${before} in the middle`);
  assert.equal(await page.evaluate(() => document.querySelector('smp-visualiser').getMask().data[3]), 255, 'the top of the head is in the area');
  // Drag the middle handle down by a tenth of the photo.
  const handle = page.locator(`${el} .hairline circle[data-index="2"]`);
  const hb = await handle.boundingBox();
  const stage = await page.locator(`${el} .stage`).boundingBox();
  await page.mouse.move(hb.x + hb.width / 2, hb.y + hb.height / 2);
  await page.mouse.down();
  await page.mouse.move(hb.x + hb.width / 2, hb.y + hb.height / 2 + stage.height * 0.1, { steps: 4 });
  await page.mouse.up();
  const after = await column(800);
  assert.ok(after > before + 80, `hairline moved from ${before} to ${after}`);
  await page.locator(`${el} .hairline-style`).selectOption('defined');
  // Leaving the tool keeps the design; undo returns to the empty area.
  await page.locator(`${el} .tool[data-tool=paint]`).click();
  assert.equal(await page.locator(`${el} .hairline`).isHidden(), true);
  await page.locator(`${el} button.undo`).click();
  assert.equal(await column(800), -1);
  const code = await page.evaluate(() =>
    document.querySelector('smp-visualiser').setHairline({ handles: [[1, 2]] }).then(() => 'resolved', (e) => e.code),
  );
  assert.equal(code, 'invalid-setting');
  assertNoErrors(assert, page);
});

test('exports carry their settings; settings save and load back', async () => {
  const page = await browser.open();
  await ready(page);
  await page.locator(`${el} input.photo-file`).setInputFiles(fx.skin);
  await page.locator(`${el} .work`).waitFor({ state: 'visible' });
  const r = await page.evaluate(async () => {
    const v = document.querySelector('smp-visualiser');
    const code = (p) => p.then(() => 'resolved', (e) => e.code);
    await v.setSettings({ densityPerCm2: 130, mode: 'density', shade: 0.7 });
    const png = await v.exportImage({ layout: 'side-by-side', disclaimer: 'Simulation only', date: new Date('2026-11-24T12:00:00Z') });
    const bytes = await window.__base64(png);
    const record = v.settingsRecord();
    await v.setSettings({ densityPerCm2: 40, mode: 'full', shade: 0.2 });
    const fromPng = await v.loadSettings(png);
    await v.setSettings({ densityPerCm2: 40 });
    const fromJson = await v.loadSettings(new Blob([JSON.stringify(record)], { type: 'application/json' }));
    const bad = {
      text: await code(v.loadSettings(new Blob(['hello']))),
      other: await code(v.loadSettings({ app: 'something-else', settings: {} })),
      jpeg: await code(v.loadSettings(await v.exportImage({ type: 'image/jpeg' }))),
    };
    return { bytes, fromPng, fromJson, bad };
  });
  const { readTextChunk } = await import('../www/png-meta.js');
  const meta = JSON.parse(readTextChunk(new Uint8Array(bytesOf(r.bytes)), 'smp-visualiser'));
  assert.equal(meta.settings.densityPerCm2, 130);
  assert.equal(meta.settings.mode, 'density');
  assert.equal(meta.disclaimer, 'Simulation only');
  assert.equal(meta.date, '2026-11-24');
  assert.equal(meta.layout, 'side-by-side');
  assert.equal(r.fromPng.densityPerCm2, 130);
  assert.equal(r.fromPng.mode, 'density');
  assert.equal(r.fromJson.shade, 0.7);
  assert.deepEqual(r.bad, { text: 'no-settings', other: 'no-settings', jpeg: 'no-settings' });
  // The footer band darkens the bottom edge of a side-by-side image only.
  const img = PNG.sync.read(bytesOf(r.bytes));
  const original = PNG.sync.read(readFileSync(fx.skin));
  const at = (png, x, y) => png.data[(y * png.width + x) * 4 + 1];
  assert.ok(at(img, 5, img.height - 3) < at(original, 5, original.height - 3) - 30, 'footer band');
  assertNoErrors(assert, page);
});

test('presets: built-in ones set several settings; a technician saves their own', async () => {
  const page = await browser.open();
  await ready(page);
  await page.locator(`${el} button.sample`).click();
  await page.locator(`${el} .work`).waitFor({ state: 'visible' });
  await page.locator(`${el} select.preset`).selectOption('Full buzz cut');
  await page.waitForFunction(() => document.querySelector('smp-visualiser').settings.mode === 'full');
  let s = await page.evaluate(() => document.querySelector('smp-visualiser').settings);
  assert.equal(s.densityPerCm2, 90);
  await page.locator(`${el} select.preset`).selectOption('Session 1');
  await page.locator(`${el} select.preset`).selectOption('Fresh');
  await page.waitForFunction(() => document.querySelector('smp-visualiser').settings.healing === 'fresh');
  s = await page.evaluate(() => document.querySelector('smp-visualiser').settings);
  assert.deepEqual([s.mode, s.session, s.healing], ['full', 1, 'fresh']);
  // Save our own, change things, apply it again; it survives a reload.
  await page.locator(`${el} button.save-preset`).click();
  await page.locator(`${el} .preset-name`).fill('Dr K light');
  await page.locator(`${el} .preset-form button[type=submit]`).click();
  await page.evaluate(() => document.querySelector('smp-visualiser').setSettings({ mode: 'patch', session: 3 }));
  await page.reload();
  await ready(page);
  const names = await page.evaluate(() => document.querySelector('smp-visualiser').presets.map((p) => `${p.group}:${p.name}`));
  assert.ok(names.includes('Saved:Dr K light'), names.join(', '));
  assert.ok(names.includes('Look:Thinning (no shave)') && names.includes('Time:After 5 years'));
  await page.evaluate(() => document.querySelector('smp-visualiser').applyPreset('Dr K light'));
  s = await page.evaluate(() => document.querySelector('smp-visualiser').settings);
  assert.deepEqual([s.mode, s.session, s.healing], ['full', 1, 'fresh']);
  const codes = await page.evaluate(async () => {
    const v = document.querySelector('smp-visualiser');
    const sync = (f) => { try { f(); return 'ok'; } catch (e) { return e.code; } };
    return [
      await v.applyPreset('Nope').then(() => 'ok', (e) => e.code),
      sync(() => v.savePreset('  ')),
      sync(() => v.savePreset('Session 1')),
    ];
  });
  assert.deepEqual(codes, ['unknown-preset', 'invalid-preset', 'invalid-preset']);
  assertNoErrors(assert, page);
});

test('compare: side by side, hold to see before, and the compare tool', async () => {
  const page = await browser.open();
  await ready(page);
  await page.locator(`${el} input.photo-file`).setInputFiles(fx.skin);
  await page.locator(`${el} .work`).waitFor({ state: 'visible' });
  const wipe = await page.locator(`${el} .stage`).boundingBox();
  await page.locator(`${el} select.compare-mode`).selectOption('side-by-side');
  const side = await page.locator(`${el} .stage`).boundingBox();
  assert.ok(side.width / side.height > (wipe.width / wipe.height) * 1.9, 'twice as wide');
  const halves = await page.evaluate(() => {
    const r = document.querySelector('smp-visualiser').shadowRoot;
    const b = r.querySelector('canvas.before').getBoundingClientRect();
    const a = r.querySelector('canvas.after').getBoundingClientRect();
    return { beforeRight: b.right, afterLeft: a.left };
  });
  assert.ok(Math.abs(halves.beforeRight - halves.afterLeft) < 2, 'before on the left half, after on the right');
  // Painting on the right half paints the same spot of the photo.
  await page.locator(`${el} .tool[data-tool=paint]`).click();
  await page.mouse.move(side.x + side.width * 0.75, side.y + side.height * 0.5);
  await page.mouse.down();
  await page.mouse.move(side.x + side.width * 0.8, side.y + side.height * 0.5, { steps: 3 });
  await page.mouse.up();
  const centre = await page.evaluate(() => {
    const m = document.querySelector('smp-visualiser').getMask();
    return m.data[(240 * 640 + 340) * 4 + 3];
  });
  assert.ok(centre > 0, 'painted around the middle of the photo');
  await page.evaluate(() => { document.querySelector('smp-visualiser').compareMode = 'wipe'; });
  // The stage's new size remakes the preview a moment later: wait until
  // the after-image holds still, so that no redraw falls between the
  // shots below.
  await page.evaluate(() => window.__shownFrame(document.querySelector('smp-visualiser'), true));
  // Hold to see before hides the after-image while pressed, and shows the
  // photo across the whole stage, not only on its side of the divider.
  // (The area's tint off: it covers the photo's side only.)
  await page.locator(`${el} input.show-area`).uncheck();
  const hold = page.locator(`${el} button.hold`);
  await hold.scrollIntoViewIfNeeded();
  const hb = await hold.boundingBox();
  const sb = await page.locator(`${el} .stage`).boundingBox();
  // Right of the divider and its handle, over the painted spot, clear of
  // the labels.
  const region = { x: sb.x + sb.width * 0.56, y: sb.y + sb.height * 0.4, width: sb.width * 0.1, height: sb.height * 0.2 };
  const shot = () => page.screenshot({ clip: region });
  const frames = () => page.evaluate(() => new Promise((ok) => requestAnimationFrame(() => requestAnimationFrame(ok))));
  const shown = await shot();
  await page.mouse.move(hb.x + 5, hb.y + 5);
  await page.mouse.down();
  assert.equal(await page.locator(`${el} canvas.after`).evaluate((c) => getComputedStyle(c).visibility), 'hidden');
  await frames();
  const held = await shot();
  await page.mouse.up();
  assert.equal(await page.locator(`${el} canvas.after`).evaluate((c) => getComputedStyle(c).visibility), 'visible');
  await page.evaluate(() => { document.querySelector('smp-visualiser').comparePosition = 1; });
  await frames();
  const photoOnly = await shot();
  await page.evaluate(() => { document.querySelector('smp-visualiser').comparePosition = 0.5; });
  await frames();
  assert.ok(!held.equals(shown), 'holding hides the after-image');
  assert.ok(held.equals(photoOnly), 'holding shows the photo right of the divider');
  // The compare tool: a drag anywhere moves the divider, and paints nothing.
  const before = await page.evaluate(() => document.querySelector('smp-visualiser').getMask().data.filter((v, i) => i % 4 === 3 && v > 0).length);
  await page.locator(`${el} .tool[data-tool=compare]`).click();
  await page.locator(`${el} .stage`).scrollIntoViewIfNeeded();
  const st = await page.locator(`${el} .stage`).boundingBox();
  await page.mouse.move(st.x + st.width * 0.6, st.y + st.height * 0.3);
  await page.mouse.down();
  await page.mouse.move(st.x + st.width * 0.3, st.y + st.height * 0.3, { steps: 4 });
  await page.mouse.up();
  const pos = await page.evaluate(() => document.querySelector('smp-visualiser').comparePosition);
  assert.ok(Math.abs(pos - 0.3) < 0.03, `divider at ${pos}`);
  const afterDrag = await page.evaluate(() => document.querySelector('smp-visualiser').getMask().data.filter((v, i) => i % 4 === 3 && v > 0).length);
  assert.equal(afterDrag, before);
  assert.equal(await page.locator(`${el} .stage`).evaluate((s) => getComputedStyle(s).touchAction), 'pan-y');
  assertNoErrors(assert, page);
});

test('offline: once visited, the page reloads and renders with no network', async () => {
  const page = await browser.open();
  await ready(page);
  await page.evaluate(async () => {
    await navigator.serviceWorker.ready;
    // Wait until the worker controls the page (it claims clients on activation).
    if (!navigator.serviceWorker.controller) {
      await new Promise((ok) => navigator.serviceWorker.addEventListener('controllerchange', ok, { once: true }));
    }
  });
  await page.context().setOffline(true);
  await page.reload();
  await ready(page);
  await page.locator(`${el} button.sample`).click();
  await page.locator(`${el} .work`).waitFor({ state: 'visible' });
  await page.evaluate(async () => {
    const v = document.querySelector('smp-visualiser');
    await v.autoRegion();
    await v.exportImage();
  });
  await page.context().setOffline(false);
  assertNoErrors(assert, page);
});

test('a configurable call to action fires smp-cta with the settings', async () => {
  const page = await browser.open();
  await ready(page);
  assert.equal(await page.locator(`${el} a.cta`).isHidden(), true, 'no call to action unless configured');
  await page.evaluate(() => document.querySelector('smp-visualiser').setAttribute('cta-label', 'Book a consultation'));
  await page.locator(`${el} button.sample`).click();
  await page.locator(`${el} .work`).waitFor({ state: 'visible' });
  await page.locator(`${el} a.cta`).click();
  const cta = await events(page, 'smp-cta');
  assert.equal(cta.length, 1);
  assert.equal(cta[0].detail.settings.densityPerCm2, 80);
  assert.equal(await page.locator(`${el} a.cta`).textContent(), 'Book a consultation');
  await page.evaluate(() => document.querySelector('smp-visualiser').setAttribute('cta-href', 'https://clinic.example/book'));
  assert.equal(await page.locator(`${el} a.cta`).getAttribute('href'), 'https://clinic.example/book');
  assertNoErrors(assert, page);
});

test('zoom: synchronised, to 800 %, drawn from full-resolution pixels', async () => {
  // A photo larger than the preview (2400×1800), with its patches as the area.
  execFileSync(join(ROOT, 'target', 'release', 'smp'), ['sample', '--out', join(OUT, 'big.png'), '--patches-out', join(OUT, 'big-mask.png'), '--width', '2400', '--height', '1800', '--seed', '3']);
  const page = await browser.open();
  await ready(page);
  await page.locator(`${el} input.photo-file`).setInputFiles(join(OUT, 'big.png'));
  await page.locator(`${el} .work`).waitFor({ state: 'visible' });
  await page.evaluate(() => document.querySelector('smp-visualiser').autoRegion());
  // Keyboard: + zooms in (in steps of 1.5), 0 resets.
  await page.locator(`${el} button.find`).focus();
  await page.keyboard.press('+');
  await page.keyboard.press('+');
  assert.equal((await page.evaluate(() => document.querySelector('smp-visualiser').zoom)).scale, 2.25);
  await page.keyboard.press('0');
  assert.equal((await page.evaluate(() => document.querySelector('smp-visualiser').zoom)).scale, 1);
  // Ctrl + wheel zooms at the cursor.
  const stage = await page.locator(`${el} .stage`).boundingBox();
  await page.mouse.move(stage.x + stage.width / 2, stage.y + stage.height / 2);
  await page.keyboard.down('Control');
  await page.mouse.wheel(0, -300);
  await page.keyboard.up('Control');
  assert.ok((await page.evaluate(() => document.querySelector('smp-visualiser').zoom)).scale > 1.3);
  // 800 % on the large patch, from script.
  await page.evaluate(() => {
    document.querySelector('smp-visualiser').zoom = { scale: 20, x: 0.58, y: 0.55 };
  });
  const z = await page.evaluate(() => document.querySelector('smp-visualiser').zoom);
  assert.equal(z.scale, 8, 'limited to 800 %');
  const transforms = await page.evaluate(() => {
    const r = document.querySelector('smp-visualiser').shadowRoot;
    return [...r.querySelectorAll('.view')].map((v) => getComputedStyle(v).transform);
  });
  assert.ok(transforms.every((t) => t === transforms[0] && t !== 'none'), 'before, after and area zoom together');
  // The zoomed view is redrawn from full-resolution pixels: the same as the export.
  await page.waitForFunction(() => !document.querySelector('smp-visualiser').shadowRoot.querySelector('.after-detail').hidden, null, { timeout: 10000 });
  const detail = await page.evaluate(async () => {
    const v = document.querySelector('smp-visualiser');
    const c = v.shadowRoot.querySelector('.after-detail');
    const left = parseFloat(c.style.left) / 100;
    const top = parseFloat(c.style.top) / 100;
    const px = Array.from(c.getContext('2d').getImageData(0, 0, 40, 40).data);
    const blob = await v.exportImage();
    return { w: c.width, h: c.height, left, top, px, png: await window.__base64(blob) };
  });
  assert.ok(detail.w >= 300 && detail.w <= 302, `detail ${detail.w} px wide: full resolution of 1/8 of 2400`);
  const full = PNG.sync.read(bytesOf(detail.png));
  const x0 = Math.round(detail.left * 2400);
  const y0 = Math.round(detail.top * 1800);
  let same = 0;
  for (let y = 0; y < 40; y++) for (let x = 0; x < 40; x++) for (let c = 0; c < 3; c++) {
    if (detail.px[(y * 40 + x) * 4 + c] === full.data[((y0 + y) * 2400 + x0 + x) * 4 + c]) same++;
  }
  assert.equal(same, 40 * 40 * 3, 'the zoomed view shows the full-resolution result');
  // Arrow keys pan the zoomed view (both halves together).
  await page.locator(`${el} button.find`).focus();
  const panFrom = (await page.evaluate(() => document.querySelector('smp-visualiser').zoom)).x;
  await page.keyboard.press('ArrowRight');
  const panTo = (await page.evaluate(() => document.querySelector('smp-visualiser').zoom)).x;
  assert.ok(Math.abs(panTo - panFrom - 0.1 / 8) < 1e-6, `panned from ${panFrom} to ${panTo}`);
  await page.locator(`${el} button.zoom-reset`).click();
  assert.equal((await page.evaluate(() => document.querySelector('smp-visualiser').zoom)).scale, 1);
  assertNoErrors(assert, page);
});

test('strings: one table translates the interface', async () => {
  const page = await browser.open();
  await ready(page);
  const sources = await page.evaluate(() => customElements.get('smp-visualiser').sourceStrings());
  for (const s of ['Choose a photo', 'Find bald areas', 'Download image', 'Your photo stays on this device: nothing is uploaded.', 'Scale set: {value} pixels per mm.']) {
    assert.ok(sources.includes(s), `source strings include "${s}"`);
  }
  await page.evaluate(() => {
    document.querySelector('smp-visualiser').strings = {
      'Choose a photo': 'Choisir une photo',
      'Your photo stays on this device: nothing is uploaded.': 'Votre photo reste sur cet appareil.',
      'Find bald areas': 'Trouver les zones sans cheveux',
      Density: 'Densité',
      'Choose a photo ': 'ignored: no such source',
      'Before and after divider': 'Curseur avant/après',
    };
  });
  assert.match(await page.locator(`${el} .start label.choose`).textContent(), /Choisir une photo/);
  assert.equal(await page.locator(`${el} .privacy`).textContent(), 'Votre photo reste sur cet appareil.');
  await page.locator(`${el} button.sample`).click();
  await page.locator(`${el} .work`).waitFor({ state: 'visible' });
  assert.equal(await page.locator(`${el} button.find`).textContent(), 'Trouver les zones sans cheveux');
  assert.equal(await page.locator(`${el} label[for=smp-densityPerCm2]`).textContent(), 'Densité');
  assert.equal(await page.locator(`${el} .handle`).getAttribute('aria-label'), 'Curseur avant/après');
  const table = await page.evaluate(() => document.querySelector('smp-visualiser').strings);
  assert.equal(table['Find bald areas'], 'Trouver les zones sans cheveux');
  assert.equal(table['Download image'], 'Download image');
  assertNoErrors(assert, page);
});

test('share through the Web Share API where the browser has it', async () => {
  const plain = await browser.open();
  await ready(plain);
  const hiddenWithout = await plain.evaluate(() => !navigator.canShare || document.querySelector('smp-visualiser').shadowRoot.querySelector('.share').hidden);
  assert.equal(hiddenWithout, true, 'no Share button without file sharing');
  // A browser that can share files (stubbed): the button shares the PNG.
  const page = await browser.open();
  await page.addInitScript(() => {
    navigator.canShare = () => true;
    navigator.share = async (data) => {
      window.__shared = { name: data.files[0].name, type: data.files[0].type, size: data.files[0].size };
    };
  });
  await page.reload();
  await ready(page);
  await page.locator(`${el} button.sample`).click();
  await page.locator(`${el} .work`).waitFor({ state: 'visible' });
  await page.locator(`${el} button.share`).click();
  await page.waitForFunction(() => window.__shared);
  const shared = await page.evaluate(() => window.__shared);
  assert.equal(shared.type, 'image/png');
  assert.equal(shared.name, 'smp-after.png');
  assert.ok(shared.size > 10000);
  assertNoErrors(assert, page);
});

test('zoom by touch: pinch with two fingers, double-tap in the compare tool', async () => {
  const page = await browser.open('?for=technician', { viewport: { width: 390, height: 844 }, hasTouch: true, isMobile: true });
  await ready(page);
  await page.locator(`${el} button.sample`).click();
  await page.locator(`${el} .work`).waitFor({ state: 'visible' });
  await page.locator(`${el} .stage`).scrollIntoViewIfNeeded();
  const st = await page.locator(`${el} .stage`).boundingBox();
  const areaBefore = await page.evaluate(() => document.querySelector('smp-visualiser').getMask().data.filter((v, i) => i % 4 === 3 && v > 0).length);
  await page.locator(`${el} .tool[data-tool=paint]`).click();
  const cdp = await page.context().newCDPSession(page);
  const cx = st.x + st.width / 2;
  const cy = st.y + st.height / 2;
  const fingers = (d) => [{ x: cx - d, y: cy, id: 1 }, { x: cx + d, y: cy, id: 2 }];
  await cdp.send('Input.dispatchTouchEvent', { type: 'touchStart', touchPoints: fingers(20) });
  for (let d = 25; d <= 80; d += 5) await cdp.send('Input.dispatchTouchEvent', { type: 'touchMove', touchPoints: fingers(d) });
  await cdp.send('Input.dispatchTouchEvent', { type: 'touchEnd', touchPoints: [] });
  const pinched = await page.evaluate(() => document.querySelector('smp-visualiser').zoom.scale);
  assert.ok(pinched > 3 && pinched < 4.5, `pinch zoomed to ${pinched}`);
  const areaAfter = await page.evaluate(() => document.querySelector('smp-visualiser').getMask().data.filter((v, i) => i % 4 === 3 && v > 0).length);
  assert.equal(areaAfter, areaBefore, 'a pinch does not paint, even with Paint picked');
  await page.locator(`${el} button.zoom-reset`).click();
  await page.locator(`${el} .tool[data-tool=compare]`).click();
  await page.locator(`${el} .stage`).scrollIntoViewIfNeeded();
  const box = await page.locator(`${el} .stage`).boundingBox();
  await page.mouse.dblclick(box.x + box.width * 0.3, box.y + box.height * 0.4);
  const z = await page.evaluate(() => document.querySelector('smp-visualiser').zoom);
  assert.equal(z.scale, 4);
  assert.ok(Math.abs(z.x - 0.3) < 0.15 && Math.abs(z.y - 0.4) < 0.15, `zoomed around the tap: ${JSON.stringify(z)}`);
  await page.mouse.dblclick(box.x + box.width * 0.5, box.y + box.height * 0.5);
  assert.equal((await page.evaluate(() => document.querySelector('smp-visualiser').zoom)).scale, 1, 'a second double-tap zooms back out');
  assertNoErrors(assert, page);
});

test('partner attributes take effect live: accent, logo, controls, preset, lang, disclaimer', async () => {
  const page = await browser.open();
  await ready(page);
  await page.locator(`${el} button.sample`).click();
  await page.locator(`${el} .work`).waitFor({ state: 'visible' });
  await page.evaluate(() => {
    const v = document.querySelector('smp-visualiser');
    v.setAttribute('accent', '#7a1fa2');
    v.setAttribute('logo', 'data:image/svg+xml,%3Csvg xmlns=%22http://www.w3.org/2000/svg%22 width=%2240%22 height=%2220%22/%3E');
    v.setAttribute('logo-alt', 'Clinic');
    v.setAttribute('controls', 'client');
    v.setAttribute('preset', 'Full buzz cut');
    v.setAttribute('disclaimer', 'Simulation only – Clinic X');
    customElements.get('smp-visualiser').addLanguage('fr', { 'Find bald areas': 'Trouver les zones' });
    v.setAttribute('lang', 'fr');
  });
  await page.waitForFunction(() => document.querySelector('smp-visualiser').settings.mode === 'full');
  const accent = await page.locator(`${el} button.find`).evaluate((b) => getComputedStyle(b).backgroundColor);
  assert.equal(accent, 'rgb(122, 31, 162)');
  assert.equal(await page.locator(`${el} img.logo`).isVisible(), true);
  assert.equal(await page.locator(`${el} img.logo`).getAttribute('alt'), 'Clinic');
  assert.equal(await page.locator(`${el} .tool[data-tool=measure]`).isVisible(), false, 'client mode hides technician tools');
  assert.equal(await page.locator(`${el} .looks`).isVisible(), true, 'client mode shows the result screen');
  await page.locator(`${el} button.change-area`).click();
  await page.locator(`${el} button.adjust`).click();
  assert.equal(await page.locator(`${el} .tool[data-tool=paint]`).isVisible(), true, 'Adjust shows the paint tool');
  assert.equal(await page.locator(`${el} button.find`).textContent(), 'Trouver les zones');
  const meta = await page.evaluate(async () => {
    const { readTextChunk } = await import('./png-meta.js');
    const blob = await document.querySelector('smp-visualiser').exportImage({ layout: 'side-by-side' });
    return JSON.parse(readTextChunk(new Uint8Array(await blob.arrayBuffer()), 'smp-visualiser'));
  });
  assert.equal(meta.disclaimer, 'Simulation only – Clinic X');
  await page.evaluate(() => {
    const v = document.querySelector('smp-visualiser');
    v.setAttribute('controls', 'technician');
    v.removeAttribute('lang');
  });
  assert.equal(await page.locator(`${el} .tool[data-tool=measure]`).isVisible(), true);
  assert.equal(await page.locator(`${el} button.find`).textContent(), 'Find bald areas');
  assertNoErrors(assert, page);
});
