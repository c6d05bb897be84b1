// <smp-visualiser>: the product. A framework-free custom element that shows
// scalp micropigmentation on the user's own photo, before and after.
//
// This file is the shell: lifecycle, attributes and the public API. Each
// concern lives in its own module under element/ (listed in files.json):
// the engine client, photo files, the worker, the compare view, pointers on
// the stage, area tools, controls, the way through, export, words, styles
// and markup. Pixel work happens in the Rust engine (wasm). Nothing is sent
// anywhere: the photo never leaves the device.

import {
  SmpError, Engine, loadWasm, readSchema, asSmpError, weightsOf, imageDataOf, settingsOf, settingsArrays,
  loadKeepingScale, requirePhoto, engineUnavailable, presetsJson, settingsFrom,
} from './element/engine-client.js';
import { loadPhoto } from './element/photo-load.js';
import { WorkerClient } from './element/worker-client.js';
import { CompareView } from './element/compare-view.js';
import { wireStage } from './element/stage-input.js';
import { AreaTools } from './element/area-tools.js';
import { Controls } from './element/controls.js';
import { Flow } from './element/flow.js';
import { builtInPresets, takeBuiltInPresets, savedPresets, storePresets, savePreset } from './element/presets.js';
import { exportResult } from './element/export-image.js';
import { applyAttribute } from './element/attributes.js';
import { MESSAGES, CHOICE_LABELS, LANGUAGES, Translator, sourceStrings } from './element/strings.js';
import { STYLES } from './element/styles.js';
import { TEMPLATE } from './element/template.js';
import { settingsRecord, readSettings } from './element/settings-file.js';

export { SmpError };

const DEFAULT_DISCLAIMER = 'Simulation: real results vary from person to person.';

