// <smp-visualiser>: the product. A framework-free custom element that shows
// scalp micropigmentation on the user's own photo, before and after.
//
// The page only hosts it. Pixel work happens in the Rust engine (wasm); this
// file decodes photos with the browser, turns pointer and slider input into
// engine calls, and draws the engine's buffers into canvases. Nothing is sent
// anywhere: the photo never leaves the device.

import init, { Engine, settingsSchema, workingSize, checkDecodeSize, ensureRoom } from './pkg/smp_visualiser.js';

/** Bytes a pixel the page's engine needs for a photo (photo, area, undo). */
const ENGINE_BYTES_PER_PX = 7;
import { isPng, readTextChunk, withTextChunk } from './png-meta.js';

/** Longest side of the live preview, in pixels (export is always full size). */
const PREVIEW_SIDE_PX = 1600;
const EXPORT_TYPES = ['image/png', 'image/jpeg'];
const EXPORT_LAYOUTS = ['after', 'before', 'side-by-side'];
/** Largest zoom: 800 %. */
const MAX_ZOOM = 8;
/** Name of the PNG text chunk (and JSON format) that carries the settings. */
const META_KEY = 'smp-visualiser';
const DEFAULT_DISCLAIMER = 'Simulation: real results vary from person to person.';

/** An error with a stable `code` for scripts and a `message` for people. */
export class SmpError extends Error {
  constructor(code, message) {
    super(message);
    this.name = 'SmpError';
    this.code = code;
  }
}

let wasmReady;
/** Loads the wasm module once per page, relative to this file's own URL. */
function loadWasm() {
  wasmReady ??= init({ module_or_path: new URL('./pkg/smp_visualiser_bg.wasm', import.meta.url) });
  return wasmReady;
}

/** Starts the export worker next to this module. From another origin (a
 * partner site loading the element from a CDN) a worker cannot be started
 * from the module's URL directly, so a tiny blob module imports it (the
 * page's CSP then needs `worker-src blob:`). */
function startWorker() {
  const url = new URL('./smp-worker.js', import.meta.url);
  if (url.origin === location.origin) return new Worker(url, { type: 'module' });
  const shim = URL.createObjectURL(new Blob([`import ${JSON.stringify(url.href)};`], { type: 'text/javascript' }));
  return new Worker(shim, { type: 'module' });
}

/** Converts an engine exception (a JS Error with `code`) to an SmpError. */
function asSmpError(e, fallbackCode = 'internal') {
  if (e instanceof SmpError) return e;
  if (e instanceof RangeError) return outOfMemory();
  if (e instanceof WebAssembly.RuntimeError) {
    // Only a bug gets here: memory is checked before every large step.
    return new SmpError('engine-stopped', 'The simulation stopped unexpectedly. Please download what you need and reload the page.');
  }
  return new SmpError(e?.code ?? fallbackCode, e?.message ?? String(e));
}

// ---------------------------------------------------------------------------
// Reading image files: sniff the format and size from the header first, so a
// truncated file or a "decompression bomb" is refused before any decoding.
// The command line does the same (src/decode.rs), with the same codes.

function u32be(b, i) {
  return ((b[i] << 24) | (b[i + 1] << 16) | (b[i + 2] << 8) | b[i + 3]) >>> 0;
}

function pngInfo(head, tail) {
  if (head.length < 24) return { truncated: true };
  const ihdr = String.fromCharCode(...head.subarray(12, 16));
  if (ihdr !== 'IHDR') return { broken: true };
  const iend = String.fromCharCode(...tail.subarray(Math.max(0, tail.length - 8), tail.length - 4));
  return { width: u32be(head, 16), height: u32be(head, 20), truncated: iend !== 'IEND' };
}

function jpegInfo(head, tail) {
  let end = tail.length;
  while (end > 2 && tail[end - 1] === 0) end--; // some cameras pad after the end marker
  const hasEoi = tail.subarray(Math.max(0, end - 64), end).some((v, i, a) => v === 0xff && a[i + 1] === 0xd9);
  let i = 2;
  while (i + 9 < head.length) {
    if (head[i] !== 0xff) { i++; continue; }
    const marker = head[i + 1];
    if (marker === 0xff) { i++; continue; }
    const len = (head[i + 2] << 8) | head[i + 3];
    const isSof = marker >= 0xc0 && marker <= 0xcf && ![0xc4, 0xc8, 0xcc].includes(marker);
    if (isSof) {
      return { height: (head[i + 5] << 8) | head[i + 6], width: (head[i + 7] << 8) | head[i + 8], truncated: !hasEoi };
    }
    i += 2 + len;
  }
  return { truncated: !hasEoi };
}

const ascii = (b, from, to) => String.fromCharCode(...b.subarray(from, to));

/** What the header says: `{ type, width?, height?, truncated?, broken? }`. */
async function sniff(blob) {
  const head = new Uint8Array(await blob.slice(0, 256 * 1024).arrayBuffer());
  const tail = new Uint8Array(await blob.slice(Math.max(0, blob.size - 64 * 1024)).arrayBuffer());
  if (head[0] === 0x89 && ascii(head, 1, 4) === 'PNG') return { type: 'png', ...pngInfo(head, tail) };
  if (head[0] === 0xff && head[1] === 0xd8 && head[2] === 0xff) return { type: 'jpeg', ...jpegInfo(head, tail) };
  if (ascii(head, 0, 4) === 'GIF8' && head.length >= 10) {
    return { type: 'gif', width: head[6] | (head[7] << 8), height: head[8] | (head[9] << 8) };
  }
  if (ascii(head, 0, 4) === 'RIFF' && ascii(head, 8, 12) === 'WEBP') return { type: 'webp' };
  if (ascii(head, 0, 4) === 'II*\0' || ascii(head, 0, 4) === 'MM\0*') return { type: 'tiff' };
  if (ascii(head, 4, 8) === 'ftyp') {
    const brands = ascii(head, 8, Math.min(head.length, 64));
    if (/avif|avis/.test(brands)) return { type: 'avif' };
    if (/heic|heix|hevc|heim|mif1/.test(brands)) return { type: 'heic' };
  }
  const text = new TextDecoder().decode(head.subarray(0, 4096)).replace(/^\uFEFF/, '').trimStart();
  if (blob.type === 'image/svg+xml' || (text.startsWith('<') && /<svg/i.test(text))) return { type: 'svg' };
  return { type: 'other' };
}

const UNSUPPORTED = {
  heic: 'HEIC photos (the iPhone’s own format) cannot be read by this browser. Share the photo as JPEG, or on the iPhone choose Settings › Camera › Formats › Most Compatible.',
  avif: 'AVIF images cannot be read by this browser. Please use a JPEG or PNG photo.',
  tiff: 'TIFF images cannot be read here. Please use a JPEG or PNG photo.',
  svg: 'This is a drawing (SVG), not a photo. Please choose a JPEG or PNG photo.',
};

/** The browser's RangeError for a buffer it could not allocate, as our error. */
function outOfMemory() {
  return new SmpError('out-of-memory', 'This device ran out of memory for this photo. Please use a smaller photo; your earlier work is kept.');
}

/**
 * Decodes a photo with the browser to RGBA: EXIF orientation applied, and
 * reduced to the engine's working size when larger (`reducedFrom` is then the
 * upright size of the file's own pixels). SVG is never decoded: a drawing is
 * not a photo, and nothing of it (scripts, links) is ever loaded.
 */
async function decodePhoto(blob, wasm) {
  if (!(blob instanceof Blob)) throw new SmpError('not-a-file', 'Please choose a photo file.');
  if (blob.size === 0) throw new SmpError('empty-file', 'This file is empty. Please choose a photo.');
  const info = await sniff(blob);
  if (info.type === 'svg' || info.type === 'tiff') throw new SmpError('unsupported-format', UNSUPPORTED[info.type]);
  if (info.broken) throw new SmpError('not-an-image', 'This file is damaged and cannot be read as a photo.');
  if (info.width !== undefined && info.height !== undefined) wasm.checkDecodeSize(info.width, info.height);
  if (info.truncated) {
    throw new SmpError('truncated-file', 'This photo file is incomplete (it may not have finished downloading). Please choose it again or use another photo.');
  }
  let bitmap;
  try {
    bitmap = await createImageBitmap(blob, { imageOrientation: 'from-image' });
  } catch (e) {
    if (e instanceof RangeError) throw outOfMemory();
    if (UNSUPPORTED[info.type]) throw new SmpError('unsupported-format', UNSUPPORTED[info.type]);
    throw new SmpError('not-an-image', 'This file is not a photo this browser can read. Please choose a JPEG or PNG photo.');
  }
  let reduced = null;
  try {
    wasm.checkDecodeSize(bitmap.width, bitmap.height);
    const [width, height] = wasm.workingSize(bitmap.width, bitmap.height);
    if (width !== bitmap.width || height !== bitmap.height) {
      // The browser reduces it (off the JS heap) so the engine never holds
      // more than its working size.
      reduced = await createImageBitmap(bitmap, { resizeWidth: width, resizeHeight: height, resizeQuality: 'high' });
    }
    const source = reduced ?? bitmap;
    const canvas = document.createElement('canvas');
    canvas.width = width;
    canvas.height = height;
    const ctx = canvas.getContext('2d', { willReadFrequently: true });
    if (!ctx) throw outOfMemory();
    ctx.drawImage(source, 0, 0);
    const data = ctx.getImageData(0, 0, width, height);
    canvas.width = canvas.height = 0; // let the browser free it now
    return {
      width,
      height,
      rgba: new Uint8Array(data.data.buffer),
      reducedFrom: reduced ? { width: bitmap.width, height: bitmap.height } : null,
    };
  } catch (e) {
    if (e instanceof RangeError) throw outOfMemory();
    throw e;
  } finally {
    reduced?.close();
    bitmap.close();
  }
}

/** The engine's number for a setting value: a plain number, or for a choice
 * setting one of its names. */
function settingValue(spec, value) {
  if (spec.choices.length) {
    const i = spec.choices.indexOf(value);
    if (i < 0) throw new SmpError('invalid-setting', `${spec.name} must be one of ${spec.choices.join(', ')}; got ${JSON.stringify(value)}.`);
    return i;
  }
  if (typeof value !== 'number') throw new SmpError('invalid-setting', `${spec.name} must be a number, not ${JSON.stringify(value)}.`);
  return value;
}

/** Presets named for the user's case: each sets several settings at once. */
const BUILT_IN_PRESETS = [
  { name: 'Alopecia patch', group: 'Look', settings: { mode: 'patch', densityPerCm2: 80, dotDiameterMm: 0.35, shade: 0.5 } },
  { name: 'Thinning (no shave)', group: 'Look', settings: { mode: 'density', densityPerCm2: 60, dotDiameterMm: 0.3, shade: 0.45 } },
  { name: 'Full buzz cut', group: 'Look', settings: { mode: 'full', densityPerCm2: 90, dotDiameterMm: 0.35, shade: 0.55 } },
  { name: 'Session 1', group: 'Session', settings: { session: 1 } },
  { name: 'Session 2', group: 'Session', settings: { session: 2 } },
  { name: 'Session 3', group: 'Session', settings: { session: 3 } },
  { name: 'Fresh', group: 'Time', settings: { healing: 'fresh', yearsAfter: 0 } },
  { name: 'Healed', group: 'Time', settings: { healing: 'healed', yearsAfter: 0 } },
  { name: 'After 5 years', group: 'Time', settings: { healing: 'healed', yearsAfter: 5 } },
];
/** Where a technician's own presets are kept in the browser. */
const PRESET_STORE = 'smp-visualiser:presets';

