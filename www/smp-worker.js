// A second engine off the page's main thread. Each new photo comes here
// first (`prepare`): this engine proposes its area, suggests its look and
// builds its dot pattern and skin analysis, and the page's engine takes
// the result (www/element/photo-load.js). It then renders full-resolution
// exports and zoomed detail for the same photo. Messages are handled in
// order. While the page's engine and this one hold the same photo, area
// and preview size, the page shares its frames: this engine composites
// one band of rows ('band', after 'sync').
import init, { Engine, ensureRoomForRender, ensureRoomForPrepare, keepPlaced } from './pkg/smp_visualiser.js';

const WASM_URL = new URL('./pkg/smp_visualiser_bg.wasm', import.meta.url);
/** The engine, from the page's compiled module when the first message
 * (`init`) brings one: fetching and compiling it again would delay the
 * first photo. Without one, or if it cannot be used, from the file. */
let ready = null;
let warmWasm = null;
function start(module) {
  const fromFile = () => init({ module_or_path: WASM_URL });
  ready = module instanceof WebAssembly.Module ? init({ module_or_path: module }).catch(fromFile) : fromFile();
  warmingUp = true;
  ready.then((wasm) => {
    warmWasm = wasm;
    setTimeout(warmUp, 0);
  }, () => {});
}

/** Runs a small photo through every step once, a step a task (a real
 * photo coming meanwhile goes first). The browser first runs each wasm
 * function in a quick baseline tier and optimises it only once it has run
 * a while; a long call (placing a 12 MP photo's dots) stays in the
 * baseline tier to its end, about three times slower: so a person's photo
 * comes to optimised code. The photo is tiny and taken at twice its
 * estimated scale (dots are placed over the photo's size in mm, whatever
 * its pixels: a quarter of the dots), so this pass takes about 0.1 s and
 * is done before a photo given as the element gets ready is decoded. */
const warming = [
  (e) => {
    e.loadSample(96, 72, 1, 96);
    e.setSettings(['pxPerMm'], Float64Array.of(2 * e.setting('pxPerMm')));
  },
  (e) => e.detectArea(new Float64Array(0), false),
  (e) => e.suggestSettings(),
  (e) => e.preparedState(),
  // The page's engine shares this module's compiled code (the page posted
  // it): its first preview of a 12 MP photo was then drawn in about 30 ms
  // instead of 60.
  (e) => e.renderPreview(),
  (e) => e.renderFull(),
];
/** Then the same photo at four times its size (the same area in mm), so
 * that the steps that go over every pixel run long enough to be optimised:
 * after the small photo alone a 12 MP photo's first steps took some
 * 0.1 s longer. Dropped when a photo is on its way (`coming`): on a
 * 2-core machine it slowed the photo's decoding more than it gained. */
const warmingMore = [
  (e, wasm) => {
    const [w, h] = [e.width(), e.height()];
    const small = new Uint32Array(new Uint8Array(wasm.memory.buffer, e.beforePtr(), w * h * 4).slice().buffer);
    const big = new Uint32Array(w * h * 16);
    for (let y = 0; y < h * 4; y++) {
      for (let x = 0; x < w * 4; x++) big[y * w * 4 + x] = small[(y >> 2) * w + (x >> 2)];
    }
    const scale = e.setting('pxPerMm');
    e.loadImage(new Uint8Array(big.buffer), w * 4, h * 4, w * 2);
    e.setSettings(['pxPerMm'], Float64Array.of(4 * scale));
  },
  (e) => e.detectArea(new Float64Array(0), false),
  (e) => e.suggestSettings(),
  (e) => e.preparedState(),
];
/** The coming photo's size and settings ('sized'): its dots are placed
 * once the small photo's steps are done, and held here (`placed`, outside
 * wasm memory) until its 'prepare' has made room for it: kept in wasm
 * memory meanwhile, they split the memory the old photo frees, and the
 * room check (one block) grew this worker's memory by 62 MiB in a soak. */