/** The `<smp-visualiser>` element. */
export class SmpVisualiser extends HTMLElement {
  #engine = null;
  #memory = null;
  #schema = [];
  #readyResolve;
  #readyReject;
  #hasArea = false;
  /** Counts loaded photos (an export knows the photo it started on), and
   * photos chosen (only the last one chosen is shown). */
  #photoNumber = 0;
  #loads = 0;
  #words = new Translator();
  #worker = new WorkerClient();
  #view;
  #tools;
  #controls;
  #flow;
  #onPaste = (e) => this.#flow.paste(e);

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
    // What the modules share: the engine and the element's ways to draw,
    // announce and report.
    const self = this;
    const ctx = {
      host: this,
      root,
      $: (sel) => root.querySelector(sel),
      get engine() { return self.#engine; }, get memory() { return self.#memory; }, get schema() { return self.#schema; },
      worker: this.#worker,
      get view() { return self.#view; }, get tools() { return self.#tools; }, get controls() { return self.#controls; },
      t: (source, values) => this.#words.t(source, values),
      say: (text, options) => this.#flow.say(text, options),
      report: (err) => this.#report(err),
      emitChange: () => this.#emit('smp-change', { settings: this.settings }),
      settingsArrays: () => settingsArrays(this.#engine, this.#schema),
      areaChanged: (render) => this.#areaChanged(render),
      historyStep: (back) => this.#historyStep(back),
      tool: () => this.#tools.tool,
      isClient: () => this.#flow.isClient, loads: () => this.#loads,
      showArea: () => this.#flow.showArea,
      onZoom: () => this.#tools?.onZoom(),
    };
    this.#view = new CompareView(ctx);
    this.#tools = new AreaTools(ctx);
    this.#controls = new Controls(ctx);
    this.#flow = new Flow(ctx);
    wireStage(ctx);
  }

  static get observedAttributes() {
    return ['cta-label', 'cta-href', 'accent', 'logo', 'logo-alt', 'preset', 'lang', 'controls', 'disclaimer'];
  }

  /** Registers a translation table for the `lang` attribute. */
  static addLanguage(lang, table) {
    const key = String(lang).toLowerCase();
    LANGUAGES.set(key, { ...table });
    for (const el of /** @type {NodeListOf<SmpVisualiser>} */ (document.querySelectorAll('smp-visualiser'))) {
      if ((el.getAttribute('lang') ?? '').toLowerCase() === key) el.attributeChangedCallback('lang');
    }
  }

  /** The English source of every static label, then every message. */
  static sourceStrings() {
    return sourceStrings(TEMPLATE, [...builtInPresets().map((p) => p.name), ...Object.values(CHOICE_LABELS), ...MESSAGES]);
  }

  /** What a partner configures, live (see the README's attribute table). */
  attributeChangedCallback(name) {
    const value = this.getAttribute(name);
    const $ = (sel) => this.shadowRoot.querySelector(sel);
    switch (name) {
      case 'preset':
        if (value && this.#engine) this.#controls.applyPresetQuietly(value);
        break;
      case 'lang':
        this.#words.setLanguage(LANGUAGES.get((value ?? '').toLowerCase()));
        this.strings = {};
        break;
      case 'controls':
        $('.app').dataset.controls = value === 'client' ? 'client' : 'technician';
        this.#flow.placeTools();
        break;
      default:
        applyAttribute(this, name);
    }
  }

  connectedCallback() {
    document.addEventListener('paste', this.#onPaste);
    this.#flow.connect();
    if (!this.#engine) this.#start();
    else this.#worker.sendPhoto(this.#engine, this.#memory, this.#schema);
  }

  disconnectedCallback() {
    document.removeEventListener('paste', this.#onPaste);
    this.#flow.disconnect();
    this.#worker.terminate();
  }

  async #start() {
    try {
      const wasm = await loadWasm();
      this.#memory = wasm.memory;
      this.#schema = readSchema();
      takeBuiltInPresets(presetsJson());
      this.#engine = new Engine();
      this.#controls.build();
      this.#controls.fillPresets();
      this.#flow.checkShare();
      this.#flow.placeTools();
      if (this.getAttribute('lang')) this.attributeChangedCallback('lang');
      this.#readyResolve();
      // A photo's first steps run in the worker: start it before a photo comes.
      this.#worker.startSoon(this);
      if (this.getAttribute('preset')) this.#controls.applyPresetQuietly(this.getAttribute('preset'));
      this.#emit('smp-ready', null);
    } catch (e) {
      const err = engineUnavailable(e);
      this.#readyReject(err);
      this.#flow.unavailable();
      this.#report(err);
    }
  }

  // ---- public API ---------------------------------------------------------

  /** Whether a photo is loaded. */
  get hasPhoto() {
    return this.#engine?.width() > 0;
  }

  /** Whether the area has any weight. */
  get hasArea() {
    return this.#hasArea;
  }

  /** Every setting as a plain number (or choice name), units in the names. */
  get settings() {
    return settingsOf(this.#engine, this.#schema);
  }

  /** Position of the before/after divider, 0 (all after) … 1 (all before). */
  get comparePosition() {
    return this.#view.split;
  }

  set comparePosition(v) {
    if (Number.isFinite(Number(v))) this.#view.setSplit(Number(v));
  }

  /** How before and after are compared: `wipe` (a divider) or `side-by-side`. */
  get compareMode() {
    return this.#view.mode;
  }

  set compareMode(mode) {
    if (mode === 'wipe' || mode === 'side-by-side') this.#view.setMode(mode);
  }

  /** Synchronised zoom of before and after: `{ scale, x, y }`, scale 1–8
   * and the photo point (fractions 0–1) at the view's centre. */
  get zoom() {
    return this.#view.centredZoom;
  }

  set zoom(zoom) {
    this.#view.centredZoom = zoom;
  }

  /** Every text the element shows, as `{ englishSource: shownText }`. */
  get strings() {
    const out = {};
    for (const source of SmpVisualiser.sourceStrings()) out[source] = this.#words.t(source);
    for (const sp of this.#schema) for (const t of [sp.label, sp.unit].filter(Boolean)) out[t] = this.#words.t(t);
    return out;
  }

  /** Translates the interface: `{ englishSource: translation }`, merged
   * with earlier ones (messages from the engine itself stay in English). */
  set strings(table) {
    if (table === null || typeof table !== 'object') return;
    this.#words.merge(table);
    this.#words.translate(this.shadowRoot.querySelector('.app'));
    if (!this.#engine) return;
    this.#controls.build();
    this.#controls.fillPresets();
    this.#flow.update();
    this.#view.setSplit(this.#view.split);
  }

  /** Decodes and shows a photo; starts a new, empty area (or, with
   * `{ findArea: true }`, the proposed one); keeps the settings. Resolves
   * with null when another photo was chosen before this one was shown. */
  async loadImage(file, { findArea = false } = {}) {
    const ticket = ++this.#loads;
    let first;
    const loaded = await this.#guard(async () => {
      const keep = /** @type {HTMLInputElement} */ (this.shadowRoot.querySelector('.keep-scale')).checked;
      first = await loadPhoto(file, { engine: this.#engine, memory: this.#memory, worker: this.#worker, schema: this.#schema, findArea, keep, isCurrent: () => ticket === this.#loads, previewSide: (w, h) => this.#view.previewSideFor(w, h), say: (m) => this.#flow.say(m) });
      return first && this.#loaded('Photo loaded. Now mark the thin or bald area.', first);
    });
    if (loaded) await this.#flow.afterLoad(loaded, findArea, first);
    return loaded;
  }

  /** Loads the built-in synthetic sample scalp (no file needed); with
   * `{ findArea: true }` its area is proposed too. */
  async loadSample({ findArea = false } = {}) {
    this.#loads++; // a photo still being read is not shown after it
    const loaded = await this.#guard(async () => {
      loadKeepingScale(this.#engine, /** @type {HTMLInputElement} */ (this.shadowRoot.querySelector('.keep-scale')).checked, () => this.#engine.loadSample(1600, 1200, 1, this.#view.previewSideFor(1600, 1200)));
      return this.#loaded('Sample loaded. Now mark its two bald patches.');
    });
    await this.#flow.afterLoad(loaded, findArea);
    return loaded;
  }

  /** Sets the treatment area (ImageData of the photo's size, alpha = weight), or clears it with null. */
  async setMask(imageData) {
    return this.#guard(async () => {
      requirePhoto(this.hasPhoto);
      const weights = imageData === null || imageData === undefined ? null : weightsOf(imageData, this.#engine.width(), this.#engine.height());
      this.#engine.checkpoint();
      if (weights) this.#engine.setMask(weights);
      else this.#engine.clearMask();
      this.#areaChanged(true);
    });
  }

  /** Finds the bald scalp and makes it the area: everywhere with no taps,
   * else the patches under the taps (`[[x, y], …]` or `[{ x, y }, …]` in
   * photo pixels). Rejects with `no-bald-scalp` or `invalid-tap` (the area
   * is then unchanged). */
  async autoRegion({ taps = [] } = {}) {
    return this.#guard(async () => {
      requirePhoto(this.hasPhoto);
      await this.#tools.detect(taps, false);
    });
  }

  /** Sets the scale from a line drawn over something of known length:
   * `{ x0, y0, x1, y1 }` in photo pixels and its `lengthMm`. Resolves with
   * the new `pxPerMm`.
   * @param {{ x0?: number, y0?: number, x1?: number, y1?: number, lengthMm?: number }} line */
  async calibrate({ x0, y0, x1, y1, lengthMm } = {}) {
    return this.#guard(async () => {
      requirePhoto(this.hasPhoto);
      const pxPerMm = this.#tools.scaleFrom({ x0, y0, x1, y1, lengthMm });
      await this.setSettings({ pxPerMm });
      this.#flow.say('Scale set: {value} pixels per mm.', { values: { value: pxPerMm.toFixed(1) } });
      return pxPerMm;
    });
  }

  /** Shapes the area's front edge with a designed hairline (`handles`:
   * `[[x, y], …]` in photo pixels, the scalp above the curve; `style`:
   * `soft`, `defined` or `broken`). With an empty area, the head's scalp
   * side becomes the area. One undo step, none for a refused hairline.
   * @param {{ handles?: Array<[number, number]>, style?: string }} hairline */
  async setHairline({ handles, style = 'soft' } = {}) {
    return this.#guard(async () => {
      requirePhoto(this.hasPhoto);
      this.#tools.applyHairline(handles, style);
      this.#areaChanged(true);
    });
  }

