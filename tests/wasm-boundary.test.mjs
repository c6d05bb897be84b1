// The wasm boundary in headless Chromium: the module's API, errors as values
// with stable codes, and an engine that keeps working after every error.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { startBrowser, ready, assertNoErrors } from './helpers.mjs';

let browser;
let page;
before(async () => {
  browser = await startBrowser();
  page = await browser.open();
  await ready(page);
});
after(async () => browser?.close());

test('settings schema names every setting with its unit and range', async () => {
  const schema = await page.evaluate(async () => {
    const m = await import('./pkg/smp_visualiser.js');
    return JSON.parse(m.settingsSchema());
  });
  const names = schema.map((s) => s.name);
  for (const n of ['densityPerCm2', 'dotDiameterMm', 'shade', 'softness', 'seed', 'pxPerMm']) assert.ok(names.includes(n), n);
  const density = schema.find((s) => s.name === 'densityPerCm2');
  assert.ok(density.min <= 10 && density.max >= 200);
  const dot = schema.find((s) => s.name === 'dotDiameterMm');
  assert.ok(dot.min <= 0.1 && dot.max >= 1.0);
  const scale = schema.find((s) => s.name === 'pxPerMm');
  assert.ok(scale.min <= 1 && scale.max >= 50);
});

test('errors cross the boundary as values with codes; the engine survives them', async () => {
  const result = await page.evaluate(async () => {
    const m = await import('./pkg/smp_visualiser.js');
    const wasm = await m.default();
    const e = new m.Engine();
    const code = (f) => {
      try {
        f();
        return 'no error';
      } catch (err) {
        return err instanceof Error && typeof err.message === 'string' && err.message.length > 10 ? err.code : 'not an Error';
      }
    };
    const codes = {
      renderWithoutPhoto: code(() => e.renderPreview()),
      wrongBufferLength: code(() => e.loadImage(new Uint8Array(10), 4, 4, 64)),
      zeroSize: code(() => e.loadImage(new Uint8Array(0), 0, 0, 64)),
      tooLarge: code(() => e.loadImage(new Uint8Array(4), 30000, 30000, 64)),
    };
    const w = 8;
    const h = 6;
    const rgba = new Uint8Array(w * h * 4).fill(200);
    e.loadImage(rgba, w, h, 64);
    Object.assign(codes, {
      nan: code(() => e.setSettings(['shade'], Float64Array.of(NaN))),
      infinite: code(() => e.setSettings(['densityPerCm2'], Float64Array.of(Infinity))),
      negative: code(() => e.setSettings(['dotDiameterMm'], Float64Array.of(-1))),
      absurd: code(() => e.setSettings(['densityPerCm2'], Float64Array.of(1e12))),
      unknown: code(() => e.setSettings(['colour'], Float64Array.of(1))),
      maskSize: code(() => e.setMask(new Uint8Array(5))),
      stroke: code(() => e.paint(NaN, 0, 0, 0, 3, 0.5, false)),
    });
    // Still working: paint, render, and read the result through a fresh view.
    e.setSettings(['pxPerMm', 'dotDiameterMm', 'densityPerCm2'], Float64Array.of(4, 1, 200));
    e.paint(0, 0, 8, 6, 20, 1, false);
    const ptr = e.renderFull();
    const out = new Uint8Array(wasm.memory.buffer, ptr, w * h * 4).slice();
    const mask = e.mask();
    return {
      codes,
      changed: out.some((v, i) => i % 4 !== 3 && v < 200),
      maskFull: mask.every((v) => v === 255),
      density: e.setting('densityPerCm2'),
      shade: e.setting('shade'),
    };
  });
  assert.deepEqual(result.codes, {
    renderWithoutPhoto: 'no-image',
    wrongBufferLength: 'bad-image',
    zeroSize: 'bad-image',
    tooLarge: 'image-too-large',
    nan: 'invalid-setting',
    infinite: 'invalid-setting',
    negative: 'invalid-setting',
    absurd: 'invalid-setting',
    unknown: 'unknown-setting',
    maskSize: 'mask-size-mismatch',
    stroke: 'invalid-stroke',
  });
  assert.equal(result.changed, true, 'the engine still renders after the errors');
  assert.equal(result.maskFull, true);
  assert.equal(result.density, 200);
  assert.equal(result.shade, 0.5, 'rejected values changed nothing');
  assertNoErrors(assert, page);
});

