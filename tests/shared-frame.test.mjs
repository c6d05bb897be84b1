// Frames shared with the worker: on a large preview (a 2 MP photo on a
// high-density screen) the page's engine and the worker's each composite a
// band of rows. Whatever the changes (script calls, slider drags, a brush
// stroke in between, an export meanwhile), the frame shown is the one a
// fresh page draws alone for the final state, and frames were shared.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { mkdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { startBrowser, ready, assertNoErrors, blobInPage, ROOT, OUT } from './helpers.mjs';

const CLI = join(ROOT, 'target', 'release', 'smp');
let browser;
let photo;
before(async () => {
  mkdirSync(OUT, { recursive: true });
  photo = join(OUT, 'shared-frame-2mp.png');
  execFileSync(CLI, ['sample', '--out', photo, '--width', '1732', '--height', '1155', '--seed', '8']);
  browser = await startBrowser();
});
after(async () => browser?.close());

/** A technician's page on a 2× laptop screen, with the photo, a hash of
 * the frame shown, and a count of the rows the worker was asked for. */
async function page2x() {
  const page = await browser.open('?for=technician', { viewport: { width: 1440, height: 900 }, deviceScaleFactor: 2 });
  await ready(page);
  await blobInPage(page, readFileSync(photo), 'photo', 'image/png');
  await page.evaluate(() => {
    window.__bands = 0;
    const post = Worker.prototype.postMessage;
    Worker.prototype.postMessage = function (message, ...rest) {
      if (message?.type === 'band') window.__bands++;
      return post.call(this, message, ...rest);
    };
    window.__t = {
      async start(v) {
        await v.loadImage(window.photo);
        const m = v.getMask();
        for (let i = 3; i < m.data.length; i += 4) m.data[i] = 255;
        await v.setMask(m);
      },
      shown: (v, whole) => window.__shownFrame(v, whole),
      /** Waits, a frame at a time, until `ok()` (at most 5 s). */
      async until(ok) {
        for (let i = 0; i < 300 && !ok(); i++) await new Promise((next) => requestAnimationFrame(next));
        return ok();
      },
      /** Waits until a setting change is shared with the worker (it is given
       * the area a moment after the last change of it). */
      async untilShared(v) {
        for (let i = 0; i < 50; i++) {
          const bands = window.__bands;
          await v.setSettings({ shade: i % 2 ? 0.5 : 0.55 });
          if (window.__bands > bands) return true;
          await new Promise((ok) => setTimeout(ok, 100));
        }
        return false;
      },
    };
  });
  return page;
}

/** The settings a fresh page is given to match. */
const pick = ({ densityPerCm2, dotDiameterMm, shade, softness, yearsAfter, session, healing, mode }) => ({ densityPerCm2, dotDiameterMm, shade, softness, yearsAfter, session, healing, mode });

/** What a fresh page shows, drawing alone (its first frames come before
 * the worker has the area), for the photo, the whole area and `settings`. */
async function freshFrame(settings, comparePosition = 0.5) {
  const page = await page2x();
  const r = await page.evaluate(async ({ settings, comparePosition }) => {
    const v = document.querySelector('smp-visualiser');
    await window.__t.start(v);
    await v.setSettings(settings);
    v.comparePosition = comparePosition;
    await window.__t.until(() => v.shadowRoot.querySelector('.stage').style.getPropertyValue('--split') === String(comparePosition));
    return { shown: await window.__t.shown(v), bands: window.__bands, whole: await window.__t.shown(v, true) };
  }, { settings, comparePosition });
  assertNoErrors(assert, page);
  assert.equal(r.bands, 0, 'the fresh page drew alone');
  return r;
}

test('frames shared with the worker equal a fresh page\'s, through jumps, drags, a stroke and an export', async () => {
  const page = await page2x();
  const r = await page.evaluate(async () => {
    const v = document.querySelector('smp-visualiser');
    const root = v.shadowRoot;
    await window.__t.start(v);
    const sharing = await window.__t.untilShared(v);
    const first = window.__bands;
    // Jumps of every kind, by script: the worker is free for each.
    await v.setSettings({ densityPerCm2: 110 });
    await v.setSettings({ dotDiameterMm: 0.55 });
    await v.setSettings({ session: 1, healing: 'fresh' });
    await v.setSettings({ mode: 'full' });
    const jumps = { settings: v.settings, shown: await window.__t.shown(v), shared: window.__bands - first };
    // The columns behind the divider, drawn once the view is idle (shared too).
    jumps.whole = await window.__t.shown(v, true);
    jumps.sharedIdle = window.__bands - first - jumps.shared;
    // Sliders dragged a step a frame, an export asked for in the middle.
    let exporting = null;
    for (const [name, values] of [['softness', [0.2, 0.3, 0.4, 0.5]], ['densityPerCm2', [100, 90, 80, 70]], ['yearsAfter', [1, 2, 3]]]) {
      const input = root.querySelector(`input[data-setting=${name}]`);
      for (const value of values) {
        input.value = String(value);
        input.dispatchEvent(new Event('input', { bubbles: true }));
        await new Promise((ok) => requestAnimationFrame(ok));
        exporting ??= v.exportImage({ type: 'image/png', layout: 'after' });
      }
    }
    await exporting;
    // A stroke erases part of the area (the page draws alone until the
    // worker has the new area), then more changes.
    const m = v.getMask();
    for (let y = 200; y < 500; y++) for (let x = 300; x < 900; x++) m.data[(y * m.width + x) * 4 + 3] = 0;
    await v.setMask(m);
    await v.setSettings({ shade: 0.8 });
    const sharingAgain = await window.__t.untilShared(v);
    const again = window.__bands;
    await v.setSettings({ densityPerCm2: 65, session: 3, healing: 'healed' });
    await v.setSettings({ shade: 0.3 });
    const settings = v.settings;
    return { sharing, sharingAgain, sharedLast: window.__bands - again, jumps, settings, shown: await window.__t.shown(v), errors: window.__smpEvents.filter((e) => e.type === 'smp-error') };
  });
  assert.deepEqual(r.errors, []);
  assertNoErrors(assert, page);
  assert.ok(r.sharing && r.sharingAgain, 'frames were shared with the worker, again after the area changed');
  // While the export runs, and until the worker is given the area again,
  // the page draws alone: how many drag frames are shared depends on timing.
  assert.equal(r.jumps.shared, 4, 'each jump was shared');
  assert.equal(r.sharedLast, 2, 'each change after the area was given again was shared');
  const fresh1 = await freshFrame(pick(r.jumps.settings));
  assert.deepEqual(r.jumps.shown, fresh1.shown, 'after the jumps, the frame shown is a fresh page\'s');
  assert.equal(r.jumps.shown[2], Math.ceil(r.jumps.shown[0] / 2), 'only the columns right of the divider were compared first');
  assert.equal(r.jumps.sharedIdle, 1, 'the hidden columns were drawn once the view was idle, shared');
  assert.deepEqual(r.jumps.whole, fresh1.whole, 'then every column is a fresh page\'s');
  // The last frame, with the area partly erased: a fresh page with the same area.
  const fresh = await page2x();
  const shown = await fresh.evaluate(async (settings) => {
    const v = document.querySelector('smp-visualiser');
    await window.__t.start(v);
    const m = v.getMask();
    for (let y = 200; y < 500; y++) for (let x = 300; x < 900; x++) m.data[(y * m.width + x) * 4 + 3] = 0;
    await v.setMask(m);
    await v.setSettings(settings);
    return { shown: await window.__t.shown(v), bands: window.__bands };
  }, pick(r.settings));
  assertNoErrors(assert, fresh);
  assert.equal(shown.bands, 0, 'the fresh page drew alone');
  assert.deepEqual(r.shown, shown.shown, 'the last frame is a fresh page\'s');
});

