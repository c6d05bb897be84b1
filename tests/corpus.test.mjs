// Any file a phone or a desk gives: the awkward-input corpus (tests/corpus,
// made by tools/make_corpus.py, listed in its manifest.json) through the page
// and through `smp render`. Each file either works (upright, at most the
// working size, full resolution kept up to it) or fails with its code and a
// message, and the page keeps the earlier photo and area. Also: a 48 MP photo
// (made here, in the browser) is reduced with a notice, and a wasm allocation
// that fails is an error, not a dead engine.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { readFileSync, mkdirSync, writeFileSync } from 'node:fs';
import { join, extname } from 'node:path';
import { PNG } from 'pngjs';
import jpeg from 'jpeg-js';
import { startBrowser, ready, assertNoErrors, blobInPage, ROOT, OUT } from './helpers.mjs';

const CORPUS = join(ROOT, 'tests', 'corpus');
const CLI = join(ROOT, 'target', 'release', 'smp');
const manifest = JSON.parse(readFileSync(join(CORPUS, 'manifest.json'), 'utf8'));
const MIME = {
  '.jpg': 'image/jpeg', '.png': 'image/png', '.gif': 'image/gif', '.webp': 'image/webp', '.bmp': 'image/bmp',
  '.avif': 'image/avif', '.heic': 'image/heic', '.tif': 'image/tiff', '.svg': 'image/svg+xml',
};
const WORKING_PIXELS = 24_000_000;

let browser;
before(async () => {
  mkdirSync(join(OUT, 'corpus'), { recursive: true });
  browser = await startBrowser();
});
after(async () => browser?.close());

test('the corpus has at least 25 awkward inputs, each with an expected outcome', () => {
  assert.ok(manifest.length >= 25, `${manifest.length} files`);
  for (const e of manifest) {
    for (const side of [e.page, e.cli]) assert.ok(side.ok === true || typeof side.code === 'string', e.file);
  }
});

/** Red mark top-left, blue mark top-right: the photo is upright. */
function isUpright(px, width) {
  const at = (x, y) => px.subarray((y * width + x) * 4, (y * width + x) * 4 + 3);
  const [r1, g1, b1] = at(10, 10);
  const [r2, g2, b2] = at(width - 10, 10);
  return r1 > g1 + 80 && r1 > b1 + 80 && b2 > r2 + 80 && b2 > g2 + 60;
}

