// A new photo's first steps (area, look, dot pattern) run in the export
// worker and the page's engine takes the result (www/element/photo-load.js):
// the same result as the page computing it, nothing lost in a race.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { startBrowser, ready, assertNoErrors, blobInPage, ROOT, OUT } from './helpers.mjs';
import { makeFixtures } from './fixtures.mjs';

const CLI = join(ROOT, 'target', 'release', 'smp');
let browser;
const photos = {};
before(async () => {
  for (const [name, w, h] of [['a', 900, 700], ['b', 700, 520]]) {
    photos[name] = join(OUT, `load-sample-${name}.png`);
    execFileSync(CLI, ['sample', '--out', photos[name], '--width', String(w), '--height', String(h), '--seed', '5']);
  }
  browser = await startBrowser();
});
after(async () => browser?.close());

/** A page whose element may have no worker (or one that is sent no
 * compiled module), with counters on the page engine's slow steps. */
async function pageWith({ worker, noModule = false }) {
  const page = await browser.open('?for=technician', { viewport: { width: 1100, height: 900 } });
  if (!worker) {
    await page.addInitScript(() => { window.Worker = undefined; });
    await page.reload();
  }
  if (noModule) {
    // As a browser that cannot post a compiled module to a worker.
    await page.addInitScript(() => {
      const post = Worker.prototype.postMessage;
      Worker.prototype.postMessage = function (message, ...rest) {
        if (message?.module instanceof WebAssembly.Module) throw new DOMException('A module cannot be posted here.', 'DataCloneError');
        return post.call(this, message, ...rest);
      };
    });
    page.requests.length = 0;
    await page.reload();
  }
  await ready(page);
  for (const name of ['a', 'b']) await blobInPage(page, readFileSync(photos[name]), `photo_${name}`, 'image/png');
  await page.evaluate(async () => {
    const { Engine } = await import('./pkg/smp_visualiser.js');
    window.__calls = {};
    for (const m of ['detectArea', 'suggestSettings', 'loadPrepared', 'loadStaged', 'loadImage']) {
      const real = Engine.prototype[m];
      Engine.prototype[m] = function (...args) {
        window.__calls[m] = (window.__calls[m] ?? 0) + 1;
        return real.apply(this, args);
      };
    }
  });
  return page;
}

/** What a person sees and can do after the proposal. */
function outcome(page) {
  return page.evaluate(async () => {
    const v = document.querySelector('smp-visualiser');
    const hash = (data) => {
      let h = 0;
      for (let i = 0; i < data.length; i++) h = (h * 31 + data[i]) >>> 0;
      return h;
    };
    await new Promise((ok) => requestAnimationFrame(() => requestAnimationFrame(ok)));
    const after = v.shadowRoot.querySelector('canvas.after');
    const shown = after.getContext('2d').getImageData(0, 0, after.width, after.height).data;
    const exported = await createImageBitmap(await v.exportImage({ type: 'image/png', layout: 'after' }));
    const c = new OffscreenCanvas(exported.width, exported.height);
    c.getContext('2d').drawImage(exported, 0, 0);
    return {
      size: [v.getMask().width, v.getMask().height],
      area: hash(v.getMask().data),
      hasArea: v.hasArea,
      settings: v.settings,
      shown: [after.width, after.height, hash(shown)],
      exported: hash(c.getContext('2d').getImageData(0, 0, exported.width, exported.height).data),
      canUndo: !v.shadowRoot.querySelector('.undo').disabled,
      calls: window.__calls,
    };
  });
}

for (const findArea of [true, false]) {
  test(`a photo ${findArea ? 'proposed' : 'loaded'} in the worker looks and behaves as one ${findArea ? 'proposed' : 'loaded'} on the page`, async () => {
    const results = {};
    for (const worker of [true, false]) {
      const page = await pageWith({ worker });
      await page.evaluate((findArea) => document.querySelector('smp-visualiser').loadImage(window.photo_a, { findArea }), findArea);
      results[worker] = await outcome(page);
      assertNoErrors(assert, page);
    }
    const [inWorker, onPage] = [results.true, results.false];
    // The worker did the slow steps: the page's engine only made the
    // preview meanwhile (the page showed no photo yet) and took the result.
    assert.deepEqual(inWorker.calls, { loadStaged: 1 }, JSON.stringify(inWorker.calls));
    assert.equal(onPage.calls.loadImage, 1);
    assert.equal(onPage.calls.detectArea, findArea ? 1 : undefined);
    assert.equal(onPage.hasArea, findArea, 'the sample has bald patches to propose');
    for (const key of ['size', 'area', 'hasArea', 'settings', 'shown', 'exported', 'canUndo']) {
      assert.deepEqual(inWorker[key], onPage[key], key);
    }
  });
}