/** Messages the element shows besides its static labels, for translators
 * (`{name}` marks a value filled in). Static labels are read from the
 * template itself; see `SmpVisualiser.sourceStrings`. */
const DYNAMIC_STRINGS = [
  'Press “Find bald areas”, tap on a bald patch, or paint over the thin or bald area with your finger or mouse.',
  'Drag the divider to compare before and after. Adjust the look below, then download your image.',
  'Photo loaded. Now mark the thin or bald area.',
  'This photo is {original} pixels; it was reduced to {reduced}, the most this tool works with.',
  'Sample loaded. Now mark its two bald patches.',
  'Looking for the patch…',
  'Looking for bald areas…',
  'Patch added. Tap another, or adjust it with the brush.',
  'Bald areas found. Adjust them with the brush, or tap to add a patch.',
  'Scale set: {value} pixels per mm.',
  'Preset “{name}” applied.',
  'Preset “{name}” saved in this browser.',
  'Preparing your full-size image…',
  'Preparing your image…',
  'Image saved to your downloads.',
  'Settings loaded.',
  'Drag the handles to shape the hairline; the scalp is above the dashed line.',
  'Choose…',
  'Before',
  'After',
  '{value}% before',
  'Scalp micropigmentation simulation',
  'Simulation: real results vary from person to person.',
  'Sharing is not available here; use Download instead.',
  'Look',
  'Session',
  'Time',
  'Saved',
];
/** Attributes whose text is for people. */
const TEXT_ATTRIBUTES = ['aria-label', 'title', 'placeholder'];

/** Translation tables registered for the `lang` attribute (English is built in). */
const LANGUAGES = new Map();

/** Plain-language names of the choices shown in the controls. */
const CHOICE_LABELS = {
  patch: 'Patches (alopecia areata)',
  density: 'Through hair (no shave)',
  full: 'Buzz cut (full)',
  fresh: 'Fresh (first days)',
  healed: 'Healed',
};

// ---------------------------------------------------------------------------

// Styles go in a constructed sheet (adoptedStyleSheets), which a strict
// Content-Security-Policy allows without 'unsafe-inline'.
const STYLES = new CSSStyleSheet();
STYLES.replaceSync(`
  :host {
    --smp-accent: #0b6e6e;
    --smp-accent-text: #ffffff;
    --smp-text: #1d2327;
    --smp-muted: #4d5a61;
    --smp-surface: #ffffff;
    --smp-border: #c9d1d5;
    --smp-area: 255, 140, 0;
    display: block;
    box-sizing: border-box;
    container-type: inline-size;
  }
  /* Colours and type are set inside the shadow tree, not on the host, so a
     host page's rules (even "* { color: red !important }") do not reach in. */
  .app {
    color: var(--smp-text);
    background: var(--smp-surface);
    font: 16px/1.45 system-ui, -apple-system, "Segoe UI", Roboto, sans-serif;
    text-align: start;
    letter-spacing: normal;
    text-transform: none;
    border-radius: inherit;
  }
  :host([hidden]) { display: none; }
  *, *::before, *::after { box-sizing: inherit; }
  [hidden] { display: none !important; }
  .app { display: grid; gap: 12px; padding: 12px; }
  h2 { font-size: 1.25rem; margin: 0; }
  p { margin: 0; }
  .steps { display: flex; gap: 8px; margin: 0; padding: 0; list-style: none; font-size: 0.9rem; color: var(--smp-muted); flex-wrap: wrap; }
  .steps li { padding: 2px 10px; border-radius: 999px; border: 1px solid var(--smp-border); }
  .steps li[aria-current="step"] { background: var(--smp-accent); color: var(--smp-accent-text); border-color: var(--smp-accent); }
  .start { display: grid; gap: 12px; justify-items: center; text-align: center; padding: 28px 12px; border: 2px dashed var(--smp-border); border-radius: 12px; }
  .start.dragging, .stage.dragging { border-color: var(--smp-accent); background: color-mix(in srgb, var(--smp-accent) 8%, transparent); }
  button, .button {
    font: inherit; cursor: pointer; border-radius: 8px; padding: 10px 16px; min-height: 44px;
    border: 1px solid var(--smp-accent); background: var(--smp-surface); color: var(--smp-accent);
    display: inline-flex; align-items: center; justify-content: center; gap: 6px;
  }
  button.primary, .button.primary { background: var(--smp-accent); color: var(--smp-accent-text); }
  button[aria-pressed="true"] { background: var(--smp-accent); color: var(--smp-accent-text); }
  button:focus-visible, .button:focus-within, input:focus-visible, select:focus-visible, .handle:focus-visible {
    outline: 3px solid var(--smp-accent); outline-offset: 2px;
  }
  .camera { display: none; }
  @media (pointer: coarse) { .camera { display: inline-flex; } }
  a.button { text-decoration: none; }
  .file { position: absolute; width: 1px; height: 1px; opacity: 0; overflow: hidden; }
  .hint { color: var(--smp-muted); font-size: 0.95rem; }
  .stage {
    --split: 0.5;
    position: relative; width: min(100%, calc(72vh * var(--aspect, 1.333))); margin: 0 auto;
    aspect-ratio: var(--aspect, 1.333); touch-action: none; user-select: none; -webkit-user-select: none;
    border-radius: 8px; overflow: hidden; background: #222; border: 2px solid transparent;
  }
  .stage[data-tool="compare"] { touch-action: pan-y; }
  .stage.zoomed[data-tool="compare"] { touch-action: none; }
  /* Before, after and the area overlay share one zoom transform (--zoom,
     --ox, --oy): zoom and pan are always in step. */
  .layer { position: absolute; inset: 0; overflow: hidden; }
  .view { position: absolute; inset: 0; transform-origin: 0 0;
    transform: scale(var(--zoom, 1)) translate(calc(var(--ox, 0) * -100%), calc(var(--oy, 0) * -100%)); }
  .view > * { position: absolute; inset: 0; width: 100%; height: 100%; display: block; }
  .stage.zoomed canvas { image-rendering: pixelated; }
  .after-layer { clip-path: inset(0 0 0 calc(var(--split) * 100%)); }
  .overlay-layer { clip-path: inset(0 calc((1 - var(--split)) * 100%) 0 0); pointer-events: none; }
  .marks-layer { pointer-events: none; }
  .stage.holding .after-layer { visibility: hidden; }
  .stage.side .before-layer, .stage.side .overlay-layer { right: 50%; clip-path: none; }
  .stage.side .after-layer { left: 50%; clip-path: none; }
  .stage.side .divider, .stage.side .measure, .stage.side .hairline { display: none; }
  .zoom-reset[hidden] { display: none; }
  .stage .label {
    position: absolute; top: 8px; padding: 2px 8px; border-radius: 4px; font-size: 0.8rem;
    background: rgba(0, 0, 0, 0.6); color: #fff; pointer-events: none;
  }
  .stage .label.before { left: 8px; }
  .stage .label.after-label { right: 8px; }
  .divider { position: absolute; top: 0; bottom: 0; left: calc(var(--split) * 100%); width: 0; pointer-events: none; }
  .divider::before { content: ""; position: absolute; top: 0; bottom: 0; left: -1px; width: 2px; background: #fff; box-shadow: 0 0 3px rgba(0,0,0,0.6); }
  .handle {
    position: absolute; top: 50%; left: 0; width: 44px; height: 44px; transform: translate(-50%, -50%);
    border-radius: 50%; background: #fff; border: 2px solid var(--smp-accent); pointer-events: auto;
    cursor: ew-resize; display: grid; place-items: center; color: var(--smp-accent); font-size: 18px; touch-action: none;
  }
  .measure { pointer-events: none; }
  .measure-line { stroke: #fff; stroke-width: 3px; vector-effect: non-scaling-stroke; filter: drop-shadow(0 0 1px #000); }
  .hairline { pointer-events: none; }
  .hairline-curve { fill: none; stroke: #fff; stroke-width: 2px; stroke-dasharray: 6 4; vector-effect: non-scaling-stroke; }
  .hairline circle { fill: var(--smp-accent); stroke: #fff; stroke-width: 2px; vector-effect: non-scaling-stroke; pointer-events: auto; cursor: grab; }
  .calibrate { display: flex; flex-wrap: wrap; gap: 8px; align-items: center; padding: 8px; border: 1px solid var(--smp-border); border-radius: 8px; }
  .calibrate input { width: 7em; min-height: 44px; font: inherit; }
  .presets, .preset-form { display: flex; flex-wrap: wrap; gap: 8px; align-items: center; }
  .preset-name { min-height: 44px; font: inherit; padding: 0 8px; }
  .tools, .actions { display: flex; flex-wrap: wrap; gap: 8px; align-items: center; }
  .controls { display: grid; gap: 10px 16px; grid-template-columns: 1fr; }
  @container (min-width: 640px) { .controls { grid-template-columns: 1fr 1fr; } }
  .control { display: grid; gap: 2px; }
  .control .row { display: flex; justify-content: space-between; gap: 8px; font-size: 0.95rem; }
  .control output { font-variant-numeric: tabular-nums; color: var(--smp-muted); }
  .control select { width: 100%; }
  input[type="range"] { width: 100%; accent-color: var(--smp-accent); min-height: 32px; }
  label.inline { display: inline-flex; align-items: center; gap: 6px; }
  select { font: inherit; min-height: 44px; border-radius: 8px; border: 1px solid var(--smp-border); padding: 0 8px; background: var(--smp-surface); color: var(--smp-text); }
  .privacy { font-size: 0.85rem; color: var(--smp-muted); }
  .logo { max-height: 48px; max-width: 50%; object-fit: contain; }
  /* Client mode: the three steps with the fewest controls. */
  [data-controls="client"] :is(.tool[data-tool="measure"], .tool[data-tool="hairline"], label:has(> .hardness),
    .invert, .presets .save-preset, .save-settings, label:has(> .settings-file), .control:has([data-setting="softness"]),
    .control:has([data-setting="yearsAfter"])) { display: none !important; }
  .status { min-height: 1.4em; font-size: 0.95rem; }
  .status.error { color: #a4000f; font-weight: 600; }
`);