test('uncovering the after-image right after a change (divider, zoom, side by side) shows no column left undrawn', async () => {
  const page = await page2x();
  const r = await page.evaluate(async () => {
    const v = document.querySelector('smp-visualiser');
    const stage = v.shadowRoot.querySelector('.stage');
    await window.__t.start(v);
    const sharing = await window.__t.untilShared(v);
    const seen = {};
    /** A change, then at once a view change that uncovers columns the
     * frame leaves out (`inFlight`: while that frame is being drawn, the
     * view idle before it): what the stage says at once, and once it
     * changed. */
    const uncover = async (label, settings, act, style, want, inFlight = false) => {
      if (inFlight) await new Promise((ok) => setTimeout(ok, 600));
      const change = v.setSettings(settings);
      if (!inFlight) await change;
      act();
      const at = { style: stage.style.getPropertyValue(style), side: stage.classList.contains('side') };
      await change;
      const changed = await window.__t.until(() => stage.style.getPropertyValue(style) === want && (label !== 'side' || stage.classList.contains('side')));
      const shown = await window.__t.shown(v);
      seen[label] = { at, changed, shown, settings: v.settings };
    };
    await uncover('divider', { densityPerCm2: 120, shade: 0.7 }, () => { v.comparePosition = 0; }, '--split', '0');
    v.comparePosition = 0.5;
    await uncover('zoom', { densityPerCm2: 70, shade: 0.4 }, () => { v.zoom = { scale: 2, x: 0.3, y: 0.5 }; }, '--zoom', '2');
    v.zoom = { scale: 1 };
    await window.__t.untilShared(v); // the worker drew the zoomed view's detail meanwhile
    const bands = window.__bands;
    await uncover('inFlight', { densityPerCm2: 95 }, () => { v.comparePosition = 0.2; }, '--split', '0.2', true);
    const sharedInFlight = window.__bands > bands;
    await uncover('side', { densityPerCm2: 120, shade: 0.7 }, () => { v.compareMode = 'side-by-side'; }, '--split', '0.2');
    return { sharing, sharedInFlight, seen, errors: window.__smpEvents.filter((e) => e.type === 'smp-error') };
  });
  assert.deepEqual(r.errors, []);
  assertNoErrors(assert, page);
  assert.ok(r.sharing && r.sharedInFlight, 'frames were shared with the worker');
  const { divider, zoom, inFlight, side } = r.seen;
  assert.deepEqual(pick(side.settings), pick(divider.settings));
  const [a, b] = [await freshFrame(pick(divider.settings)), await freshFrame(pick(zoom.settings))];
  const c = await freshFrame(pick(inFlight.settings), 0.2);
  // The view waits for the frame that draws what it uncovers.
  assert.deepEqual([divider.at.style, divider.changed], ['0.5', true], 'the divider moved once the frame was drawn');
  assert.deepEqual(divider.shown, a.whole, 'every column then shown is a fresh page\'s');
  assert.deepEqual([zoom.at.style, zoom.changed], ['1', true], 'the zoom applied once the frame was drawn');
  assert.deepEqual(zoom.shown, b.whole, 'every column of the zoomed view is a fresh page\'s');
  // A frame being drawn from the middle when the divider moves left: the
  // divider waits for the frame after it, which draws from there.
  assert.deepEqual([inFlight.at.style, inFlight.changed], ['0.5', true], 'the divider waited for the frame being drawn and the next');
  assert.deepEqual(inFlight.shown, c.shown, 'every column then shown is a fresh page\'s');
  assert.deepEqual([side.at.side, side.changed], [false, true], 'side by side once the frame was drawn');
  assert.deepEqual(side.shown, a.whole, 'every column side by side is a fresh page\'s');
});