test('a second photo chosen while the first is prepared wins; a setting changed meanwhile is kept', async () => {
  const page = await pageWith({ worker: true });
  const r = await page.evaluate(async () => {
    const v = document.querySelector('smp-visualiser');
    const first = v.loadImage(window.photo_a, { findArea: true });
    const second = v.loadImage(window.photo_b, { findArea: true });
    await v.setSettings({ shade: 0.3 });
    const answers = await Promise.all([first, second]);
    const size = [v.getMask().width, v.getMask().height];
    const shade = v.settings.shade;
    const proposed = v.hasArea;
    // The export worker holds the photo shown, not the one left behind.
    const exported = await createImageBitmap(await v.exportImage({ type: 'image/png', layout: 'after' }));
    // And a photo prepared in the worker but no longer wanted changes nothing.
    const third = v.loadImage(window.photo_a);
    await new Promise((ok) => setTimeout(ok, 0));
    await v.loadSample();
    const superseded = await third;
    const sample = await createImageBitmap(await v.exportImage({ type: 'image/png', layout: 'after' }));
    return {
      answers: answers.map((a) => a && [a.width, a.height]),
      size,
      exported: [exported.width, exported.height],
      superseded,
      sample: [sample.width, sample.height],
      shade,
      proposed,
      errors: window.__smpEvents.filter((e) => e.type === 'smp-error'),
    };
  });
  assert.deepEqual(r.answers, [null, [700, 520]], 'the photo chosen first resolves with null');
  assert.deepEqual(r.size, [700, 520]);
  assert.deepEqual(r.exported, [700, 520]);
  assert.equal(r.superseded, null);
  assert.deepEqual(r.sample, [1600, 1200], 'the worker renders the sample shown, not the photo left behind');
  assert.equal(r.shade, 0.3, 'a setting chosen while loading is not replaced by the suggestion');
  assert.deepEqual(r.errors, []);
  assert.ok(r.proposed, 'the photo shown has its proposed area');
  assertNoErrors(assert, page);
});

for (const noModule of [false, true]) {
  test(noModule ? 'a worker that could not be sent the compiled module loads the file itself' : "the worker takes the page's compiled module: the wasm file is fetched once", async () => {
    const page = await pageWith({ worker: true, noModule });
    const r = await page.evaluate(async () => {
      const v = document.querySelector('smp-visualiser');
      await v.loadImage(window.photo_a, { findArea: true });
      const first = { ...window.__calls };
      // A second photo, the first one shown: the page keeps no copy of it
      // while the worker prepares it, and takes its preview from the worker.
      await v.loadImage(window.photo_b, { findArea: true });
      return { first, calls: window.__calls, hasArea: v.hasArea, workerBytes: (await v.memoryUsage()).workerBytes };
    });
    assert.deepEqual(r.first, { loadStaged: 1 }, 'the worker did the first steps, the page made the preview meanwhile');
    assert.deepEqual(r.calls, { loadStaged: 1, loadPrepared: 1 }, 'the worker did the second photo\'s first steps');
    assert.ok(r.hasArea && r.workerBytes > 0);
    const fetched = page.requests.filter((u) => u.endsWith('/pkg/smp_visualiser_bg.wasm'));
    assert.equal(fetched.length, noModule ? 2 : 1, fetched.join('\n'));
    assertNoErrors(assert, page);
  });
}

test("the worker is told a photo's upright size from its header, before it is decoded, to place its dots meanwhile", async () => {
  const page = await pageWith({ worker: true });
  const { portrait } = makeFixtures();
  await blobInPage(page, readFileSync(portrait), 'photo_turned', 'image/jpeg');
  const r = await page.evaluate(async () => {
    const v = document.querySelector('smp-visualiser');
    const sent = [];
    const post = Worker.prototype.postMessage;
    Worker.prototype.postMessage = function (message, ...rest) {
      if (message?.type === 'sized' || message?.type === 'prepare') sent.push(message.type === 'sized' ? [message.width, message.height] : 'prepare');
      return post.call(this, message, ...rest);
    };
    const out = [];
    for (const photo of [window.photo_a, window.photo_turned]) {
      sent.length = 0;
      const loaded = await v.loadImage(photo, { findArea: true });
      out.push({ sent: sent.slice(), size: [loaded.width, loaded.height] });
    }
    Worker.prototype.postMessage = post;
    return out;
  });
  // The PNG as stored; the JPEG stored 480×360 with EXIF orientation 6, so
  // upright 360×480: the size the dots are placed for is the one loaded.
  assert.deepEqual(r[0], { sent: [[900, 700], 'prepare'], size: [900, 700] });
  assert.deepEqual(r[1], { sent: [[360, 480], 'prepare'], size: [360, 480] });
  assertNoErrors(assert, page);
});