test('views on wasm memory stay correct after memory grows', async () => {
  const ok = await page.evaluate(async () => {
    const m = await import('./pkg/smp_visualiser.js');
    const wasm = await m.default();
    const e = new m.Engine();
    e.loadImage(new Uint8Array(4 * 4 * 4).fill(10), 4, 4, 64);
    const before = wasm.memory.buffer.byteLength;
    // A 2000×1500 photo forces the memory to grow.
    const big = new Uint8Array(2000 * 1500 * 4).fill(77);
    e.loadImage(big, 2000, 1500, 400);
    const grew = wasm.memory.buffer.byteLength > before;
    const view = new Uint8Array(wasm.memory.buffer, e.previewBeforePtr(), e.previewWidth() * e.previewHeight() * 4);
    return grew && e.previewWidth() === 400 && e.previewHeight() === 300 && view.every((v) => v === 77);
  });
  assert.equal(ok, true);
});

test('results cross as named objects; drawPreview puts the rendered pixels into the canvas', async () => {
  const r = await page.evaluate(async () => {
    const m = await import('./pkg/smp_visualiser.js');
    const wasm = await m.default();
    const e = new m.Engine();
    const [w, h] = [40, 30];
    // Opaque, so the canvas gives back exactly what it was given.
    e.loadImage(new Uint8Array(w * h * 4).map((_, i) => (i % 4 === 3 ? 255 : 200)), w, h, 64);
    e.setSettings(['pxPerMm', 'dotDiameterMm', 'densityPerCm2'], Float64Array.of(4, 1, 200));
    const values = e.setSettingsByName(['shade'], [0.4]);
    const shadeAt = JSON.parse(m.settingsSchema()).findIndex((s) => s.name === 'shade');
    e.checkpoint();
    e.paint(0, 0, w, h, 30, 1, false);
    const canvas = document.createElement('canvas');
    canvas.width = w;
    canvas.height = h;
    const ctx = canvas.getContext('2d');
    const change = e.drawPreview(ctx);
    const drawn = ctx.getImageData(0, 0, w, h).data;
    const rendered = new Uint8Array(wasm.memory.buffer, e.renderPreview(), w * h * 4);
    return {
      shade: values[shadeAt],
      history: e.history(),
      change,
      last: e.lastPreviewChange(),
      same: drawn.every((v, i) => v === rendered[i]),
      dotted: drawn.some((v, i) => i % 4 !== 3 && v < 200),
    };
  });
  assert.equal(r.shade, 0.4, 'setSettingsByName answers with every setting');
  assert.deepEqual(r.history, { undo: 1, redo: 0 });
  assert.deepEqual(r.change, { x0: 0, y0: 0, x1: 40, y1: 30, width: 40, height: 30 });
  assert.deepEqual(r.last, { x0: 0, y0: 0, x1: 0, y1: 0, width: 40, height: 30 }, 'a render that changed nothing');
  assert.equal(r.dotted, true);
  assert.equal(r.same, true, 'the canvas holds the rendered pixels');
  assertNoErrors(assert, page);
});

test('copying the area out without memory is an out-of-memory error; the engine goes on', async () => {
  // Its own page: the memory is filled to the browser's limit.
  const own = await browser.open();
  await ready(own);
  const r = await own.evaluate(async () => {
    const m = await import('./pkg/smp_visualiser.js');
    const { memory } = await m.default();
    const e = new m.Engine();
    // A 20 MP photo: copying its area out needs 20 MB in one piece.
    const [w, h] = [5000, 4000];
    e.loadImage(new Uint8Array(w * h * 4).fill(180), w, h, 256);
    const area = new Uint8Array(w * h);
    area.fill(255, 0, (w * h) / 2);
    e.setMask(area);
    // Every page the browser allows, taken from outside the allocator: it
    // has only what it already holds, and the copy cannot grow it.
    for (let chunk = 4096; chunk >= 1; ) {
      try { memory.grow(chunk); } catch { chunk >>= 1; }
    }
    // What the allocator still holds free (the load's own temporaries) is
    // taken by other engines' photos, until none fits: each load first
    // checks for room for it and 16 MB more, so no 16 MB piece is left.
    const fillers = [];
    for (let side = 2048; side >= 16; ) {
      const f = new m.Engine();
      try {
        f.loadImage(new Uint8Array(side * side * 4), side, side, 16);
        fillers.push(f);
      } catch {
        f.free();
        side >>= 1;
      }
    }
    let error = null;
    try {
      e.mask();
    } catch (err) {
      error = { code: err.code, message: String(err.message) };
    }
    // The engine goes on: the area is still there and settings still apply.
    e.setSettingsByName(['shade'], [0.6]);
    return { fullBytes: memory.buffer.byteLength, error, hasArea: e.hasArea() };
  });
  assert.ok(r.fullBytes > 3.5 * 2 ** 30, `memory filled to ${r.fullBytes} bytes`);
  assert.equal(r.error?.code, 'out-of-memory', JSON.stringify(r.error));
  assert.match(r.error.message, /memory/i);
  assert.equal(r.hasArea, true);
  assertNoErrors(assert, own);
});
