// Input that arrives faster than frames, or while something slow runs: a
// burst of hundreds of changes, a setting changed during an export, a
// slider dragged while a photo loads. The last value wins, nothing fails,
// and the frame shown is the one a fresh page draws for the final state.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { mkdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { startBrowser, ready, assertNoErrors, blobInPage, ROOT, OUT } from './helpers.mjs';

const CLI = join(ROOT, 'target', 'release', 'smp');
let browser;
const photos = {};
before(async () => {
  mkdirSync(OUT, { recursive: true }); // a fresh clone has no tests/out yet
  for (const [name, w, h, seed] of [['a', 900, 700, 3], ['b', 800, 600, 4]]) {
    photos[name] = join(OUT, `bad-input-${name}.png`);
    execFileSync(CLI, ['sample', '--out', photos[name], '--width', String(w), '--height', String(h), '--seed', String(seed)]);
  }
  browser = await startBrowser();
});
after(async () => browser?.close());

async function technicianPage() {
  const page = await browser.open('?for=technician', { viewport: { width: 1100, height: 900 } });
  await ready(page);
  for (const name of ['a', 'b']) await blobInPage(page, readFileSync(photos[name]), `photo_${name}`, 'image/png');
  // Helpers in the page: the whole photo as the area, the frame shown, and
  // an export's pixels, each as a hash.
  await page.evaluate(() => {
    const hash = (data) => {
      let h = 2166136261;
      for (let i = 0; i < data.length; i++) h = Math.imul(h ^ data[i], 16777619) >>> 0;
      return h;
    };
    window.__t = {
      wholeArea(v) {
        const m = v.getMask();
        for (let i = 3; i < m.data.length; i += 4) m.data[i] = 255;
        return v.setMask(m);
      },
      shown: (v) => window.__shownFrame(v),
      async pixels(blob) {
        const b = await createImageBitmap(blob);
        const c = new OffscreenCanvas(b.width, b.height);
        c.getContext('2d').drawImage(b, 0, 0);
        return hash(c.getContext('2d').getImageData(0, 0, b.width, b.height).data);
      },
    };
  });
  return page;
}

/** What a fresh page shows for the last of `photos` (loaded in turn, as the
 * page under test did: the preview's size follows the stage) with the whole
 * photo as the area and `settings`. */
async function freshFrame(photos, settings) {
  const page = await technicianPage();
  const shown = await page.evaluate(async ({ photos, settings }) => {
    const v = document.querySelector('smp-visualiser');
    for (const photo of photos) await v.loadImage(window[photo]);
    await window.__t.wholeArea(v);
    await v.setSettings(settings);
    return window.__t.shown(v);
  }, { photos, settings });
  assertNoErrors(assert, page);
  return shown;
}

const CONTINUOUS = ['densityPerCm2', 'dotDiameterMm', 'shade', 'softness', 'yearsAfter'];

test('a burst of 400 changes, from sliders and from a script, ends on the last value of each, with its frame', async () => {
  const page = await technicianPage();
  const r = await page.evaluate(async (names) => {
    const v = document.querySelector('smp-visualiser');
    await v.loadImage(window.photo_a);
    await window.__t.wholeArea(v);
    const root = v.shadowRoot;
    let seed = 12345;
    const rand = () => ((seed = (Math.imul(seed, 1664525) + 1013904223) >>> 0) / 2 ** 32);
    const pending = [];
    const last = {};
    // All in one task, faster than any frame: half slider moves, half
    // script calls left to settle later, with a few choices among them.
    for (let i = 0; i < 400; i++) {
      const name = names[i % names.length];
      const input = root.querySelector(`input[data-setting=${name}]`);
      const [min, max, step] = [Number(input.min), Number(input.max), Number(input.step)];
      const value = Number((min + Math.round(((max - min) * rand()) / step) * step).toFixed(6));
      if (i % 2) {
        input.value = String(value);
        input.dispatchEvent(new Event('input', { bubbles: true }));
      } else {
        pending.push(v.setSettings({ [name]: value }));
      }
      last[name] = value;
      if (i % 50 === 25) pending.push(v.setSettings({ session: 1 + (i % 3), healing: i % 100 === 25 ? 'fresh' : 'healed' }));
    }
    pending.push(v.setSettings({ session: 2, healing: 'healed' }));
    await Promise.all(pending);
    const settings = v.settings;
    const sliders = Object.fromEntries(names.map((n) => [n, Number(root.querySelector(`input[data-setting=${n}]`).value)]));
    return { settings, last, sliders, shown: await window.__t.shown(v), errors: window.__smpEvents.filter((e) => e.type === 'smp-error') };
  }, CONTINUOUS);
  assert.deepEqual(r.errors, []);
  for (const name of CONTINUOUS) {
    assert.ok(Math.abs(r.settings[name] - r.last[name]) < 1e-9, `${name}: ${r.settings[name]}, the last value was ${r.last[name]}`);
    assert.ok(Math.abs(r.sliders[name] - r.last[name]) < 1e-9, `${name}'s slider shows ${r.sliders[name]}`);
  }
  assert.equal(r.settings.session, 2);
  assertNoErrors(assert, page);
  const final = Object.fromEntries([...CONTINUOUS.map((n) => [n, r.settings[n]]), ['session', 2], ['healing', 'healed']]);
  assert.deepEqual(r.shown, await freshFrame(['photo_a'], final), 'the frame shown is the final state\'s, as a fresh page draws it');
});