  /** Undoes the last change of the area; resolves false when there is none. */
  async undo() {
    return this.ready.then(() => this.#historyStep(true));
  }

  /** Redoes the last undone change of the area. */
  async redo() {
    return this.ready.then(() => this.#historyStep(false));
  }

  #historyStep(back) {
    if (!this.hasPhoto) return false;
    const moved = back ? this.#engine.undo() : this.#engine.redo();
    if (moved) this.#areaChanged(true);
    return moved;
  }

  /** After any change of the area: tint, step guide, undo buttons; with
   * `render`, the frame now. */
  #areaChanged(render = false) {
    this.#view.overlayStale = true;
    this.#hasArea = this.#engine.hasArea();
    this.#flow.update();
    const { undo, redo } = this.#engine.history();
    /** @type {HTMLButtonElement} */ (this.shadowRoot.querySelector('.undo')).disabled = undo === 0;
    /** @type {HTMLButtonElement} */ (this.shadowRoot.querySelector('.redo')).disabled = redo === 0;
    if (render) this.#view.renderNow();
  }

  /** The treatment area as ImageData of the photo's size (alpha = weight). */
  getMask() {
    if (!this.hasPhoto) return null;
    return imageDataOf(this.#engine.mask(), this.#engine.width(), this.#engine.height());
  }

  /** Merges, validates and applies settings; resolves once the frame is drawn. */
  async setSettings(partial) {
    return this.#guard(async () => {
      if (partial === null || typeof partial !== 'object' || Array.isArray(partial)) {
        throw new SmpError('invalid-setting', 'Settings must be an object such as { densityPerCm2: 80 }.');
      }
      // The engine checks every name and value (choices by name), all or none.
      const names = Object.keys(partial);
      const settings = settingsFrom(this.#engine.setSettingsByName(names, Object.values(partial)), this.#schema);
      this.#controls.chosenByScript(names);
      if (this.hasPhoto) await this.#view.renderFrame();
      this.#controls.sync(); // after the frame: synced before it, the panel's repaint held up the worker's rows
      this.#emit('smp-change', { settings });
    });
  }