const TEMPLATE = document.createElement('template');
TEMPLATE.innerHTML = `
<div class="app" part="app" data-controls="technician">
  <img class="logo" part="logo" hidden alt="">
  <ol class="steps" aria-label="Steps">
    <li data-step="photo" aria-current="step">1. Photo</li>
    <li data-step="area">2. Area</li>
    <li data-step="result">3. Result</li>
  </ol>
  <section class="start" part="start">
    <h2>See scalp micropigmentation on your own photo</h2>
    <p class="hint">Take or choose a clear photo of the scalp. Then paint over the thin or bald area.</p>
    <label class="button primary">Choose a photo<input class="file photo-file" type="file" accept="image/*" aria-label="Choose a photo"></label>
    <label class="button camera">Take a photo<input class="file camera-file" type="file" accept="image/*" capture="environment" aria-label="Take a photo with the camera"></label>
    <p class="hint">or drop a photo here, or paste one.</p>
    <button type="button" class="sample">Try a sample photo</button>
  </section>
  <div class="work" hidden>
    <p class="hint step-hint"></p>
    <div class="stage" part="stage" data-tool="paint">
      <div class="layer before-layer"><div class="view">
        <canvas class="before" aria-hidden="true"></canvas><canvas class="detail before-detail" hidden aria-hidden="true"></canvas>
      </div></div>
      <div class="layer after-layer"><div class="view">
        <canvas class="after" role="img" aria-label="Your photo with the simulated pigment"></canvas><canvas class="detail after-detail" hidden aria-hidden="true"></canvas>
      </div></div>
      <div class="layer overlay-layer"><div class="view"><canvas class="overlay" aria-hidden="true"></canvas></div></div>
      <div class="layer marks-layer"><div class="view">
        <svg class="measure" hidden aria-hidden="true" preserveAspectRatio="none"><line class="measure-line"></line></svg>
        <svg class="hairline" hidden aria-hidden="true" preserveAspectRatio="none"><polyline class="hairline-curve"></polyline></svg>
      </div></div>
      <span class="label before">Before</span>
      <span class="label after-label">After</span>
      <div class="divider">
        <div class="handle" role="slider" tabindex="0" aria-label="Before and after divider"
             aria-valuemin="0" aria-valuemax="100" aria-valuenow="50" aria-valuetext="50% before">&#x2194;</div>
      </div>
    </div>
    <div class="tools" role="toolbar" aria-label="Area tools">
      <button type="button" class="primary find">Find bald areas</button>
      <button type="button" class="tool" data-tool="compare" aria-pressed="false" title="Drag across the photo to compare; the page still scrolls">Compare</button>
      <button type="button" class="tool" data-tool="tap" aria-pressed="false">Tap a patch</button>
      <button type="button" class="tool" data-tool="paint" aria-pressed="true">Paint</button>
      <button type="button" class="tool" data-tool="erase" aria-pressed="false">Erase</button>
      <button type="button" class="tool" data-tool="measure" aria-pressed="false" title="Draw a line over something of known length to set the scale">Measure</button>
      <button type="button" class="tool" data-tool="hairline" aria-pressed="false" title="Design the front hairline of a buzz-cut look">Hairline</button>
      <label class="inline hairline-style-label" hidden>Hairline
        <select class="hairline-style" aria-label="Hairline style">
          <option value="soft">Soft (feathered)</option>
          <option value="defined">Defined</option>
          <option value="broken">Broken</option>
        </select>
      </label>
      <label class="inline">Brush <input class="brush" type="range" min="8" max="160" step="1" value="48" aria-label="Brush size"></label>
      <label class="inline">Edge <input class="hardness" type="range" min="0" max="1" step="0.05" value="0.5" aria-label="Brush edge, soft to hard"></label>
      <button type="button" class="undo" aria-keyshortcuts="Control+Z" disabled>Undo</button>
      <button type="button" class="redo" aria-keyshortcuts="Control+Shift+Z" disabled>Redo</button>
      <button type="button" class="invert">Invert</button>
      <button type="button" class="clear">Clear area</button>
      <label class="inline"><input class="show-area" type="checkbox" checked> Show area</label>
      <button type="button" class="zoom-reset" hidden aria-keyshortcuts="0">Reset zoom</button>
    </div>
    <form class="calibrate" hidden>
      <label class="inline">The line is
        <input class="calibrate-length" type="number" min="0.1" step="any" required aria-label="Length of the line">
      </label>
      <select class="calibrate-unit" aria-label="Unit"><option value="mm">mm</option><option value="cm">cm</option></select>
      <span>long.</span>
      <button type="submit" class="primary">Set scale</button>
      <button type="button" class="calibrate-cancel">Cancel</button>
    </form>
    <div class="presets">
      <label class="inline">Preset
        <select class="preset" aria-label="Apply a preset"></select>
      </label>
      <button type="button" class="save-preset">Save as preset</button>
      <form class="preset-form" hidden>
        <input class="preset-name" type="text" maxlength="40" required aria-label="Name of the new preset" placeholder="Preset name">
        <button type="submit" class="primary">Save</button>
        <button type="button" class="preset-cancel">Cancel</button>
      </form>
    </div>
    <div class="controls"></div>
    <div class="actions">
      <label class="inline">Save
        <select class="layout" aria-label="What to save">
          <option value="after">After only</option>
          <option value="side-by-side">Before and after</option>
        </select>
      </label>
      <label class="inline">View
        <select class="compare-mode" aria-label="How to compare">
          <option value="wipe">Wipe</option>
          <option value="side-by-side">Side by side</option>
        </select>
      </label>
      <button type="button" class="hold" aria-label="Hold to see before">Hold to see before</button>
      <button type="button" class="primary download">Download image</button>
      <button type="button" class="share" hidden>Share</button>
      <a class="button primary cta" hidden part="cta"></a>
      <button type="button" class="new-photo">New photo</button>
      <button type="button" class="save-settings">Save settings</button>
      <label class="button">Load settings<input class="file settings-file" type="file" accept=".json,application/json,image/png" aria-label="Load settings from a file"></label>
    </div>
  </div>
  <p class="status" role="status" aria-live="polite"></p>
  <p class="privacy">Your photo stays on this device: nothing is uploaded.</p>
</div>`;

/** The `<smp-visualiser>` element. */
export class SmpVisualiser extends HTMLElement {
  #engine = null;
  #memory = null;
  #schema = [];
  #readyResolve;
  #readyReject;
  #tool = 'paint';
  #split = 0.5;
  #frameRequested = false;
  #changePending = false;
  #painting = null;
  #measured = null;
  #compareMode = 'wipe';
  /** Translations: English source text → text shown (see `strings`). */
  #strings = {};
  /** Original English of each translatable text node and attribute. */
  #sources = new Map();
  /** Zoom: scale (1–8) and the photo's left/top edge in view, as fractions. */
  #zoom = { s: 1, ox: 0, oy: 0 };
  #pointers = new Map();
  #pinch = null;
  #detailTimer = 0;
  #detailSeq = 0;
  #hairline = null;
  #worker = null;
  #workerSeq = 0;
  #workerReplies = new Map();
  /** The area changed (or its display was toggled) since the overlay was drawn. */
  #overlayStale = true;
  #hasArea = false;
  #onPaste = (e) => this.#handlePaste(e);

  constructor() {
    super();
    /** Resolves once the engine is loaded. */
    this.ready = new Promise((ok, fail) => {
      this.#readyResolve = ok;
      this.#readyReject = fail;
    });
    this.ready.catch(() => {}); // reported through smp-error as well
    const root = this.attachShadow({ mode: 'open' });
    root.adoptedStyleSheets = [STYLES];
    root.appendChild(TEMPLATE.content.cloneNode(true));
    this.#wireUi();
  }

  static get observedAttributes() {
    return ['cta-label', 'cta-href', 'accent', 'logo', 'logo-alt', 'preset', 'lang', 'controls', 'disclaimer'];
  }

  /** Registers a translation table for the `lang` attribute. */
  static addLanguage(lang, table) {
    LANGUAGES.set(String(lang).toLowerCase(), { ...table });
    for (const el of document.querySelectorAll('smp-visualiser')) el.attributeChangedCallback('lang');
  }

