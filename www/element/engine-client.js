// The engine client: loads the wasm module once per page and turns what
// crosses the boundary (exceptions with a `code`, pointers into wasm memory)
// into what the element works with (SmpError, ImageData views).

import init, {
  Engine, settingsSchema, workingSize, checkDecodeSize, ensureRoom, ensureRoomForRender, previewSidePx, previewSizeFor,
  sniffImage, sniffHeadBytes, lookVersion, presetsJson,
} from '../pkg/smp_visualiser.js';

export {
  Engine, workingSize, checkDecodeSize, ensureRoom, ensureRoomForRender, previewSidePx, previewSizeFor,
  sniffImage, sniffHeadBytes, lookVersion, presetsJson,
};

/** An error with a stable `code` for scripts and a `message` for people. */
export class SmpError extends Error {
  constructor(code, message) {
    super(message);
    this.name = 'SmpError';
    this.code = code;
  }
}

const WASM_URL = new URL('../pkg/smp_visualiser_bg.wasm', import.meta.url);
let wasmReady;
/** @type {WebAssembly.Module | null} */
let compiled = null;
/** Loads the wasm module once per page, relative to this file's own URL.
 * It is compiled here rather than by `init` so that the worker can be
 * given the compiled module (`compiledWasm`) instead of fetching and
 * compiling it again. */
export function loadWasm() {
  wasmReady ??= compileWasm().then((module) => {
    compiled = module;
    return init({ module_or_path: module });
  });
  return wasmReady;
}

async function compileWasm() {
  const response = await fetch(WASM_URL);
  if (!response.ok) throw new Error(`The engine (${WASM_URL.pathname}) could not be loaded: ${response.status}.`);
  // A server that sends the wrong type refuses streaming, not the module.
  if (response.headers.get('Content-Type')?.startsWith('application/wasm')) return WebAssembly.compileStreaming(response);
  return WebAssembly.compile(await response.arrayBuffer());
}

/** The page's compiled wasm module, once `loadWasm` has it (else null). */
export function compiledWasm() {
  return compiled;
}

/** The settings table the engine owns (name, label, unit, range, choices). */
export function readSchema() {
  return JSON.parse(settingsSchema());
}

/** The browser's RangeError for a buffer it could not allocate, as our error. */
export function outOfMemory() {
  return new SmpError('out-of-memory', 'This device ran out of memory for this photo. Please use a smaller photo; your earlier work is kept.');
}

/** Converts an engine exception (a JS Error with `code`) to an SmpError. */
export function asSmpError(e, fallbackCode = 'internal') {
  if (e instanceof SmpError) return e;
  if (e instanceof RangeError) return outOfMemory();
  if (e instanceof WebAssembly.RuntimeError) {
    // Only a bug gets here: memory is checked before every large step.
    return new SmpError('engine-stopped', 'The simulation stopped unexpectedly. Please download what you need and reload the page.');
  }
  return new SmpError(e?.code ?? fallbackCode, e?.message ?? String(e));
}

/** An ImageData over wasm memory; valid only until the next engine call
 * (any call may grow memory, which detaches older views). */
export function pixelView(memory, ptr, w, h) {
  return new ImageData(new Uint8ClampedArray(memory.buffer, ptr, w * h * 4), w, h);
}

/** The area's weights (one byte a pixel) from an ImageData's alpha. */
export function weightsOf(imageData, w, h) {
  if (!(imageData instanceof ImageData)) throw new SmpError('invalid-mask', 'The area must be an ImageData or null.');
  if (imageData.width !== w || imageData.height !== h) {
    throw new SmpError('mask-size-mismatch', `The area is ${imageData.width}×${imageData.height} but the photo is ${w}×${h}; they must be the same size.`);
  }
  const weights = new Uint8Array(w * h);
  for (let i = 0; i < weights.length; i++) weights[i] = imageData.data[i * 4 + 3];
  return weights;
}

/** The area as white ImageData whose alpha is the weight. */
export function imageDataOf(weights, w, h) {
  const data = new ImageData(w, h);
  for (let i = 0; i < weights.length; i++) {
    data.data[i * 4] = 255;
    data.data[i * 4 + 1] = 255;
    data.data[i * 4 + 2] = 255;
    data.data[i * 4 + 3] = weights[i];
  }
  return data;
}

/** Every setting as a plain number, or a choice's name. */
export function settingsOf(engine, schema) {
  return settingsFrom(engine.settingValues(), schema); // one boundary call for all of them
}

/** Every setting by name from the engine's values in the schema's order
 * (as `settingValues()` and `setSettingsByName()` give them).
 * @param {ArrayLike<number>} values @param {Array<any>} schema */
export function settingsFrom(values, schema) {
  const out = {};
  schema.forEach((s, i) => {
    out[s.name] = s.choices.length ? s.choices[values[i]] : values[i];
  });
  return out;
}

/** Every setting as the engine's numbers: `[names, values]`, as the
 * worker takes them. */
export function settingsArrays(engine, schema) {
  return [schema.map((s) => s.name), engine.settingValues()];
}

/** A copy of the loaded photo's RGBA pixels (for the worker). */
export function photoCopy(engine, memory) {
  return new Uint8Array(memory.buffer, engine.beforePtr(), engine.width() * engine.height() * 4).slice();
}

/** Fails with `no-image` unless a photo is loaded. */
export function requirePhoto(hasPhoto) {
  if (!hasPhoto) throw new SmpError('no-image', 'Choose a photo first.');
}

/** Puts a new photo into the engine by `load()`. A measured scale belongs
 * to one photo (one client): it stays only when `keep` is asked for, or when
 * the load fails (the earlier photo stays, and so does its scale). */
export function loadKeepingScale(engine, keep, load) {
  const scale = engine.scaleGiven() ? engine.setting('pxPerMm') : null;
  if (!keep) engine.forgetScale();
  try {
    load();
  } catch (e) {
    if (scale !== null) engine.setSettings(['pxPerMm'], Float64Array.of(scale));
    throw e;
  }
}

/** Why the engine could not start, in words the page's owner can act on. */
export function engineUnavailable(e) {
  if (typeof WebAssembly !== 'object') {
    return new SmpError('engine-unavailable', 'This browser cannot run WebAssembly, which the visualiser needs. Please use a current browser.');
  }
  if (/Content Security Policy|wasm-unsafe-eval|wasm-eval/i.test(String(e?.message ?? e))) {
    return new SmpError('engine-unavailable', "This page's Content-Security-Policy does not allow WebAssembly: the site must add 'wasm-unsafe-eval' to its script-src.");
  }
  return new SmpError('engine-unavailable', 'The visualiser could not start in this browser.');
}
