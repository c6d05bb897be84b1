// What the screen shows is the after-image the engine drew, a screen pixel
// for each of its pixels: on a laptop at 1 and 2 device pixels per CSS
// pixel, on a 3× phone, and again after the window is resized. Scaled by
// the browser, even by half a percent, every dot would be resampled across
// two pixels and the result would look soft.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { startBrowser, ready, assertNoErrors } from './helpers.mjs';

let browser;
before(async () => {
  browser = await startBrowser();
});
after(async () => browser?.close());

/** Shares of the middle of the after-canvas (clear of the labels, the
 * divider's handle and messages) whose pixels the screen shows exactly:
 * the best of the placements a pixel around where it should be. */
async function shownExactly(page) {
  const at = await page.evaluate(async () => {
    const v = document.querySelector('smp-visualiser');
    v.comparePosition = 0;
    const c = v.shadowRoot.querySelector('canvas.after');
    c.scrollIntoView({ block: 'center' });
    await window.__shownFrame(v, true);
    const r = c.getBoundingClientRect();
    return { x: r.x, y: r.y, cssWidth: r.width, cssHeight: r.height, width: c.width, height: c.height, dpr: devicePixelRatio };
  });
  const shot = await page.screenshot({ scale: 'device' });
  const share = await page.evaluate(
    async ({ b64, at }) => {
      const img = new Image();
      img.src = `data:image/png;base64,${b64}`;
      await img.decode();
      const screen = new OffscreenCanvas(img.width, img.height).getContext('2d');
      screen.drawImage(img, 0, 0);
      const shown = screen.getImageData(0, 0, img.width, img.height).data;
      const c = document.querySelector('smp-visualiser').shadowRoot.querySelector('canvas.after');
      const own = c.getContext('2d').getImageData(0, 0, c.width, c.height).data;
      const [x0, y0] = [Math.round(at.x * at.dpr), Math.round(at.y * at.dpr)];
      let best = 0;
      for (let dy = -1; dy <= 1; dy++) {
        for (let dx = -1; dx <= 1; dx++) {
          let same = 0;
          let all = 0;
          for (let y = Math.floor(c.height * 0.2); y < c.height * 0.75; y += 2) {
            for (let x = Math.floor(c.width * 0.15); x < c.width * 0.85; x += 2) {
              const i = ((y0 + y + dy) * img.width + x0 + x + dx) * 4;
              const j = (y * c.width + x) * 4;
              all++;
              if (shown[i] === own[j] && shown[i + 1] === own[j + 1] && shown[i + 2] === own[j + 2]) same++;
            }
          }
          best = Math.max(best, same / all);
        }
      }
      return best;
    },
    { b64: shot.toString('base64'), at },
  );
  return { ...at, share };
}

/** A page with the built-in sample photo in the area. */
async function withSample(path, options) {
  const page = await browser.open(path, options);
  await ready(page);
  await page.locator('smp-visualiser button.sample').click();
  await page.waitForFunction(() => document.querySelector('smp-visualiser').hasArea);
  if (path.includes('client')) await page.locator('smp-visualiser button.accept').click();
  return page;
}

for (const dpr of [1, 2]) {
  test(`a technician's laptop at ${dpr}×: the after-image is shown a screen pixel per pixel`, async () => {
    const page = await withSample('?for=technician', { viewport: { width: 1440, height: 900 }, deviceScaleFactor: dpr });
    const at = await shownExactly(page);
    assert.equal(at.cssWidth * dpr, at.width, 'the canvas is as wide on screen as it has pixels');
    assert.equal(at.cssHeight * dpr, at.height, 'and as tall');
    assert.ok(at.share > 0.999, `${(at.share * 100).toFixed(1)} % of the pixels shown as drawn`);
    // Narrower: the preview is made again for the room the photo now has.
    await page.setViewportSize({ width: 1180, height: 900 });
    await page.waitForFunction((w) => document.querySelector('smp-visualiser').shadowRoot.querySelector('canvas.after').width !== w, at.width);
    const again = await shownExactly(page);
    assert.ok(again.width < at.width, `${again.width} px across after the resize, ${at.width} before`);
    assert.equal(again.cssWidth * dpr, again.width);
    assert.ok(again.share > 0.999, `after the resize, ${(again.share * 100).toFixed(1)} % shown as drawn`);
    assertNoErrors(assert, page);
  });
}

test("a client's 3× phone: the result is shown a screen pixel per pixel", async () => {
  const page = await withSample('?for=client', { viewport: { width: 390, height: 844 }, deviceScaleFactor: 3, isMobile: true, hasTouch: true });
  const at = await shownExactly(page);
  assert.equal(Math.round(at.cssWidth * 3), at.width);
  assert.equal(Math.round(at.cssHeight * 3), at.height);
  assert.ok(at.share > 0.999, `${(at.share * 100).toFixed(1)} % of the pixels shown as drawn`);
  assertNoErrors(assert, page);
});

test('an opaque photo is shown in an opaque after-canvas, a photo with see-through parts in a transparent one', async () => {
  const page = await withSample('?for=technician', { viewport: { width: 1100, height: 900 } });
  const afterCanvas = () => page.evaluate(() => {
    const c = document.querySelector('smp-visualiser').shadowRoot.querySelector('canvas.after');
    return { alpha: c.getContext('2d').getContextAttributes().alpha, width: c.width, label: c.getAttribute('aria-label'), shown: c.getBoundingClientRect().width > 0 };
  });
  const sample = await afterCanvas();
  assert.equal(sample.alpha, false, 'the sample photo is opaque: so is its canvas');
  // A photo whose top half is see-through, wholly in the area.
  const seen = await page.evaluate(async () => {
    const v = document.querySelector('smp-visualiser');
    const photo = new OffscreenCanvas(400, 300);
    const g = photo.getContext('2d');
    g.fillStyle = '#8a6a5a';
    g.fillRect(0, 150, 400, 150);
    await v.loadImage(await photo.convertToBlob({ type: 'image/png' }));
    const all = new ImageData(400, 300);
    for (let i = 3; i < all.data.length; i += 4) all.data[i] = 255;
    await v.setMask(all);
    v.comparePosition = 0;
    await window.__shownFrame(v, true);
    const c = v.shadowRoot.querySelector('canvas.after');
    const at = (fy) => [...c.getContext('2d').getImageData(c.width >> 1, Math.floor(c.height * fy), 1, 1).data];
    return { top: at(0.25), bottom: at(0.75) };
  });
  const clear = await afterCanvas();
  assert.equal(clear.alpha, true, 'a photo with see-through parts gets a transparent canvas');
  assert.equal(seen.top[3], 0, 'its see-through half stays see-through in the after-image');
  assert.equal(seen.bottom[3], 255);
  assert.ok(seen.bottom[0] < 0x8a, `and its opaque half is pigmented (${seen.bottom})`);
  assert.equal(clear.label, sample.label, 'the new canvas is the same element to a screen reader');
  assert.ok(clear.shown);
  // An opaque photo again: an opaque canvas again.
  await page.evaluate(() => document.querySelector('smp-visualiser').loadSample());
  assert.equal((await afterCanvas()).alpha, false);
  assertNoErrors(assert, page);
});