  /** What a partner configures, live:
   * - `cta-label`, `cta-href`: a call to action after the result; a click
   *   fires `smp-cta` with the settings (and follows the link if given);
   * - `accent`: the accent colour (any CSS colour);
   * - `logo`, `logo-alt`: a logo image shown at the top;
   * - `preset`: a preset applied when the element starts (or changes);
   * - `lang`: a language registered with `SmpVisualiser.addLanguage`;
   * - `controls`: `client` (the three steps, fewest controls) or
   *   `technician` (every control; the default);
   * - `disclaimer`: the line carried by side-by-side exports. */
  attributeChangedCallback(name) {
    const value = this.getAttribute(name);
    const root = this.shadowRoot;
    switch (name) {
      case 'cta-label':
      case 'cta-href': {
        const cta = root.querySelector('.cta');
        const label = this.getAttribute('cta-label');
        const href = this.getAttribute('cta-href');
        cta.hidden = !label;
        cta.textContent = label ?? '';
        if (href) {
          cta.href = href;
          cta.target = '_blank';
          cta.rel = 'noopener';
          cta.removeAttribute('role');
        } else {
          cta.removeAttribute('href');
          cta.setAttribute('role', 'button');
          cta.tabIndex = 0;
        }
        break;
      }
      case 'accent':
        if (value && CSS.supports('color', value)) this.style.setProperty('--smp-accent', value);
        else this.style.removeProperty('--smp-accent');
        break;
      case 'logo':
      case 'logo-alt': {
        const img = root.querySelector('.logo');
        const src = this.getAttribute('logo');
        img.hidden = !src;
        if (src) img.src = new URL(src, document.baseURI).href;
        img.alt = this.getAttribute('logo-alt') ?? '';
        break;
      }
      case 'preset':
        if (value && this.#engine) this.applyPreset(value).catch(() => {});
        break;
      case 'lang': {
        const table = LANGUAGES.get((value ?? '').toLowerCase());
        this.#strings = {};
        if (table) this.strings = table;
        else this.strings = {};
        break;
      }
      case 'controls':
        root.querySelector('.app').dataset.controls = value === 'client' ? 'client' : 'technician';
        break;
      default:
        break;
    }
  }

  connectedCallback() {
    document.addEventListener('paste', this.#onPaste);
    if (!this.#engine) this.#start();
  }

  disconnectedCallback() {
    document.removeEventListener('paste', this.#onPaste);
    this.#worker?.terminate();
    this.#worker = null;
  }

  async #start() {
    try {
      const wasm = await loadWasm();
      this.#memory = wasm.memory;
      this.#schema = JSON.parse(settingsSchema());
      this.#engine = new Engine();
      this.#buildControls();
      this.#fillPresets();
      const probe = new File([new Uint8Array(1)], 'probe.png', { type: 'image/png' });
      this.#$('.share').hidden = !(navigator.canShare?.({ files: [probe] }) ?? false);
      if (this.getAttribute('lang')) this.attributeChangedCallback('lang');
      this.#readyResolve();
      if (this.getAttribute('preset')) this.applyPreset(this.getAttribute('preset')).catch(() => {});
      this.dispatchEvent(new CustomEvent('smp-ready', { bubbles: true, composed: true }));
    } catch (e) {
      const err = new SmpError('engine-unavailable', 'The visualiser could not start in this browser.');
      this.#readyReject(err);
      this.#report(err);
    }
  }

  // ---- public API ---------------------------------------------------------

  /** Every setting as a plain number, units in the names. */
  get settings() {
    const out = {};
    for (const s of this.#schema) {
      const v = this.#engine.setting(s.name);
      out[s.name] = s.choices.length ? s.choices[v] : v;
    }
    return out;
  }

  /** Position of the before/after divider, 0 (all after) … 1 (all before). */
  get comparePosition() {
    return this.#split;
  }

  set comparePosition(v) {
    const n = Number(v);
    if (!Number.isFinite(n)) return;
    this.#setSplit(n);
  }

  /** Every text the element shows, as `{ englishSource: shownText }`. */
  get strings() {
    const out = {};
    for (const source of SmpVisualiser.sourceStrings()) out[source] = this.#t(source);
    for (const sp of this.#schema) {
      for (const t of [sp.label, sp.unit].filter(Boolean)) out[t] = this.#t(t);
    }
    return out;
  }

  /** Translates the interface: `{ englishSource: translation }`, merged
   * with earlier ones (one table for the whole element; messages from the
   * engine itself stay in English). */
  set strings(table) {
    if (table === null || typeof table !== 'object') return;
    for (const [k, v] of Object.entries(table)) if (typeof v === 'string') this.#strings[k] = v;
    this.#translate();
    if (this.#engine) {
      this.#buildControls();
      this.#fillPresets();
      const probe = new File([new Uint8Array(1)], 'probe.png', { type: 'image/png' });
      this.#$('.share').hidden = !(navigator.canShare?.({ files: [probe] }) ?? false);
      this.#updateStep();
      this.#setSplit(this.#split);
    }
  }

  /** The English source of every static label, then every message. */
  static sourceStrings() {
    const found = new Set();
    const walk = document.createTreeWalker(TEMPLATE.content, NodeFilter.SHOW_ELEMENT | NodeFilter.SHOW_TEXT);
    for (let n = walk.nextNode(); n; n = walk.nextNode()) {
      if (n.nodeType === Node.TEXT_NODE) {
        if (n.data.trim()) found.add(n.data.trim());
      } else {
        for (const a of TEXT_ATTRIBUTES) if (n.getAttribute(a)) found.add(n.getAttribute(a));
      }
    }
    for (const p of BUILT_IN_PRESETS) found.add(p.name);
    for (const v of Object.values(CHOICE_LABELS)) found.add(v);
    for (const m of DYNAMIC_STRINGS) found.add(m);
    return [...found];
  }

  /** A text in the current language, with `{name}` values filled in. */
  #t(source, values = {}) {
    let text = this.#strings[source] ?? source;
    for (const [k, v] of Object.entries(values)) text = text.replaceAll(`{${k}}`, String(v));
    return text;
  }

  /** Applies the translations to the static labels of the shadow tree. */
  #translate() {
    const walk = document.createTreeWalker(this.shadowRoot.querySelector('.app'), NodeFilter.SHOW_ELEMENT | NodeFilter.SHOW_TEXT);
    for (let n = walk.nextNode(); n; n = walk.nextNode()) {
      if (n.nodeType === Node.TEXT_NODE) {
        const parent = n.parentElement;
        if (!n.data.trim() || parent?.closest('.controls, .status, .step-hint, select.preset, .cta, output')) continue;
        if (!this.#sources.has(n)) this.#sources.set(n, n.data);
        const original = this.#sources.get(n);
        n.data = original.replace(original.trim(), this.#t(original.trim()));
      } else {
        for (const a of TEXT_ATTRIBUTES) {
          const key = `${a}`;
          let map = this.#sources.get(n);
          if (!map) this.#sources.set(n, (map = {}));
          if (!(key in map)) {
            if (!n.hasAttribute(a)) continue;
            map[key] = n.getAttribute(a);
          }
          n.setAttribute(a, this.#t(map[key]));
        }
      }
    }
  }

  /** Synchronised zoom of before and after: `{ scale, x, y }`, scale 1–8
   * and the photo point (fractions 0–1) at the view's centre. */
  get zoom() {
    const { s, ox, oy } = this.#zoom;
    return { scale: s, x: ox + 0.5 / s, y: oy + 0.5 / s };
  }

  set zoom({ scale = 1, x = 0.5, y = 0.5 } = {}) {
    if (![scale, x, y].every(Number.isFinite)) return;
    const s = Math.min(MAX_ZOOM, Math.max(1, scale));
    this.#applyZoom({ s, ox: x - 0.5 / s, oy: y - 0.5 / s });
  }

  /** Zooms by `factor` keeping the photo point under (fx, fy) — fractions
   * of the view — where it is. */
  #zoomAt(factor, fx = 0.5, fy = 0.5) {
    const { s, ox, oy } = this.#zoom;
    const next = Math.min(MAX_ZOOM, Math.max(1, s * factor));
    const ix = ox + fx / s;
    const iy = oy + fy / s;
    this.#applyZoom({ s: next, ox: ix - fx / next, oy: iy - fy / next });
  }

  #applyZoom({ s, ox, oy }) {
    const clamp = (v) => Math.min(Math.max(v, 0), 1 - 1 / s);
    this.#zoom = { s, ox: clamp(ox), oy: clamp(oy) };
    const stage = this.#$('.stage');
    stage.style.setProperty('--zoom', String(s));
    stage.style.setProperty('--ox', String(this.#zoom.ox));
    stage.style.setProperty('--oy', String(this.#zoom.oy));
    stage.classList.toggle('zoomed', s > 1);
    this.#$('.zoom-reset').hidden = s <= 1;
    if (this.#hairline && !this.#$('.hairline').hasAttribute('hidden')) this.#drawHairline();
    this.#scheduleDetail();
  }

  /** Where the photo is bigger than the preview, a zoomed view is redrawn
   * from full-resolution pixels (rendered by the worker) once zooming
   * pauses, so dots stay sharp at 800 %. */
  #scheduleDetail() {
    for (const c of this.shadowRoot.querySelectorAll('canvas.detail')) c.hidden = true;
    clearTimeout(this.#detailTimer);
    const seq = ++this.#detailSeq;
    if (this.#zoom.s <= 1 || !this.#worker || !this.#engine?.width() || this.#engine.width() <= this.#engine.previewWidth()) return;
    this.#detailTimer = setTimeout(() => this.#renderDetail(seq), 150);
  }

  async #renderDetail(seq) {
    const W = this.#engine.width();
    const H = this.#engine.height();
    const { s, ox, oy } = this.#zoom;
    const rect = {
      x: Math.floor(ox * W),
      y: Math.floor(oy * H),
      w: Math.min(W, Math.ceil(W / s) + 2),
      h: Math.min(H, Math.ceil(H / s) + 2),
    };
    rect.w = Math.min(rect.w, W - rect.x);
    rect.h = Math.min(rect.h, H - rect.y);
    const mask = this.#engine.mask();
    const [names, values] = this.#settingsArrays();
    const id = ++this.#workerSeq;
    const reply = await new Promise((ok) => {
      this.#workerReplies.set(id, ok);
      this.#worker.postMessage({ type: 'crop', id, rect, mask, names, values }, [mask.buffer]);
    });
    if (!reply.ok || seq !== this.#detailSeq) return; // failed, or the view moved on
    for (const [cls, pixels] of [['.after-detail', reply.after], ['.before-detail', reply.before]]) {
      const c = this.#$(cls);
      c.width = rect.w;
      c.height = rect.h;
      c.getContext('2d').putImageData(new ImageData(pixels, rect.w, rect.h), 0, 0);
      Object.assign(c.style, {
        left: `${(rect.x / W) * 100}%`,
        top: `${(rect.y / H) * 100}%`,
        width: `${(rect.w / W) * 100}%`,
        height: `${(rect.h / H) * 100}%`,
      });
      c.hidden = false;
    }
  }

  /** How before and after are compared: `wipe` (a divider) or `side-by-side`. */
  get compareMode() {
    return this.#compareMode;
  }

  set compareMode(mode) {
    if (mode !== 'wipe' && mode !== 'side-by-side') return;
    this.#compareMode = mode;
    this.#$('.compare-mode').value = mode;
    this.#$('.stage').classList.toggle('side', mode === 'side-by-side');
    this.#setAspect();
  }

  #setAspect() {
    if (!this.#engine?.width()) return;
    const aspect = (this.#engine.width() / this.#engine.height()) * (this.#compareMode === 'side-by-side' ? 2 : 1);
    this.#$('.stage').style.setProperty('--aspect', String(aspect));
  }

  /** Decodes and shows a photo; starts a new, empty area; keeps the settings. */
  async loadImage(file) {
    await this.ready;
    try {
      const photo = await decodePhoto(file, { workingSize, checkDecodeSize });
      try {
        // Drop the old photo's undo steps and caches first, so the load does
        // not need room for both photos; then check for room, because the
        // copy into wasm memory cannot fail gracefully.
        this.#engine.makeRoomForLoad();
        ensureRoom(photo.width, photo.height, ENGINE_BYTES_PER_PX);
        this.#engine.loadImage(photo.rgba, photo.width, photo.height, PREVIEW_SIDE_PX);
      } catch (e) {
        throw asSmpError(e);
      }
      const loaded = this.#loaded('Photo loaded. Now mark the thin or bald area.');
      if (photo.reducedFrom) {
        const { width, height } = photo.reducedFrom;
        this.#status('This photo is {original} pixels; it was reduced to {reduced}, the most this tool works with.', false, {
          original: `${width}×${height}`,
          reduced: `${photo.width}×${photo.height}`,
        });
        loaded.reducedFrom = photo.reducedFrom;
      }
      return loaded;
    } catch (e) {
      throw this.#report(asSmpError(e));
    }
  }

  /** Loads the built-in synthetic sample scalp (no file needed). */
  async loadSample() {
    await this.ready;
    try {
      try {
        this.#engine.loadSample(1600, 1200, 1, PREVIEW_SIDE_PX);
      } catch (e) {
        throw asSmpError(e);
      }
      return this.#loaded('Sample loaded. Now mark its two bald patches.');
    } catch (e) {
      throw this.#report(asSmpError(e));
    }
  }

  /** Sets the treatment area (ImageData of the photo's size, alpha = weight), or clears it with null. */
  async setMask(imageData) {
    await this.ready;
    try {
      this.#requireImage();
      if (imageData === null || imageData === undefined) {
        this.#engine.checkpoint();
        this.#engine.clearMask();
      } else {
        if (!(imageData instanceof ImageData)) throw new SmpError('invalid-mask', 'The area must be an ImageData or null.');
        const w = this.#engine.width();
        const h = this.#engine.height();
        if (imageData.width !== w || imageData.height !== h) {
          throw new SmpError('mask-size-mismatch', `The area is ${imageData.width}×${imageData.height} but the photo is ${w}×${h}; they must be the same size.`);
        }
        const src = imageData.data;
        const weights = new Uint8Array(w * h);
        for (let i = 0; i < weights.length; i++) weights[i] = src[i * 4 + 3];
        try {
          this.#engine.checkpoint();
          this.#engine.setMask(weights);
        } catch (e) {
          throw asSmpError(e);
        }
      }
      this.#areaChanged();
      this.#renderNow();
    } catch (e) {
      throw this.#report(asSmpError(e));
    }
  }

  /** Finds the bald scalp and makes it the area: everywhere with no taps,
   * else the patches under the taps (`[[x, y], …]` or `[{ x, y }, …]` in
   * photo pixels). Resolves once shown; rejects with `no-bald-scalp` or
   * `invalid-tap` (the area is then unchanged). */
  async autoRegion({ taps = [] } = {}) {
    await this.ready;
    try {
      this.#requireImage();
      await this.#detect(taps, false);
    } catch (e) {
      throw this.#report(asSmpError(e));
    }
  }

  async #detect(taps, add) {
    if (!Array.isArray(taps)) throw new SmpError('invalid-tap', 'taps must be a list of points such as [[120, 80]].');
    const flat = taps.flatMap((t) => (Array.isArray(t) ? [t[0], t[1]] : [t?.x, t?.y]));
    if (flat.some((v) => typeof v !== 'number')) throw new SmpError('invalid-tap', 'Each tap needs two numbers: x and y in photo pixels.');
    this.#status(taps.length ? 'Looking for the patch…' : 'Looking for bald areas…');
    await new Promise((ok) => requestAnimationFrame(() => ok())); // let the message show
    try {
      this.#engine.detectArea(Float64Array.from(flat), add);
    } catch (e) {
      throw asSmpError(e);
    }
    this.#areaChanged();
    this.#renderNow();
    this.#status(taps.length ? 'Patch added. Tap another, or adjust it with the brush.' : 'Bald areas found. Adjust them with the brush, or tap to add a patch.');
  }

  /** Sets the scale from a line drawn over something of known length:
   * `{ x0, y0, x1, y1 }` in photo pixels and its `lengthMm`. Resolves with
   * the new `pxPerMm`. */
  async calibrate({ x0, y0, x1, y1, lengthMm } = {}) {
    await this.ready;
    try {
      this.#requireImage();
      if (![x0, y0, x1, y1, lengthMm].every((v) => typeof v === 'number' && Number.isFinite(v))) {
        throw new SmpError('invalid-setting', 'A scale line needs x0, y0, x1, y1 in photo pixels and its lengthMm, all numbers.');
      }
      if (lengthMm <= 0) throw new SmpError('invalid-setting', 'The real length must be more than 0 mm.');
      const px = Math.hypot(x1 - x0, y1 - y0);
      if (px < 2) throw new SmpError('invalid-setting', 'Draw a longer line: it is too short to measure.');
      await this.setSettings({ pxPerMm: px / lengthMm });
      this.#status('Scale set: {value} pixels per mm.', false, { value: (px / lengthMm).toFixed(1) });
      return px / lengthMm;
    } catch (e) {
      throw this.#report(asSmpError(e));
    }
  }

  /** Shapes the area's front edge with a designed hairline (`handles`:
   * `[[x, y], …]` in photo pixels, the scalp above the curve; `style`:
   * `soft`, `defined` or `broken`). With an empty area, the whole scalp side
   * becomes the area. One undo step. */
  async setHairline({ handles, style = 'soft' } = {}) {
    await this.ready;
    try {
      this.#requireImage();
      if (!Array.isArray(handles) || handles.length < 2) throw new SmpError('invalid-setting', 'A hairline needs at least two handles: [[x, y], …].');
      const flat = handles.flatMap((p) => [p?.[0], p?.[1]]);
      if (flat.some((v) => typeof v !== 'number')) throw new SmpError('invalid-setting', 'Each hairline handle needs two numbers: x and y in photo pixels.');
      try {
        this.#engine.finishHairline();
        this.#engine.designHairline(Float64Array.from(flat), style);
        this.#engine.finishHairline();
      } catch (e) {
        throw asSmpError(e);
      }
      this.#hairline = handles.map((p) => [p[0], p[1]]);
      this.#areaChanged();
      this.#renderNow();
    } catch (e) {
      throw this.#report(asSmpError(e));
    }
  }

  /** Applies the hairline being designed in the page (handles dragged). */
  #designHairline() {
    try {
      this.#engine.designHairline(Float64Array.from(this.#hairline.flat()), this.#$('.hairline-style').value);
    } catch (e) {
      this.#report(asSmpError(e));
      return;
    }
    this.#drawHairline();
    this.#overlayStale = true;
    this.#scheduleRender(false);
  }

  #drawHairline() {
    const svg = this.#$('.hairline');
    const w = this.#engine.width();
    svg.setAttribute('viewBox', `0 0 ${w} ${this.#engine.height()}`);
    const sorted = [...this.#hairline].sort((a, b) => a[0] - b[0]);
    svg.querySelector('polyline').setAttribute('points', sorted.map((p) => p.join(',')).join(' '));
    const r = (12 * w) / Math.max(1, this.#$('.stage').getBoundingClientRect().width * this.#zoom.s);
    for (const c of svg.querySelectorAll('circle')) c.remove();
    this.#hairline.forEach((p, i) => {
      const c = document.createElementNS('http://www.w3.org/2000/svg', 'circle');
      c.setAttribute('cx', String(p[0]));
      c.setAttribute('cy', String(p[1]));
      c.setAttribute('r', String(r));
      c.dataset.index = String(i);
      svg.append(c);
    });
  }

  /** Undoes the last change of the area; resolves false when there is none. */
  async undo() {
    await this.ready;
    return this.#historyStep(true);
  }

  /** Redoes the last undone change of the area. */
  async redo() {
    await this.ready;
    return this.#historyStep(false);
  }

  #historyStep(back) {
    if (!this.#engine || this.#engine.width() === 0) return false;
    const moved = back ? this.#engine.undo() : this.#engine.redo();
    if (moved) {
      this.#areaChanged();
      this.#renderNow();
    }
    return moved;
  }

  /** After any change of the area: overlay, step guide, undo buttons. */
  #areaChanged() {
    this.#overlayStale = true;
    this.#hasArea = this.#engine.hasArea();
    this.#updateStep();
    const [undo, redo] = this.#engine.history();
    this.#$('.undo').disabled = undo === 0;
    this.#$('.redo').disabled = redo === 0;
  }

  /** The treatment area as ImageData of the photo's size (alpha = weight). */
  getMask() {
    if (!this.#engine || this.#engine.width() === 0) return null;
    const weights = this.#engine.mask();
    const data = new ImageData(this.#engine.width(), this.#engine.height());
    for (let i = 0; i < weights.length; i++) {
      data.data[i * 4] = 255;
      data.data[i * 4 + 1] = 255;
      data.data[i * 4 + 2] = 255;
      data.data[i * 4 + 3] = weights[i];
    }
    return data;
  }

  /** Merges, validates and applies settings; resolves once the frame is drawn. */
  async setSettings(partial) {
    await this.ready;
    try {
      if (partial === null || typeof partial !== 'object' || Array.isArray(partial)) {
        throw new SmpError('invalid-setting', 'Settings must be an object such as { densityPerCm2: 80 }.');
      }
      const names = [];
      const values = [];
      for (const [name, value] of Object.entries(partial)) {
        if (!this.#schema.some((s) => s.name === name)) {
          throw new SmpError('unknown-setting', `Unknown setting "${name}"; known settings: ${this.#schema.map((s) => s.name).join(', ')}.`);
        }
        const spec = this.#schema.find((x) => x.name === name);
        names.push(name);
        values.push(settingValue(spec, value));
      }
      try {
        this.#engine.setSettings(names, Float64Array.from(values));
      } catch (e) {
        throw asSmpError(e);
      }
      this.#syncControls();
      if (this.#engine.width() > 0) this.#renderNow();
      this.#emitChange();
    } catch (e) {
      throw this.#report(asSmpError(e));
    }
  }

  /** The photo (before, after, or both side by side) at full resolution, as
   * a Blob. `side-by-side` carries "Before"/"After" labels, the date and a
   * disclaimer line (`disclaimer: ''` leaves it out); `after` and `before`
   * stay pure unless a `disclaimer` is asked for. PNGs carry the settings
   * in a text chunk (see `loadSettings`). */
  async exportImage({ type = 'image/png', layout = 'after', quality = 0.92, disclaimer, date = new Date() } = {}) {
    await this.ready;
    try {
      this.#requireImage();
      if (!EXPORT_TYPES.includes(type)) throw new SmpError('invalid-export', `type must be one of ${EXPORT_TYPES.join(', ')}.`);
      if (!EXPORT_LAYOUTS.includes(layout)) throw new SmpError('invalid-export', `layout must be one of ${EXPORT_LAYOUTS.join(', ')}.`);
      if (disclaimer !== undefined && typeof disclaimer !== 'string') throw new SmpError('invalid-export', 'disclaimer must be text.');
      const note = disclaimer ?? (layout === 'side-by-side' ? (this.getAttribute('disclaimer') ?? this.#t(DEFAULT_DISCLAIMER)) : '');
      const w = this.#engine.width();
      const h = this.#engine.height();
      const canvas = document.createElement('canvas');
      canvas.width = layout === 'side-by-side' ? w * 2 : w;
      canvas.height = h;
      const ctx = canvas.getContext('2d');
      if (!ctx) throw new SmpError('out-of-memory', 'The browser could not make room for the full-size image.');
      const slow = setTimeout(() => this.#status('Preparing your full-size image…'), 300);
      try {
        if (layout !== 'after') ctx.putImageData(this.#view(this.#engine.beforePtr(), w, h), 0, 0);
        if (layout !== 'before') {
          const pixels = await this.#renderFullResolution();
          ctx.putImageData(new ImageData(pixels, w, h), layout === 'side-by-side' ? w : 0, 0);
        }
      } finally {
        clearTimeout(slow);
      }
      if (layout === 'side-by-side') drawLabels(ctx, w, h, [this.#t('Before'), this.#t('After')]);
      const dateText = layout === 'side-by-side' && date instanceof Date ? date.toISOString().slice(0, 10) : '';
      if (note || dateText) drawFooter(ctx, canvas.width, h, [dateText, note].filter(Boolean).join('   ·   '));
      let blob = await new Promise((ok) => canvas.toBlob(ok, type, quality));
      if (!blob) throw new SmpError('export-failed', 'The image could not be saved; the photo may be too large for this browser.');
      if (type === 'image/png') {
        const meta = JSON.stringify({ ...this.settingsRecord(), layout, disclaimer: note, date: dateText || null });
        blob = new Blob([withTextChunk(await blob.arrayBuffer(), META_KEY, meta)], { type: 'image/png' });
      }
      this.dispatchEvent(new CustomEvent('smp-export', { bubbles: true, composed: true, detail: { type, layout, size: blob.size, settings: this.settings } }));
      return blob;
    } catch (e) {
      throw this.#report(asSmpError(e));
    }
  }

  /** Built-in and saved presets: `[{ name, group, settings }]`. */
  get presets() {
    return [...BUILT_IN_PRESETS, ...this.#savedPresets().map((p) => ({ ...p, group: 'Saved' }))];
  }

  /** Applies a preset by name. */
  async applyPreset(name) {
    const preset = this.presets.find((p) => p.name === name);
    if (!preset) throw this.#report(new SmpError('unknown-preset', `There is no preset called "${name}".`));
    await this.setSettings(preset.settings);
    this.#status('Preset “{name}” applied.', false, { name: this.#t(name) });
  }

  /** Saves the current settings (except the photo's scale and pattern) as
   * a preset kept in this browser. */
  savePreset(name) {
    const clean = String(name ?? '').trim().slice(0, 40);
    if (!clean) throw this.#report(new SmpError('invalid-preset', 'A preset needs a name.'));
    if (BUILT_IN_PRESETS.some((p) => p.name === clean)) throw this.#report(new SmpError('invalid-preset', `“${clean}” is a built-in preset; choose another name.`));
    const { pxPerMm, seed, ...settings } = this.settings;
    const saved = this.#savedPresets().filter((p) => p.name !== clean);
    saved.push({ name: clean, settings });
    this.#storePresets(saved);
    this.#fillPresets();
    return { name: clean, settings };
  }

  /** Deletes a saved preset. */
  deletePreset(name) {
    this.#storePresets(this.#savedPresets().filter((p) => p.name !== name));
    this.#fillPresets();
  }

  #savedPresets() {
    try {
      const list = JSON.parse(localStorage.getItem(PRESET_STORE) ?? '[]');
      return Array.isArray(list) ? list.filter((p) => typeof p?.name === 'string' && p.settings && typeof p.settings === 'object') : [];
    } catch {
      return []; // storage disabled or unreadable: no saved presets
    }
  }

  #storePresets(list) {
    try {
      localStorage.setItem(PRESET_STORE, JSON.stringify(list));
    } catch {
      throw this.#report(new SmpError('storage-unavailable', 'This browser does not allow saving presets here.'));
    }
  }

  #fillPresets() {
    const select = this.#$('.preset');
    select.replaceChildren(new Option(this.#t('Choose…'), ''));
    const groups = new Map();
    for (const p of this.presets) {
      if (!groups.has(p.group)) {
        const g = document.createElement('optgroup');
        g.label = this.#t(p.group);
        groups.set(p.group, g);
        select.append(g);
      }
      groups.get(p.group).append(new Option(this.#t(p.name), p.name));
    }
  }

  /** Everything needed to reproduce a result's look: `{ app, version, settings }`. */
  settingsRecord() {
    return { app: META_KEY, version: 1, settings: this.settings };
  }

  /** Applies settings saved earlier: a JSON file or object from
   * `settingsRecord()`, or a PNG exported by the visualiser. */
  async loadSettings(source) {
    await this.ready;
    try {
      let record = source;
      if (source instanceof Blob) {
        const bytes = new Uint8Array(await source.arrayBuffer());
        const text = isPng(bytes) ? readTextChunk(bytes, META_KEY) : new TextDecoder().decode(bytes);
        if (text === null) throw new SmpError('no-settings', 'This image carries no visualiser settings.');
        try {
          record = JSON.parse(text);
        } catch {
          throw new SmpError('no-settings', 'This file is not a visualiser settings file.');
        }
      }
      if (record?.app !== META_KEY || typeof record.settings !== 'object' || record.settings === null) {
        throw new SmpError('no-settings', 'This file is not a visualiser settings file.');
      }
      await this.setSettings(record.settings);
      this.#status('Settings loaded.');
      return this.settings;
    } catch (e) {
      throw this.#report(asSmpError(e));
    }
  }

  /** Diagnostics: wasm memory in bytes, `{ engineBytes, workerBytes }`, of
   * this page's engine and of the export worker (0 when none runs). Wasm
   * memory only grows, so these are high-water marks (see tests/soak). */
  async memoryUsage() {
    const engineBytes = (await loadWasm()).memory.buffer.byteLength;
    if (!this.#worker) return { engineBytes, workerBytes: 0 };
    const id = ++this.#workerSeq;
    const reply = await new Promise((ok) => {
      this.#workerReplies.set(id, ok);
      this.#worker.postMessage({ type: 'stats', id });
    });
    return { engineBytes, workerBytes: reply.ok ? reply.memoryBytes : 0 };
  }

  // ---- rendering ----------------------------------------------------------

  /** Sends the loaded photo to the export worker, which prepares its
   * caches in the background. Without workers, exports render here. */
  #sendPhotoToWorker() {
    if (!this.#worker) {
      try {
        this.#worker = startWorker();
      } catch {
        return; // no workers here (or a policy forbids them): exports render on this thread
      }
      this.#worker.onmessage = ({ data }) => {
        if (data.dead) {
          this.#worker?.terminate();
          this.#worker = null;
        }
        const pending = this.#workerReplies.get(data.id);
        this.#workerReplies.delete(data.id);
        pending?.(data);
      };
      this.#worker.onerror = () => {
        // A failed worker is dropped; exports then render on the main thread.
        this.#worker?.terminate();
        this.#worker = null;
        for (const reply of this.#workerReplies.values()) reply({ ok: false, fallback: true });
        this.#workerReplies.clear();
      };
    }
    const w = this.#engine.width();
    const h = this.#engine.height();
    const photoPtr = this.#engine.beforePtr();
    const rgba = new Uint8Array(this.#memory.buffer, photoPtr, w * h * 4).slice();
    const [names, values] = this.#settingsArrays();
    this.#worker.postMessage({ type: 'load', rgba, width: w, height: h, names, values }, [rgba.buffer]);
  }

  #settingsArrays() {
    const names = this.#schema.map((s) => s.name);
    return [names, Float64Array.from(names, (n) => this.#engine.setting(n))];
  }

  /** The full-resolution result, rendered by the worker (or here where
   * workers are unavailable). Same engine, same pixels. */
  async #renderFullResolution() {
    const w = this.#engine.width();
    const h = this.#engine.height();
    if (this.#worker) {
      const mask = this.#engine.mask();
      const [names, values] = this.#settingsArrays();
      const id = ++this.#workerSeq;
      const reply = await new Promise((ok) => {
        this.#workerReplies.set(id, ok);
        this.#worker.postMessage({ type: 'render', id, mask, names, values }, [mask.buffer]);
      });
      if (reply.ok) return reply.pixels;
      if (!reply.fallback && reply.code !== 'no-image') throw new SmpError(reply.code, reply.message);
    }
    try {
      ensureRoom(w, h, 20);
      // Render first: it may grow wasm memory, which detaches older views.
      const ptr = this.#engine.renderFull();
      const pixels = new Uint8ClampedArray(this.#memory.buffer, ptr, w * h * 4).slice();
      this.#engine.releaseFull();
      return pixels;
    } catch (e) {
      throw asSmpError(e);
    }
  }

  /** An ImageData over wasm memory; valid only until the next engine call. */
  #view(ptr, w, h) {
    return new ImageData(new Uint8ClampedArray(this.#memory.buffer, ptr, w * h * 4), w, h);
  }

  #$(sel) {
    return this.shadowRoot.querySelector(sel);
  }

  #requireImage() {
    if (!this.#engine || this.#engine.width() === 0) throw new SmpError('no-image', 'Choose a photo first.');
  }

  /** Shows a newly loaded photo with an empty area. */
  #loaded(message) {
    this.#hairline = null;
    this.#applyZoom({ s: 1, ox: 0, oy: 0 });
    this.#sendPhotoToWorker();
    this.#areaChanged();
    this.#showPhoto();
    this.#renderNow();
    this.#status(message);
    return { width: this.#engine.width(), height: this.#engine.height() };
  }

  #showPhoto() {
    const pw = this.#engine.previewWidth();
    const ph = this.#engine.previewHeight();
    for (const sel of ['.before', '.after', '.overlay']) {
      const c = this.#$(sel);
      c.width = pw;
      c.height = ph;
    }
    this.#setAspect();
    this.#$('.before').getContext('2d').putImageData(this.#view(this.#engine.previewBeforePtr(), pw, ph), 0, 0);
    this.#$('.start').hidden = true;
    this.#$('.work').hidden = false;
    this.#syncControls();
    this.#updateStep();
  }

  /** Draws the after-view and the area overlay now (synchronously); only
   * the rectangle the engine changed is uploaded to the canvas. */
  #renderNow() {
    if (!this.#engine || this.#engine.width() === 0) return;
    const pw = this.#engine.previewWidth();
    const ph = this.#engine.previewHeight();
    let ptr;
    try {
      ptr = this.#engine.renderPreview();
    } catch (e) {
      this.#report(asSmpError(e));
      return;
    }
    const [x0, y0, x1, y1] = this.#engine.lastPreviewChange();
    if (x1 > x0 && y1 > y0 && this.#zoom.s > 1) this.#scheduleDetail();
    if (x1 > x0 && y1 > y0) {
      this.#$('.after').getContext('2d').putImageData(this.#view(ptr, pw, ph), 0, 0, x0, y0, x1 - x0, y1 - y0);
    }
    if (this.#overlayStale) {
      // After a brush stroke only the touched rectangle needs redrawing.
      const rect = this.#overlayStale === 'changed' ? [x0, y0, x1, y1] : [0, 0, pw, ph];
      this.#overlayStale = false;
      this.#drawOverlay(pw, ph, rect);
    }
  }

  /** Draws the tinted area over the before-side, within `[x0, y0, x1, y1]`. */
  #drawOverlay(pw, ph, [x0, y0, x1, y1]) {
    const ctx = this.#$('.overlay').getContext('2d');
    if (!this.#$('.show-area').checked) {
      ctx.clearRect(0, 0, pw, ph);
      return;
    }
    if (x1 <= x0 || y1 <= y0) return;
    const maskPtr = this.#engine.previewMaskPtr();
    const weights = new Uint8Array(this.#memory.buffer, maskPtr, pw * ph);
    const tint = new ImageData(x1 - x0, y1 - y0);
    const [r, g, b] = getComputedStyle(this).getPropertyValue('--smp-area').split(',').map(Number);
    const d = tint.data;
    let k = 0;
    for (let y = y0; y < y1; y++) {
      for (let x = x0; x < x1; x++, k += 4) {
        const a = weights[y * pw + x];
        if (a === 0) continue;
        d[k] = r;
        d[k + 1] = g;
        d[k + 2] = b;
        d[k + 3] = (a * 115) >> 8;
      }
    }
    ctx.putImageData(tint, x0, y0);
  }

  /** Renders at most once per animation frame while input keeps coming. */
  #scheduleRender(changed) {
    this.#changePending ||= changed;
    if (this.#frameRequested) return;
    this.#frameRequested = true;
    requestAnimationFrame(() => {
      this.#frameRequested = false;
      this.#renderNow();
      if (this.#changePending) {
        this.#changePending = false;
        this.#emitChange();
      }
    });
  }

  #emitChange() {
    this.dispatchEvent(new CustomEvent('smp-change', { bubbles: true, composed: true, detail: { settings: this.settings } }));
  }

  #report(err) {
    this.#status(err.message, true);
    this.dispatchEvent(new CustomEvent('smp-error', { bubbles: true, composed: true, detail: { code: err.code, message: err.message } }));
    return err;
  }

  #status(text, isError = false, values = {}) {
    const s = this.#$('.status');
    s.textContent = text ? this.#t(text, values) : '';
    s.classList.toggle('error', isError);
  }

  #updateStep() {
    const step = !this.#engine || this.#engine.width() === 0 ? 'photo' : this.#hasArea ? 'result' : 'area';
    for (const li of this.shadowRoot.querySelectorAll('.steps li')) {
      if (li.dataset.step === step) li.setAttribute('aria-current', 'step');
      else li.removeAttribute('aria-current');
    }
    this.#$('.step-hint').textContent = this.#t(
      step === 'area'
        ? 'Press “Find bald areas”, tap on a bald patch, or paint over the thin or bald area with your finger or mouse.'
        : 'Drag the divider to compare before and after. Adjust the look below, then download your image.',
    );
  }

  // ---- controls -------------------------------------------------------------

  #buildControls() {
    const box = this.#$('.controls');
    box.replaceChildren();
    // Seed and scale are for scripts (and calibration); the controls show the look.
    const shown = ['mode', 'session', 'healing', 'yearsAfter', 'densityPerCm2', 'dotDiameterMm', 'shade', 'softness'];
    for (const name of shown) {
      const s = this.#schema.find((x) => x.name === name);
      if (!s) continue;
      const wrap = document.createElement('div');
      wrap.className = 'control';
      const id = `smp-${s.name}`;
      const row = document.createElement('div');
      row.className = 'row';
      const label = document.createElement('label');
      label.htmlFor = id;
      label.textContent = this.#t(s.label);
      row.append(label);
      let input;
      if (s.choices.length) {
        input = document.createElement('select');
        for (const c of s.choices) input.append(new Option(this.#t(CHOICE_LABELS[c] ?? c), c));
      } else {
        input = document.createElement('input');
        Object.assign(input, { type: 'range', min: s.min, max: s.max, step: s.step });
        const out = document.createElement('output');
        out.htmlFor = id;
        row.append(out);
      }
      input.id = id;
      input.dataset.setting = s.name;
      input.title = s.help;
      input.addEventListener(s.choices.length ? 'change' : 'input', () => {
        try {
          const value = s.choices.length ? s.choices.indexOf(input.value) : Number(input.value);
          this.#engine.setSettings([s.name], Float64Array.of(value));
        } catch (e) {
          this.#report(asSmpError(e));
          return;
        }
        this.#syncControls();
        this.#scheduleRender(true);
      });
      wrap.append(row, input);
      box.append(wrap);
    }
    this.#syncControls();
  }

  #syncControls() {
    const values = this.settings;
    for (const input of this.shadowRoot.querySelectorAll('[data-setting]')) {
      const s = this.#schema.find((x) => x.name === input.dataset.setting);
      const v = values[s.name];
      input.value = String(v);
      if (s.choices.length) continue;
      const text = `${Number(v.toFixed(2))}${s.unit ? ` ${this.#t(s.unit)}` : ''}`;
      input.parentElement.querySelector('output').textContent = text;
      input.setAttribute('aria-valuetext', text);
    }
  }

  #setSplit(v) {
    this.#split = Math.min(1, Math.max(0, v));
    this.#$('.stage').style.setProperty('--split', String(this.#split));
    const pct = Math.round(this.#split * 100);
    const handle = this.#$('.handle');
    handle.setAttribute('aria-valuenow', String(pct));
    handle.setAttribute('aria-valuetext', this.#t('{value}% before', { value: pct }));
  }

  #imagePoint(e) {
    const rect = this.#$('.stage').getBoundingClientRect();
    const w = this.#engine.width();
    // Side by side, each half shows the whole photo.
    const halves = this.#compareMode === 'side-by-side' ? 2 : 1;
    const { s, ox, oy } = this.#zoom;
    const fx = (((e.clientX - rect.left) / rect.width) * halves) % 1;
    const fy = (e.clientY - rect.top) / rect.height;
    return {
      x: (ox + fx / s) * w,
      y: (oy + fy / s) * this.#engine.height(),
      scale: (w * halves) / (rect.width * s),
    };
  }

  #paintTo(e) {
    const p = this.#imagePoint(e);
    const last = this.#painting.last ?? p;
    const radius = (Number(this.#$('.brush').value) / 2) * p.scale;
    try {
      this.#engine.paint(last.x, last.y, p.x, p.y, radius, Number(this.#$('.hardness').value), this.#tool === 'erase');
    } catch (err) {
      this.#report(asSmpError(err));
    }
    this.#painting.last = p;
    this.#overlayStale ||= 'changed';
    this.#scheduleRender(false);
  }

  #wireUi() {
    const $ = (s) => this.#$(s);
    const fileInput = $('.photo-file');
    fileInput.addEventListener('change', () => {
      const file = fileInput.files?.[0];
      fileInput.value = '';
      if (file) this.loadImage(file).catch(() => {});
    });
    for (const zone of [$('.start'), $('.stage')]) {
      zone.addEventListener('dragover', (e) => {
        if ([...(e.dataTransfer?.types ?? [])].includes('Files')) {
          e.preventDefault();
          zone.classList.add('dragging');
        }
      });
      zone.addEventListener('dragleave', () => zone.classList.remove('dragging'));
      zone.addEventListener('drop', (e) => {
        zone.classList.remove('dragging');
        const file = e.dataTransfer?.files?.[0];
        if (!file) return;
        e.preventDefault();
        this.loadImage(file).catch(() => {});
      });
    }
    for (const b of this.shadowRoot.querySelectorAll('.tool')) {
      b.addEventListener('click', () => {
        const was = this.#tool;
        this.#tool = b.dataset.tool;
        for (const o of this.shadowRoot.querySelectorAll('.tool')) o.setAttribute('aria-pressed', String(o === b));
        this.#$('.stage').dataset.tool = this.#tool;
        const designing = this.#tool === 'hairline' && this.#engine?.width() > 0;
        this.#$('.hairline').toggleAttribute('hidden', !designing); // an SVG has no .hidden
        this.#$('.hairline-style-label').hidden = !designing;
        if (designing && was !== 'hairline') {
          this.#hairline ??= Array.from({ length: 5 }, (_, i) => [...this.#engine.defaultHairline().slice(i * 2, i * 2 + 2)]);
          this.#designHairline();
          this.#areaChanged();
          this.#status('Drag the handles to shape the hairline; the scalp is above the dashed line.');
        } else if (!designing && was === 'hairline') {
          this.#engine?.finishHairline();
        }
      });
    }
    $('.show-area').addEventListener('change', () => {
      this.#overlayStale = true;
      this.#scheduleRender(false);
    });
    $('.clear').addEventListener('click', () => this.setMask(null).catch(() => {}));
    $('.find').addEventListener('click', () => this.autoRegion().catch(() => {}));
    $('.share').addEventListener('click', () => this.#share());
    const camera = $('.camera-file');
    camera.addEventListener('change', () => {
      const file = camera.files?.[0];
      camera.value = '';
      if (file) this.loadImage(file).catch(() => {});
    });
    const cta = $('.cta');
    const fireCta = (e) => {
      const detail = { settings: this.settings };
      const go = this.dispatchEvent(new CustomEvent('smp-cta', { bubbles: true, composed: true, cancelable: true, detail }));
      if (!go || !cta.href) e.preventDefault();
    };
    cta.addEventListener('click', fireCta);
    cta.addEventListener('keydown', (e) => {
      if (!cta.href && (e.key === 'Enter' || e.key === ' ')) fireCta(e);
    });
    $('.compare-mode').addEventListener('change', (e) => {
      this.compareMode = e.target.value;
    });
    const hold = $('.hold');
    const press = (on) => $('.stage').classList.toggle('holding', on);
    hold.addEventListener('pointerdown', () => press(true));
    for (const type of ['pointerup', 'pointerleave', 'pointercancel']) hold.addEventListener(type, () => press(false));
    hold.addEventListener('keydown', (e) => {
      if (e.key === ' ' || e.key === 'Enter') {
        e.preventDefault();
        press(true);
      }
    });
    hold.addEventListener('keyup', () => press(false));
    $('.preset').addEventListener('change', (e) => {
      const name = e.target.value;
      e.target.value = '';
      if (name) this.applyPreset(name).catch(() => {});
    });
    $('.save-preset').addEventListener('click', () => {
      $('.preset-form').hidden = false;
      $('.preset-name').focus();
    });
    $('.preset-cancel').addEventListener('click', () => {
      $('.preset-form').hidden = true;
    });
    $('.preset-form').addEventListener('submit', (e) => {
      e.preventDefault();
      try {
        const p = this.savePreset($('.preset-name').value);
        $('.preset-form').hidden = true;
        $('.preset-name').value = '';
        this.#status('Preset “{name}” saved in this browser.', false, { name: p.name });
      } catch {
        // reported
      }
    });
    $('.save-settings').addEventListener('click', () => {
      const blob = new Blob([JSON.stringify(this.settingsRecord(), null, 2)], { type: 'application/json' });
      this.#saveBlob(blob, 'smp-settings.json');
    });
    $('.settings-file').addEventListener('change', (e) => {
      const file = e.target.files?.[0];
      e.target.value = '';
      if (file) this.loadSettings(file).catch(() => {});
    });
    $('.hairline-style').addEventListener('change', () => this.#designHairline());
    $('.calibrate').addEventListener('submit', (e) => {
      e.preventDefault();
      const m = this.#measured;
      const value = Number($('.calibrate-length').value) * ($('.calibrate-unit').value === 'cm' ? 10 : 1);
      if (!m) return;
      this.calibrate({ ...m, lengthMm: value })
        .then(() => {
          $('.calibrate').hidden = true;
          $('.measure').setAttribute('hidden', '');
        })
        .catch(() => {});
    });
    $('.calibrate-cancel').addEventListener('click', () => {
      $('.calibrate').hidden = true;
      $('.measure').setAttribute('hidden', '');
    });
    $('.undo').addEventListener('click', () => this.#historyStep(true));
    $('.redo').addEventListener('click', () => this.#historyStep(false));
    $('.invert').addEventListener('click', () => {
      if (!this.#engine?.width()) return;
      this.#engine.checkpoint();
      this.#engine.invertMask();
      this.#areaChanged();
      this.#renderNow();
    });
    this.shadowRoot.addEventListener('keydown', (e) => {
      if (!(e.ctrlKey || e.metaKey) || e.key.toLowerCase() !== 'z' && e.key.toLowerCase() !== 'y') return;
      if (e.target?.matches?.('input[type=text], textarea')) return;
      e.preventDefault();
      this.#historyStep(e.key.toLowerCase() === 'z' && !e.shiftKey);
    });
    $('.new-photo').addEventListener('click', () => fileInput.click());
    $('.sample').addEventListener('click', () => this.loadSample().catch(() => {}));
    $('.download').addEventListener('click', () => this.#download());

    const stage = $('.stage');
    const handle = $('.handle');
    stage.addEventListener('pointerdown', (e) => {
      if (!this.#engine || this.#engine.width() === 0 || e.button > 0) return;
      e.preventDefault();
      stage.setPointerCapture(e.pointerId);
      this.#pointers.set(e.pointerId, { x: e.clientX, y: e.clientY });
      if (this.#pointers.size === 2) {
        // Two fingers: pinch to zoom (whatever the tool), never paint.
        const [a, b] = [...this.#pointers.values()];
        this.#pinch = { d0: Math.hypot(a.x - b.x, a.y - b.y) || 1, s0: this.#zoom.s };
        this.#painting = null;
        return;
      }
      if (handle.contains(e.composedPath()[0])) {
        this.#painting = { divider: true };
        handle.focus();
        return;
      }
      if (this.#tool === 'compare' && this.#zoom.s > 1) {
        this.#painting = { pan: { x: e.clientX, y: e.clientY } };
        return;
      }
      if (this.#tool === 'compare') {
        this.#painting = { divider: true };
        const rect = stage.getBoundingClientRect();
        this.#setSplit((e.clientX - rect.left) / rect.width);
        return;
      }
      if (this.#tool === 'hairline') {
        const index = e.composedPath()[0]?.dataset?.index;
        if (index !== undefined) this.#painting = { handle: Number(index) };
        return;
      }
      if (this.#tool === 'measure') {
        const p = this.#imagePoint(e);
        this.#painting = { measure: { x0: p.x, y0: p.y, x1: p.x, y1: p.y } };
        this.#drawMeasure(this.#painting.measure);
        this.#$('.calibrate').hidden = true;
        return;
      }
      if (this.#tool === 'tap') {
        const p = this.#imagePoint(e);
        this.#detect([[p.x, p.y]], true).catch((err) => this.#report(asSmpError(err)));
        return;
      }
      this.#engine.checkpoint();
      this.#painting = { last: null };
      this.#paintTo(e);
    });
    stage.addEventListener('pointermove', (e) => {
      if (this.#pointers.has(e.pointerId)) this.#pointers.set(e.pointerId, { x: e.clientX, y: e.clientY });
      if (this.#pinch && this.#pointers.size >= 2) {
        const [a, b] = [...this.#pointers.values()];
        const rect = stage.getBoundingClientRect();
        const d = Math.hypot(a.x - b.x, a.y - b.y);
        const target = (this.#pinch.s0 * d) / this.#pinch.d0;
        this.#zoomAt(target / this.#zoom.s, ((a.x + b.x) / 2 - rect.left) / rect.width, ((a.y + b.y) / 2 - rect.top) / rect.height);
        return;
      }
      if (!this.#painting) return;
      if (this.#painting.pan) {
        const rect = stage.getBoundingClientRect();
        const { s, ox, oy } = this.#zoom;
        const dx = (e.clientX - this.#painting.pan.x) / (rect.width * s);
        const dy = (e.clientY - this.#painting.pan.y) / (rect.height * s);
        this.#painting.pan = { x: e.clientX, y: e.clientY };
        this.#applyZoom({ s, ox: ox - dx, oy: oy - dy });
        return;
      }
      if (this.#painting.divider) {
        const rect = stage.getBoundingClientRect();
        this.#setSplit((e.clientX - rect.left) / rect.width);
      } else if (this.#painting.handle !== undefined) {
        const p = this.#imagePoint(e);
        this.#hairline[this.#painting.handle] = [p.x, p.y];
        this.#designHairline();
      } else if (this.#painting.measure) {
        const p = this.#imagePoint(e);
        Object.assign(this.#painting.measure, { x1: p.x, y1: p.y });
        this.#drawMeasure(this.#painting.measure);
      } else {
        // Script-made events have no coalesced list: paint the event itself.
        const coalesced = e.getCoalescedEvents?.() ?? [];
        for (const ev of coalesced.length ? coalesced : [e]) this.#paintTo(ev);
      }
    });
    const end = () => {
      if (this.#painting?.measure) {
        this.#measured = this.#painting.measure;
        const form = this.#$('.calibrate');
        form.hidden = false;
        form.querySelector('input').focus();
        this.#painting = null;
        return;
      }
      if (this.#painting && !this.#painting.divider) {
        this.#areaChanged();
        if (this.#painting.handle !== undefined) {
          this.#painting = null;
          return;
        }
        this.#status('');
      }
      this.#painting = null;
    };
    const lift = (e) => {
      this.#pointers.delete(e.pointerId);
      if (this.#pinch) {
        if (this.#pointers.size < 2) this.#pinch = null;
        this.#painting = null;
        return;
      }
      end();
    };
    stage.addEventListener('pointerup', lift);
    stage.addEventListener('pointercancel', lift);
    stage.addEventListener(
      'wheel',
      (e) => {
        // Ctrl+wheel (and a trackpad pinch) zooms; so does a plain wheel in
        // the compare tool. Otherwise the wheel scrolls the page.
        if (!this.#engine?.width() || !(e.ctrlKey || this.#tool === 'compare')) return;
        e.preventDefault();
        const rect = stage.getBoundingClientRect();
        this.#zoomAt(Math.exp(-e.deltaY * 0.0015), (e.clientX - rect.left) / rect.width, (e.clientY - rect.top) / rect.height);
      },
      { passive: false },
    );
    stage.addEventListener('dblclick', (e) => {
      if (this.#tool !== 'compare' || !this.#engine?.width()) return;
      const rect = stage.getBoundingClientRect();
      const target = this.#zoom.s > 1.5 ? 1 : 4;
      this.#zoomAt(target / this.#zoom.s, (e.clientX - rect.left) / rect.width, (e.clientY - rect.top) / rect.height);
    });
    $('.zoom-reset').addEventListener('click', () => this.#applyZoom({ s: 1, ox: 0, oy: 0 }));
    this.shadowRoot.addEventListener('keydown', (e) => {
      if (!this.#engine?.width() || e.ctrlKey || e.metaKey || e.altKey) return;
      if (e.target?.matches?.('input, select, textarea')) return;
      const zoomKeys = { '+': 1.5, '=': 1.5, '-': 1 / 1.5 };
      if (e.key in zoomKeys) {
        e.preventDefault();
        this.#zoomAt(zoomKeys[e.key]);
      } else if (e.key === '0') {
        e.preventDefault();
        this.#applyZoom({ s: 1, ox: 0, oy: 0 });
      } else if (this.#zoom.s > 1 && e.key.startsWith('Arrow') && !e.target?.matches?.('.handle, [role=slider]')) {
        // Arrow keys pan a zoomed view by a tenth of what is visible.
        e.preventDefault();
        const step = 0.1 / this.#zoom.s;
        const [dx, dy] = { ArrowLeft: [-step, 0], ArrowRight: [step, 0], ArrowUp: [0, -step], ArrowDown: [0, step] }[e.key];
        this.#applyZoom({ s: this.#zoom.s, ox: this.#zoom.ox + dx, oy: this.#zoom.oy + dy });
      }
    });
    handle.addEventListener('keydown', (e) => {
      const big = e.shiftKey ? 0.1 : 0.02;
      const moves = {
        ArrowLeft: this.#split - big,
        ArrowDown: this.#split - big,
        ArrowRight: this.#split + big,
        ArrowUp: this.#split + big,
        PageDown: this.#split - 0.1,
        PageUp: this.#split + 0.1,
        Home: 0,
        End: 1,
      };
      if (e.key in moves) {
        e.preventDefault();
        this.#setSplit(moves[e.key]);
      }
    });
  }

  #drawMeasure(m) {
    const svg = this.#$('.measure');
    svg.setAttribute('viewBox', `0 0 ${this.#engine.width()} ${this.#engine.height()}`);
    const line = svg.querySelector('line');
    line.setAttribute('x1', String(m.x0));
    line.setAttribute('y1', String(m.y0));
    line.setAttribute('x2', String(m.x1));
    line.setAttribute('y2', String(m.y1));
    svg.removeAttribute('hidden'); // an SVG element has no .hidden property
  }

  #handlePaste(e) {
    // Only the element the user is working in (or the only one) takes a paste.
    const mine = this.matches(':focus-within') || document.querySelector('smp-visualiser') === this;
    const file = [...(e.clipboardData?.files ?? [])].find((f) => f.type.startsWith('image/'));
    if (!mine || !file) return;
    e.preventDefault();
    this.loadImage(file).catch(() => {});
  }

  /** Shares the chosen image through the device's share sheet (Web Share). */
  async #share() {
    const layout = this.#$('.layout').value;
    try {
      const blob = await this.exportImage({ type: 'image/png', layout });
      const file = new File([blob], layout === 'after' ? 'smp-after.png' : 'smp-before-after.png', { type: 'image/png' });
      await navigator.share({ files: [file], title: this.#t('Scalp micropigmentation simulation') });
    } catch (e) {
      if (e?.name !== 'AbortError' && !(e instanceof SmpError)) this.#report(new SmpError('share-failed', this.#t('Sharing is not available here; use Download instead.')));
    }
  }

  #saveBlob(blob, name) {
    const url = URL.createObjectURL(blob);
    const a = document.createElement('a');
    a.href = url;
    a.download = name;
    this.shadowRoot.appendChild(a);
    a.click();
    a.remove();
    setTimeout(() => URL.revokeObjectURL(url), 60_000);
  }

  async #download() {
    const layout = this.#$('.layout').value;
    try {
      this.#status('Preparing your image…');
      const blob = await this.exportImage({ type: 'image/png', layout });
      this.#saveBlob(blob, layout === 'after' ? 'smp-after.png' : 'smp-before-after.png');
      this.#status('Image saved to your downloads.');
    } catch {
      // already reported by exportImage
    }
  }
}

/** "Before" / "After" labels for the side-by-side export, sized to the photo. */
function drawLabels(ctx, w, h, [before, after]) {
  const size = Math.max(12, Math.round(Math.min(w, h) * 0.045));
  ctx.font = `600 ${size}px system-ui, sans-serif`;
  ctx.textBaseline = 'top';
  for (const [text, x] of [[before, 0], [after, w]]) {
    const pad = Math.round(size * 0.4);
    const tw = ctx.measureText(text).width;
    ctx.fillStyle = 'rgba(0, 0, 0, 0.6)';
    ctx.fillRect(x + pad, pad, tw + pad * 2, size + pad * 2);
    ctx.fillStyle = '#fff';
    ctx.fillText(text, x + pad * 2, pad * 2);
  }
}

/** A band along the bottom with the date and disclaimer, sized to the photo. */
function drawFooter(ctx, width, h, text) {
  const size = Math.max(11, Math.round(h * 0.028));
  const band = Math.round(size * 2);
  ctx.fillStyle = 'rgba(0, 0, 0, 0.55)';
  ctx.fillRect(0, h - band, width, band);
  ctx.font = `${size}px system-ui, sans-serif`;
  ctx.textBaseline = 'middle';
  ctx.fillStyle = '#fff';
  ctx.fillText(text, Math.round(size * 0.8), h - band / 2, width - size * 1.6);
}

if (!customElements.get('smp-visualiser')) customElements.define('smp-visualiser', SmpVisualiser);