test('every corpus file through the page: works upright or fails clearly, earlier work kept', async () => {
  const page = await browser.open();
  await ready(page);
  // Earlier work: a photo and an area (its left half).
  const load = async (entry) => {
    const bytes = readFileSync(join(CORPUS, entry.file));
    await blobInPage(page, bytes, '__file', MIME[extname(entry.file)] ?? '');
    return page.evaluate(async ({ name, upright }) => {
      const v = document.querySelector('smp-visualiser');
      const file = new File([window.__file], name, { type: window.__file.type });
      try {
        const r = await v.loadImage(file);
        const m = new ImageData(r.width, r.height);
        for (let i = 0; i < r.width * r.height; i++) if (i % r.width < r.width / 2) m.data[i * 4 + 3] = 255;
        await v.setMask(m);
        const out = { ok: true, width: r.width, height: r.height, reduced: !!r.reducedFrom, status: v.shadowRoot.querySelector('.status').textContent };
        // The full-resolution export has the working size; "before" shows the photo as it arrived.
        const exported = await createImageBitmap(await v.exportImage({ type: 'image/png', layout: 'after' }));
        out.exportSize = [exported.width, exported.height];
        if (upright) {
          const bmp = await createImageBitmap(await v.exportImage({ type: 'image/png', layout: 'before' }));
          const c = new OffscreenCanvas(bmp.width, bmp.height).getContext('2d');
          c.drawImage(bmp, 0, 0);
          const px = c.getImageData(0, 0, bmp.width, bmp.height).data;
          const at = (x, y) => Array.from(px.subarray((y * bmp.width + x) * 4, (y * bmp.width + x) * 4 + 3));
          out.corners = [at(10, 10), at(bmp.width - 10, 10)];
        }
        return out;
      } catch (e) {
        return { ok: false, code: e.code, message: e.message, status: v.shadowRoot.querySelector('.status').textContent };
      }
    }, { name: entry.file, upright: !!entry.page.upright });
  };
  const baseline = manifest.find((e) => e.file === 'baseline.jpg');
  const first = await load(baseline);
  assert.equal(first.ok, true);
  let kept = { width: first.width, height: first.height };
  for (const entry of manifest) {
    const r = await load(entry);
    const want = entry.page;
    if (want.ok) {
      assert.equal(r.ok, true, `${entry.file} (${entry.what}) should load: ${r.code} ${r.message}`);
      assert.deepEqual([r.width, r.height], want.size, `${entry.file} size`);
      assert.deepEqual(r.exportSize, want.size, `${entry.file} exports at full (working) size`);
      assert.equal(r.reduced, !!want.reduced, `${entry.file} reduced`);
      if (want.reduced) assert.match(r.status, /reduced to/, `${entry.file}: the notice is shown`);
      if (want.upright) {
        const [[r1, g1, b1], [r2, g2, b2]] = r.corners;
        assert.ok(r1 > g1 + 80 && r1 > b1 + 80 && b2 > r2 + 80 && b2 > g2 + 60, `${entry.file} is upright: ${JSON.stringify(r.corners)}`);
      }
      kept = { width: r.width, height: r.height };
    } else {
      assert.equal(r.ok, false, `${entry.file} (${entry.what}) should fail`);
      assert.equal(r.code, want.code, `${entry.file}: ${r.message}`);
      assert.ok(r.message.length > 20 && !/undefined|\[object/.test(r.message), `${entry.file}: a sentence for people: ${r.message}`);
      assert.equal(r.status, r.message, `${entry.file}: the message is shown`);
      // The earlier photo and its area are still there.
      const still = await page.evaluate(() => {
        const m = document.querySelector('smp-visualiser').getMask();
        let on = 0;
        for (let i = 3; i < m.data.length; i += 4) on += m.data[i] === 255;
        return { width: m.width, height: m.height, on };
      });
      assert.equal(still.width, kept.width, `${entry.file}: earlier photo kept`);
      assert.equal(still.height, kept.height);
      assert.ok(still.on >= Math.floor(kept.width / 2) * kept.height, `${entry.file}: earlier area kept`);
    }
  }
  // Nothing in the SVG ran or was fetched.
  assert.equal(await page.evaluate(() => window.__svgScriptRan), undefined);
  assert.deepEqual(page.requests.filter((u) => u.includes(':9/')), []);
  assertNoErrors(assert, page);
});

function decodeOutput(path) {
  const bytes = readFileSync(path);
  if (path.endsWith('.png')) {
    const png = PNG.sync.read(bytes);
    return { width: png.width, height: png.height, data: png.data };
  }
  const img = jpeg.decode(bytes, { maxMemoryUsageInMB: 2048, maxResolutionInMP: 100 });
  return { width: img.width, height: img.height, data: img.data };
}

test('every corpus file through `smp render`: same outcomes as the page', () => {
  for (const entry of manifest) {
    const out = join(OUT, 'corpus', `${entry.file}.png`);
    const r = spawnSync(CLI, ['render', '--input', join(CORPUS, entry.file), '--out', out], { encoding: 'utf8' });
    const want = entry.cli;
    if (want.ok) {
      assert.equal(r.status, 0, `${entry.file} (${entry.what}): ${r.stderr}`);
      const img = decodeOutput(out);
      assert.deepEqual([img.width, img.height], want.size, `${entry.file} size`);
      if (want.reduced) assert.match(r.stderr, /reduced to/, `${entry.file}: the notice is printed`);
      if (want.upright) assert.ok(isUpright(img.data, img.width), `${entry.file} is upright`);
    } else {
      assert.equal(r.status, 1, `${entry.file} (${entry.what}) should fail`);
      assert.match(r.stderr, new RegExp(`\\(${want.code}\\)`), `${entry.file}: ${r.stderr}`);
      assert.doesNotMatch(r.stderr, /panicked|RUST_BACKTRACE/, entry.file);
    }
  }
});

test('a 48 MP photo is reduced to the working size with a notice, in the page and the CLI', async () => {
  const page = await browser.open();
  await ready(page);
  const r = await page.evaluate(async () => {
    // A camera-sized JPEG, made here: gradient, texture and the corner marks.
    const c = new OffscreenCanvas(8000, 6000);
    const g = c.getContext('2d');
    const grad = g.createLinearGradient(0, 0, 8000, 6000);
    grad.addColorStop(0, '#d9b09a');
    grad.addColorStop(1, '#5a4032');
    g.fillStyle = grad;
    g.fillRect(0, 0, 8000, 6000);
    for (let i = 0; i < 4000; i++) {
      g.fillStyle = `rgba(40,30,25,${(i % 7) / 10})`;
      g.fillRect((i * 7919) % 8000, (i * 104729) % 6000, 3 + (i % 40), 2);
    }
    g.fillStyle = '#dc1e1e';
    g.fillRect(0, 0, 400, 300);
    g.fillStyle = '#1e28dc';
    g.fillRect(7600, 0, 400, 300);
    const blob = await c.convertToBlob({ type: 'image/jpeg', quality: 0.85 });
    const v = document.querySelector('smp-visualiser');
    const loaded = await v.loadImage(new File([blob], 'camera.jpg', { type: 'image/jpeg' }));
    const status = v.shadowRoot.querySelector('.status').textContent;
    const m = new ImageData(loaded.width, loaded.height);
    m.data.fill(255);
    await v.setMask(m);
    const exported = await createImageBitmap(await v.exportImage({ type: 'image/jpeg', layout: 'after' }));
    const bytes = new Uint8Array(await blob.arrayBuffer());
    let bin = '';
    for (let i = 0; i < bytes.length; i += 0x8000) bin += String.fromCharCode(...bytes.subarray(i, i + 0x8000));
    return { loaded, status, exportSize: [exported.width, exported.height], b64: btoa(bin) };
  });
  const { width, height, reducedFrom } = r.loaded;
  assert.deepEqual(reducedFrom, { width: 8000, height: 6000 });
  assert.ok(width * height <= WORKING_PIXELS && width * height > WORKING_PIXELS * 0.99, `${width}×${height}`);
  assert.ok(Math.abs(width / height - 8000 / 6000) < 0.002);
  assert.match(r.status, /8000×6000.*reduced to/);
  assert.deepEqual(r.exportSize, [width, height], 'the export keeps the working size');
  // The same file through the CLI.
  const input = join(OUT, 'corpus', 'camera-48mp.jpg');
  writeFileSync(input, Buffer.from(r.b64, 'base64'));
  const out = join(OUT, 'corpus', 'camera-48mp-out.jpg');
  const cli = spawnSync(CLI, ['render', '--input', input, '--out', out], { encoding: 'utf8' });
  assert.equal(cli.status, 0, cli.stderr);
  assert.match(cli.stderr, /8000×6000 pixels; it was reduced to/);
  const img = decodeOutput(out);
  assert.deepEqual([img.width, img.height], [width, height], 'page and CLI reduce to the same size');
  assert.ok(isUpright(img.data, img.width));
  assertNoErrors(assert, page);
});

test('a wasm allocation that fails is an out-of-memory error; the engine and earlier work go on', async () => {
  const page = await browser.open();
  await ready(page);
  const r = await page.evaluate(async () => {
    const v = document.querySelector('smp-visualiser');
    await v.loadSample();
    const m = new ImageData(1600, 1200);
    for (let i = 0; i < 1600 * 1200; i++) if (i % 1600 < 800) m.data[i * 4 + 3] = 255;
    await v.setMask(m);
    // Fill the page's wasm memory up to the browser's limit, leaving the
    // engine's allocator only what it already holds.
    const pkg = await import('./pkg/smp_visualiser.js');
    const { memory } = await pkg.default();
    pkg.ensureRoom(1024, 1024, 24); // ~40 MB kept by the allocator for small needs
    for (let chunk = 4096; chunk >= 1; ) {
      try { memory.grow(chunk); } catch { chunk >>= 1; }
    }
    const fullBytes = memory.buffer.byteLength;
    // A 12 MP photo now cannot fit.
    const c = new OffscreenCanvas(4000, 3000);
    c.getContext('2d').fillRect(0, 0, 10, 10);
    const blob = await c.convertToBlob({ type: 'image/png' });
    let error = null;
    try {
      await v.loadImage(new File([blob], 'big.png', { type: 'image/png' }));
    } catch (e) {
      error = { code: e.code, message: e.message };
    }
    // The engine still works: settings render, the area is kept, an export comes out.
    await v.setSettings({ densityPerCm2: 120 });
    const kept = v.getMask();
    let on = 0;
    for (let i = 3; i < kept.data.length; i += 4) on += kept.data[i] === 255;
    const exported = await v.exportImage({ type: 'image/jpeg', layout: 'after' });
    return { fullBytes, error, size: [kept.width, kept.height], on, exported: exported.size };
  });
  assert.ok(r.fullBytes > 3.5 * 2 ** 30, `memory filled to ${r.fullBytes} bytes`);
  assert.equal(r.error?.code, 'out-of-memory', JSON.stringify(r.error));
  assert.match(r.error.message, /memory/i);
  assert.deepEqual(r.size, [1600, 1200]);
  assert.equal(r.on, 800 * 1200);
  assert.ok(r.exported > 10_000);
  assertNoErrors(assert, page);
});