test('a setting changed during an export: the export has the settings of the moment it was asked for, the view the new ones', async () => {
  const page = await technicianPage();
  const r = await page.evaluate(async () => {
    const v = document.querySelector('smp-visualiser');
    await v.loadImage(window.photo_a);
    await window.__t.wholeArea(v);
    await v.setSettings({ densityPerCm2: 60, dotDiameterMm: 0.3 });
    const exporting = v.exportImage({ type: 'image/png', layout: 'after' });
    await v.setSettings({ densityPerCm2: 110 });
    await v.setSettings({ dotDiameterMm: 0.5 });
    const during = await window.__t.pixels(await exporting);
    const now = v.settings;
    const shown = await window.__t.shown(v);
    await v.setSettings({ densityPerCm2: 60, dotDiameterMm: 0.3 });
    const before = await window.__t.pixels(await v.exportImage({ type: 'image/png', layout: 'after' }));
    return { during, before, now: [now.densityPerCm2, now.dotDiameterMm], shown, errors: window.__smpEvents.filter((e) => e.type === 'smp-error') };
  });
  assert.deepEqual(r.errors, []);
  assert.equal(r.during, r.before, 'the export drew the settings of the moment it was asked for');
  assert.deepEqual(r.now, [110, 0.5]);
  assertNoErrors(assert, page);
  assert.deepEqual(r.shown, await freshFrame(['photo_a'], { densityPerCm2: 110, dotDiameterMm: 0.5 }), 'the view shows the new settings');
});

test('a slider dragged while a photo loads keeps its last value, and the frame is the new photo\'s', async () => {
  const page = await technicianPage();
  const r = await page.evaluate(async () => {
    const v = document.querySelector('smp-visualiser');
    await v.loadImage(window.photo_a);
    const input = v.shadowRoot.querySelector('input[data-setting=densityPerCm2]');
    const loading = v.loadImage(window.photo_b, { findArea: true });
    // One step a frame until the photo is in, then one more.
    let done = false;
    loading.finally(() => { done = true; });
    let value = 40;
    for (let frames = 0; !done || frames < 2; frames++) {
      value = value >= 140 ? 40 : value + 5;
      input.value = String(value);
      input.dispatchEvent(new Event('input', { bubbles: true }));
      await new Promise((ok) => requestAnimationFrame(ok));
      if (done) frames = Math.max(frames, 0);
    }
    await loading;
    await window.__t.wholeArea(v);
    return { value, density: v.settings.densityPerCm2, settings: v.settings, shown: await window.__t.shown(v), errors: window.__smpEvents.filter((e) => e.type === 'smp-error') };
  });
  assert.deepEqual(r.errors, []);
  assert.equal(r.density, r.value, 'the last value dragged to is kept, not replaced by the new photo\'s suggestion');
  assertNoErrors(assert, page);
  const { densityPerCm2, dotDiameterMm, shade, softness, yearsAfter, session, healing, mode } = r.settings;
  const final = { densityPerCm2, dotDiameterMm, shade, softness, yearsAfter, session, healing, mode };
  assert.deepEqual(r.shown, await freshFrame(['photo_a', 'photo_b'], final), 'the frame is the new photo\'s with the final settings');
});