  /** The photo (before, after, or both side by side) at full resolution, as
   * a Blob. `side-by-side` carries "Before"/"After" labels, the date and a
   * disclaimer line (`disclaimer: ''` leaves it out); `after` and `before`
   * stay pure unless a `disclaimer` is asked for. PNGs carry the settings
   * in a text chunk (see `loadSettings`).
   * @param {{ type?: string, layout?: string, quality?: number, disclaimer?: string, date?: Date }} options */
  async exportImage({ type = 'image/png', layout = 'after', quality = 0.92, disclaimer, date = new Date() } = {}) {
    return this.#guard(async () => {
      requirePhoto(this.hasPhoto);
      if (disclaimer !== undefined && typeof disclaimer !== 'string') throw new SmpError('invalid-export', 'disclaimer must be text.');
      const note = disclaimer ?? (layout === 'side-by-side' ? (this.getAttribute('disclaimer') ?? this.#words.t(DEFAULT_DISCLAIMER)) : '');
      const slow = setTimeout(() => this.#flow.say('Preparing your full-size image…'), 300);
      const photo = this.#photoNumber;
      const settings = this.settings;
      const blob = await exportResult({
        engine: this.#engine, memory: this.#memory, worker: this.#worker, settingsArrays: settingsArrays(this.#engine, this.#schema),
        type, layout, quality, note, date, record: settingsRecord(settings), labels: [this.#words.t('Before'), this.#words.t('After')],
        isCurrent: () => photo === this.#photoNumber,
      }).finally(() => clearTimeout(slow));
      this.#emit('smp-export', { type, layout, size: blob.size, settings });
      return blob;
    });
  }

  /** Shade, dot size and density suggested from the photo's hair and skin,
   * with a short `reason`: `{ densityPerCm2, dotDiameterMm, shade, reason }`.
   * Never rejects: with no photo, hair or skin, the defaults and why. */
  async suggestSettings() {
    return this.ready.then(() => JSON.parse(this.#engine.suggestSettings()));
  }

  /** Built-in and saved presets: `[{ name, group, settings }]`. */
  get presets() {
    return [...builtInPresets(), ...savedPresets().map((p) => ({ ...p, group: 'Saved' }))];
  }

  /** Applies a preset by name. */
  async applyPreset(name) {
    const preset = this.presets.find((p) => p.name === name);
    if (!preset) throw this.#report(new SmpError('unknown-preset', `There is no preset called "${name}".`));
    await this.setSettings(preset.settings);
    this.#flow.say('Preset “{name}” applied.', { values: { name: this.#words.t(name) } });
  }

  /** Saves the current settings (except the photo's scale and pattern) as
   * a preset kept in this browser. */
  savePreset(name) {
    try {
      const { pxPerMm, seed, ...settings } = this.settings;
      const preset = savePreset(name, settings);
      this.#controls.fillPresets();
      return preset;
    } catch (e) {
      throw this.#report(e);
    }
  }

  /** Deletes a saved preset. */
  deletePreset(name) {
    if (!storePresets(savedPresets().filter((p) => p.name !== name))) {
      throw this.#report(new SmpError('storage-unavailable', 'This browser does not allow saving presets here.'));
    }
    this.#controls.fillPresets();
  }

  /** Everything needed to reproduce a result's look: `{ app, version, settings }`. */
  settingsRecord() {
    return settingsRecord(this.settings);
  }

  /** Applies settings saved earlier: a JSON file or object from
   * `settingsRecord()`, or a PNG exported by the visualiser. */
  async loadSettings(source, { withScale = false } = {}) {
    return this.#guard(async () => {
      // Another photo's scale is not this one's, unless asked for.
      const { pxPerMm, ...settings } = await readSettings(source);
      await this.setSettings(withScale && pxPerMm !== undefined ? { ...settings, pxPerMm } : settings);
      this.#flow.say('Settings loaded.');
      return this.settings;
    });
  }

  /** Diagnostics: wasm memory in bytes, `{ engineBytes, workerBytes }`, of
   * this page's engine and of the export worker (0 when none runs). Wasm
   * memory only grows, so these are high-water marks (see tests/soak). */
  async memoryUsage() {
    const engineBytes = (await loadWasm()).memory.buffer.byteLength;
    return { engineBytes, workerBytes: await this.#worker.memoryBytes() };
  }

  // ---- internals ------------------------------------------------------------

  /** Runs a public call once the engine is ready; a failure is reported
   * (message and `smp-error`) and rejects with its SmpError. */
  async #guard(fn) {
    if (!this.#engine) await this.ready; // once ready, at once: in order with the controls' own changes
    try {
      return await fn();
    } catch (e) {
      throw this.#report(asSmpError(e));
    }
  }

  /** Shows a new photo with an empty area, or the worker's proposal (`first`, photo-load.js). */
  #loaded(message, first = null) {
    this.#photoNumber++;
    this.#controls.newPhoto();
    this.#tools.resetForPhoto();
    this.#view.applyZoom({ s: 1, ox: 0, oy: 0 });
    // A prepared photo is in the worker already.
    if (!first?.prepared) this.#worker.sendPhoto(this.#engine, this.#memory, this.#schema);
    else if (first.suggestion) this.#controls.matchToPhoto(first.suggestion);
    this.#view.showPhoto();
    this.#controls.sync();
    this.#areaChanged();
    this.#flow.go(this.#flow.screen === 'photo' ? (this.#flow.isClient ? 'area' : 'result') : this.#flow.screen);
    this.#view.fitPreview(); // the stage is shown now: measure it, not the estimate
    this.#view.renderNow();
    this.#flow.say(message);
    const shown = { width: this.#engine.width(), height: this.#engine.height() };
    return first?.reducedFrom ? { ...shown, reducedFrom: first.reducedFrom } : shown;
  }

  #emit(type, detail) {
    this.dispatchEvent(new CustomEvent(type, { bubbles: true, composed: true, detail }));
  }

  #report(err) {
    this.#flow.say(err.message, { error: true });
    this.#emit('smp-error', { code: err.code, message: err.message });
    return err;
  }
}

if (!customElements.get('smp-visualiser')) customElements.define('smp-visualiser', SmpVisualiser);