let sized = null;
let placed = null;
function placeAhead() {
  const e = new Engine();
  try {
    e.setSettings(sized.names, sized.values);
    if (!sized.scaleGiven) e.forgetScale();
    placed = e.placeAhead(sized.width, sized.height);
  } finally {
    e.free();
    sized = null;
  }
}
let warmEngine = null;
/** Whether warm-up steps are queued (a step a task). */
let warmingUp = false;
function warmUp() {
  const step = warming.shift() ?? (sized && placeAhead) ?? warmingMore.shift();
  if (!step) {
    warmEngine?.free();
    warmEngine = null;
    warmingUp = false;
    return;
  }
  try {
    if (step === placeAhead) placeAhead();
    else step((warmEngine ??= new Engine()), warmWasm);
  } catch {
    warming.length = warmingMore.length = 0; // only a head start: a failure here changes nothing
  }
  setTimeout(warmUp, 0);
}

let engine = null;
let size = null;
/** The page's canvas holds none of what this engine drew at its last
 * 'sync': the next 'band' sends all its rows. */
let syncedSinceBand = false;

self.onmessage = async ({ data }) => {
  if (data.type === 'init') {
    if (!ready) start(data.module);
    return;
  }
  if (!ready) start(null);
  if (data.type === 'coming') {
    warmingMore.length = 0;
    return;
  }
  if (data.type === 'sized') {
    sized = data;
    if (!warmingUp) {
      warmingUp = true;
      ready.then(() => setTimeout(warmUp, 0), () => {});
    }
    return;
  }
  // Real work warms the engine itself: the rest of the warm-up would only delay it.
  if (data.type !== 'stats') {
    warming.length = warmingMore.length = 0;
    sized = null;
    // Nor is the warm-up's engine kept: left between this work's
    // allocations, it split the memory a photo's room check asks for.
    warmEngine?.free();
    warmEngine = null;
  }
  const wasm = await ready;
  if (data.type === 'stats') {
    // Diagnostics for the element's memoryUsage(): this worker's wasm memory.
    self.postMessage({ id: data.id, ok: true, memoryBytes: wasm.memory.buffer.byteLength });
    return;
  }
  try {
    if (data.type === 'load') {
      placed = null;
      engine?.free();
      engine = null;
      // Room first: running out later, inside the engine, would kill it.
      ensureRoomForRender(data.width, data.height);
      engine = new Engine();
      engine.setSettings(data.names, data.values);
      engine.loadImage(data.rgba, data.width, data.height, 1);
      size = [data.width, data.height];
      engine.warm();
      return;
    }
    if (data.type === 'prepare') {
      // A new photo's slow first steps, off the page's thread: load it,
      // propose its area, suggest the look, build the pattern; the page's
      // engine then takes the result (loadPrepared) instead of computing it.
      engine?.free();
      engine = null;
      ensureRoomForPrepare(data.width, data.height);
      // Taken only if they fit this photo's size, seed and scale.
      if (placed) {
        try {
          keepPlaced(placed);
        } catch (e) {
          if (e instanceof WebAssembly.RuntimeError) throw e; // else only a head start lost
        }
        placed = null;
      }
      engine = new Engine();
      engine.setSettings(data.names, data.values);
      if (!data.scaleGiven) engine.forgetScale();
      engine.loadImage(data.rgba, data.width, data.height, data.previewSide, data.unseen === true);
      // The page makes the preview itself meanwhile (`unseen`): its copy
      // of the photo goes back now, not with the result.
      if (data.unseen) self.postMessage({ id: data.id, early: true, rgba: data.rgba }, [data.rgba.buffer]);
      size = [data.width, data.height];
      let found = null;
      let detectError = null;
      if (data.findArea) {
        try {
          engine.detectArea(new Float64Array(0), false);
          found = true;
        } catch (e) {
          if (e instanceof WebAssembly.RuntimeError) throw e;
          found = false;
          if (e?.code !== 'no-bald-scalp') detectError = { code: e?.code ?? 'internal', message: e?.message ?? String(e) };
        }
      }
      const suggestion = data.findArea ? engine.suggestSettings() : null;
      const state = engine.preparedState();
      // The photo's bytes go back too (unless they went already): the page
      // keeps no copy meanwhile.
      const rgba = data.rgba.byteLength ? data.rgba : undefined;
      self.postMessage({ id: data.id, ok: true, rgba, state, found, detectError, suggestion }, rgba ? [rgba.buffer, state.buffer] : [state.buffer]);
      return;
    }
    if (data.type === 'sync') {
      // The page's area and preview size, so that this engine can composite
      // part of the page's frames ('band'); its preview is drawn once here
      // to build its caches before the first shared frame.
      if (!engine) throw Object.assign(new Error('No photo in the worker.'), { code: 'no-image' });
      // This engine holds the preview or the full-size result, not both
      // (its peak memory would grow by the preview's): see 'render'.
      engine.releaseFull();
      engine.setSettings(data.names, data.values);
      engine.setPreviewSide(data.previewSide);
      engine.setMask(data.mask);
      engine.renderPreview();
      syncedSinceBand = true;
      self.postMessage({ id: data.id, ok: true, width: engine.previewWidth(), height: engine.previewHeight() });
      return;
    }
    if (data.type === 'band') {
      // Rows y0..y1 of the page's next frame from column x0 on, with the
      // page's settings; only the rows that changed go back (unless the
      // page asks for all: its canvas may not hold what this engine drew).
      if (!engine) throw Object.assign(new Error('No photo in the worker.'), { code: 'no-image' });
      engine.setSettings(data.names, data.values);
      const change = engine.renderPreviewBand(data.x0, data.y0, data.y1);
      const all = data.allRows || syncedSinceBand;
      syncedSinceBand = false;
      const r0 = all ? data.y0 : Math.max(change.y0, data.y0);
      const r1 = all ? data.y1 : Math.min(change.y1, data.y1);
      const w = engine.previewWidth();
      const bytes = Math.max(0, r1 - r0) * w * 4;
      // Into the buffer the page gave back from the last frame, when it is
      // large enough: a new one each frame cost more than the copy.
      const rows = data.spare?.byteLength >= bytes ? new Uint8Array(data.spare, 0, bytes) : new Uint8Array(bytes);
      if (bytes > 0) rows.set(new Uint8Array(wasm.memory.buffer, engine.previewPtr() + r0 * w * 4, bytes));
      self.postMessage({ id: data.id, ok: true, r0, rows }, [rows.buffer]);
      return;
    }
    if (data.type === 'crop') {
      // A zoomed view: the full-resolution result (cached between calls),
      // cut to the visible rectangle, with the same rectangle of the photo.
      if (!engine) throw Object.assign(new Error('No photo in the worker.'), { code: 'no-image' });
      engine.releasePreview(); // see 'sync'
      engine.setSettings(data.names, data.values);
      engine.setMask(data.mask);
      const { x, y, w, h } = data.rect;
      const cut = (ptr) => {
        const full = new Uint8ClampedArray(wasm.memory.buffer, ptr, size[0] * size[1] * 4);
        const out = new Uint8ClampedArray(w * h * 4);
        for (let row = 0; row < h; row++) {
          const start = ((y + row) * size[0] + x) * 4;
          out.set(full.subarray(start, start + w * 4), row * w * 4);
        }
        return out;
      };
      const after = cut(engine.renderFull());
      const before = cut(engine.beforePtr());
      self.postMessage({ id: data.id, ok: true, after, before }, [after.buffer, before.buffer]);
      return;
    }
    if (data.type === 'render') {
      if (!engine) throw Object.assign(new Error('No photo in the worker.'), { code: 'no-image' });
      engine.releasePreview(); // see 'sync'
      engine.setSettings(data.names, data.values);
      engine.setMask(data.mask);
      const ptr = engine.renderFull();
      const pixels = new Uint8ClampedArray(wasm.memory.buffer, ptr, size[0] * size[1] * 4).slice();
      self.postMessage({ id: data.id, ok: true, pixels }, [pixels.buffer]);
    }
  } catch (e) {
    if (data.type === 'load' || data.type === 'prepare') {
      engine?.free();
      engine = null; // the page falls back to rendering on its own thread
    }
    // A trap (a bug, or memory exhausted where it could not be foreseen)
    // leaves this wasm instance unusable: say so and end; the page renders
    // on its own thread and starts a fresh worker with the next photo.
    const dead = e instanceof WebAssembly.RuntimeError;
    // A photo that came to be prepared goes back with the failure, so the
    // page can load it itself.
    const rgba = data.type === 'prepare' && data.rgba.byteLength ? data.rgba : undefined;
    const reply = { id: data.id, ok: false, dead, fallback: dead, rgba, code: e?.code ?? 'internal', message: e?.message ?? String(e) };
    self.postMessage(reply, rgba ? [rgba.buffer] : []);
    if (dead) self.close();
  }
};
