// The before/after view: the photo, the engine's after-image and the area's
// tint in canvases that share one zoom transform, split by a divider (a CSS
// variable) or shown side by side. Draws what the engine rendered, at most
// once per animation frame, uploading only the rectangle that changed.

import { pixelView, asSmpError, previewSidePx, previewSizeFor } from './engine-client.js';
import { AfterFrames, sharedSize } from './after-frames.js';
import { borders, previewSide, stageSize, widthOnWorkScreen } from './stage-fit.js';

/** Largest zoom: 800 %. */
const MAX_ZOOM = 8;

/** One element's view. `ctx` gives it the engine, the worker and the
 * element's ways to report and announce. */
export class CompareView {
  #ctx;
  #split = 0.5;
  #mode = 'wipe';
  /** Zoom: scale (1–8) and the photo's left/top edge in view, as fractions. */
  #zoom = { s: 1, ox: 0, oy: 0 };
  #frameRequested = false;
  #changePending = false;
  /** The area changed (true: all of it; 'changed': only what the engine
   * last changed) since the tint was drawn.
   * @type {boolean | 'changed'} */
  overlayStale = true;
  #detailTimer = 0;
  #detailSeq = 0;
  #fitTimer = 0;
  /** When the preview was last remade for the room (see `fitPreview`). */
  #fittedAt = -Infinity;
  /** A photo has been shown (the engine never goes back to having none). */
  #hasPhoto = false;
  /** The after-image's frames, drawn here or shared with the worker. */
  #after;
  /** A divider, zoom or mode waits for a frame to draw what it uncovers. */
  #viewPending = false;

  constructor(ctx) {
    this.#ctx = ctx;
    this.#after = new AfterFrames(ctx, (change) => this.#drawn(change), () => this.#shownFrom());
    this.#wire();
  }

  get split() {
    return this.#split;
  }

  /** Moves the divider: 0 (all after) … 1 (all before). */
  setSplit(v) {
    const $ = this.#ctx.$;
    this.#split = Math.min(1, Math.max(0, v));
    this.#show();
    const pct = Math.round(this.#split * 100);
    const handle = $('.handle');
    handle.setAttribute('aria-valuenow', String(pct));
    handle.setAttribute('aria-valuetext', this.#ctx.t('{value}% before', { value: pct }));
  }

  /** Moves the divider to a pointer's position. */
  splitAt(e) {
    const rect = this.#ctx.$('.stage').getBoundingClientRect();
    this.setSplit((e.clientX - rect.left) / rect.width);
  }

  get mode() {
    return this.#mode;
  }

  /** `wipe` (a divider) or `side-by-side`. */
  setMode(mode) {
    this.#mode = mode;
    this.#ctx.$('.compare-mode').value = mode;
    this.#show();
  }

  /** The first preview column the view shows: right of the divider in a
   * compare view at 100 % (two columns to spare at its edge), else all. */
  #shownFrom() {
    if (this.#mode !== 'wipe' || this.#zoom.s !== 1) return 0;
    return Math.max(0, Math.floor(this.#split * (this.#ctx.engine?.previewWidth() ?? 0)) - 2);
  }

  /** Puts the divider, the zoom and the mode on screen: at once, or after
   * a frame when they uncover columns of the after-image not drawn yet
   * (a hidden column may be out of date, and none may show). */
  #show() {
    this.#viewPending = this.#hasPhoto && this.#after.drawnFrom > this.#shownFrom();
    if (!this.#viewPending) {
      this.#applyView();
      return;
    }
    // Put on screen by the frame that covers it (see `#drawn`); shared
    // unless the view on screen is zoomed (see `renderFrame`).
    this.#after.drawWhole();
    this.#after.renderFrame(!this.#ctx.$('.stage').classList.contains('zoomed'));
  }

  /** Writes the view's state into the stage's style, only what differs
   * (the divider moves at every pointer move). */
  #applyView() {
    const { $ } = this.#ctx;
    const stage = $('.stage');
    const { s, ox, oy } = this.#zoom;
    const vars = { '--split': this.#split, '--zoom': s, '--ox': ox, '--oy': oy };
    for (const [name, v] of Object.entries(vars)) {
      if (stage.style.getPropertyValue(name) !== String(v)) stage.style.setProperty(name, String(v));
    }
    stage.classList.toggle('zoomed', s > 1);
    $('.zoom-reset').hidden = s <= 1;
    const side = this.#mode === 'side-by-side';
    if (stage.classList.contains('side') !== side) {
      stage.classList.toggle('side', side);
      this.setAspect();
    }
  }

  /** Shapes the stage for the photo and sizes it to the preview's pixels
   * (see `stageSize`): a screen pixel each, the dots as the engine drew
   * them. */
  setAspect() {
    const { engine, $ } = this.#ctx;
    if (!engine?.width()) return;
    const halves = this.#mode === 'side-by-side' ? 2 : 1;
    $('.view-col').style.setProperty('--aspect', String((engine.width() / engine.height()) * halves));
    const pw = engine.previewWidth();
    const ph = engine.previewHeight();
    if (!pw || !ph) return;
    const stage = $('.stage');
    const dpr = globalThis.devicePixelRatio || 1;
    const roomCss = $('.room').getBoundingClientRect().width;
    const { width, height, own } = stageSize({ pw, ph, halves, dpr, border: borders(stage), roomCss });
    stage.style.setProperty('--shown-aspect', `${width} / ${height}`);
    const wrap = $('.stage-wrap');
    if (own) wrap.style.setProperty('--shown-width', `${width}px`);
    else wrap.style.removeProperty('--shown-width');
  }

  /** `{ s, ox, oy }`: scale and the photo's left/top edge in view. */
  get zoom() {
    return this.#zoom;
  }

  /** The zoom as the public API gives it: `{ scale, x, y }`, the photo
   * point (fractions) at the view's centre. */
  get centredZoom() {
    const { s, ox, oy } = this.#zoom;
    return { scale: s, x: ox + 0.5 / s, y: oy + 0.5 / s };
  }

  /** @param {{ scale?: number, x?: number, y?: number }} zoom */
  set centredZoom(zoom) {
    const { scale = 1, x = 0.5, y = 0.5 } = zoom ?? {};
    if (![scale, x, y].every(Number.isFinite)) return;
    const s = Math.min(MAX_ZOOM, Math.max(1, scale));
    this.applyZoom({ s, ox: x - 0.5 / s, oy: y - 0.5 / s });
  }

  /** Zooms by `factor` keeping the photo point under (fx, fy) — fractions
   * of the view — where it is. */
  zoomAt(factor, fx = 0.5, fy = 0.5) {
    const { s, ox, oy } = this.#zoom;
    const next = Math.min(MAX_ZOOM, Math.max(1, s * factor));
    this.applyZoom({ s: next, ox: ox + fx / s - fx / next, oy: oy + fy / s - fy / next });
  }

  /** Sets scale `s` (clamped to 1–8) with the photo's left/top edge at (ox, oy). */
  applyZoom({ s, ox, oy }) {
    s = Math.min(MAX_ZOOM, Math.max(1, s));
    const clamp = (v) => Math.min(Math.max(v, 0), 1 - 1 / s);
    this.#zoom = { s, ox: clamp(ox), oy: clamp(oy) };
    this.#show();
    this.#ctx.onZoom();
    this.#scheduleDetail();
  }

  /** Where a pointer event falls on the photo, in photo pixels, and how many
   * photo pixels one CSS pixel covers there. */
  imagePoint(e) {
    const engine = this.#ctx.engine;
    const rect = this.#ctx.$('.stage').getBoundingClientRect();
    const w = engine.width();
    // Side by side, each half shows the whole photo.
    const halves = this.#mode === 'side-by-side' ? 2 : 1;
    const { s, ox, oy } = this.#zoom;
    const fx = (((e.clientX - rect.left) / rect.width) * halves) % 1;
    const fy = (e.clientY - rect.top) / rect.height;
    return { x: (ox + fx / s) * w, y: (oy + fy / s) * engine.height(), scale: (w * halves) / (rect.width * s) };
  }

  /** The preview's longest side for a `width`×`height` photo as this view
   * shows it unzoomed: as many pixels as the room has screen pixels (see
   * `previewSide`), never above the engine's cap. A frame then costs what
   * the screen can show (a 2 MP photo on a laptop is drawn at a third of
   * its pixels); a zoomed
   * view gets full-resolution detail from the worker, off this thread
   * (remaking the preview at the zoomed size here blocked it for 100 ms). */
  previewSideFor(width, height) {
    const { $, host } = this.#ctx;
    const halves = this.#mode === 'side-by-side' ? 2 : 1;
    const aspect = (width / height) * halves;
    // Measure the room as it will be for this photo's shape; when it is not
    // shown yet (the client's photo screen), estimate from the element.
    const col = $('.view-col');
    const room = $('.room');
    const before = col.style.getPropertyValue('--aspect');
    col.style.setProperty('--aspect', String(aspect));
    let cssWidth = room.getBoundingClientRect().width || widthOnWorkScreen($, room);
    if (before) col.style.setProperty('--aspect', before);
    else col.style.removeProperty('--aspect');
    if (!cssWidth) cssWidth = Math.min(host.getBoundingClientRect().width || innerWidth, 0.72 * innerHeight * aspect);
    const dpr = globalThis.devicePixelRatio || 1;
    const border = borders($('.stage')).x;
    return previewSide({ roomCss: cssWidth, borderCss: border, dpr, halves, width, height, cap: previewSidePx(), sizeFor: previewSizeFor });
  }

  /** Remakes the preview for the room the photo now has (after a resize,
   * a rotation or a mode change): larger, it would be scaled up and look
   * soft; smaller, scaled down, it would blur the dots and cost frames
   * more than the screen shows. */
  fitPreview() {
    const { engine } = this.#ctx;
    if (!engine?.width()) return;
    const want = this.previewSideFor(engine.width(), engine.height());
    const have = Math.max(engine.previewWidth(), engine.previewHeight());
    // A remade preview can change the page's height and so its scrollbar,
    // and the room with it: within a second, a room a little larger keeps
    // the preview (still shown at its own size, not scaled). A smaller
    // room would squeeze it: that is always remade.
    const settling = performance.now() - this.#fittedAt < 1000 && want > have && want <= have * 1.03;
    try {
      if (want === have || settling || !engine.setPreviewSide(want)) {
        this.setAspect();
        return;
      }
    } catch (e) {
      this.#ctx.report(asSmpError(e));
      return;
    }
    this.#fittedAt = performance.now();
    this.showPhoto();
    // Now: the canvas was just cleared, and must not be painted empty.
    this.renderNow();
  }

  #scheduleFit() {
    clearTimeout(this.#fitTimer);
    this.#fitTimer = setTimeout(() => this.fitPreview(), 150);
  }

  /** Sizes the canvases for a newly loaded photo and draws its before-side. */
  showPhoto() {
    const { engine, memory, $ } = this.#ctx;
    const pw = engine.previewWidth();
    const ph = engine.previewHeight();
    this.#afterCanvasFor(engine.previewIsOpaque());
    for (const sel of ['.before', '.after', '.overlay']) {
      const c = $(sel);
      c.width = pw;
      c.height = ph;
    }
    this.setAspect();
    $('.before').getContext('2d').putImageData(pixelView(memory, engine.previewBeforePtr(), pw, ph), 0, 0);
    this.overlayStale = true;
    this.#hasPhoto = true;
    this.#after.newPreview();
  }

  /** Gives the after-image an opaque canvas when the photo is opaque (the
   * usual case): a compositor draws an opaque canvas as a copy, not a
   * blend (in software compositing at 2×, 5.2 → 3.0–3.9 ms a frame). A
   * photo with transparency keeps a transparent one, so that it shows as
   * its before-side does. A canvas's kind is fixed by its first context:
   * a photo of the other kind gets a new canvas. */
  #afterCanvasFor(opaque) {
    const { $ } = this.#ctx;
    const c = $('.after');
    if (c.getContext('2d', { alpha: !opaque }).getContextAttributes().alpha === !opaque) return;
    const fresh = c.cloneNode(false);
    c.replaceWith(fresh);
    fresh.getContext('2d', { alpha: !opaque });
  }

  /** Draws the after-view and the area tint now, on this thread alone. */
  renderNow() {
    if (this.#hasPhoto) this.#after.renderNow();
  }

  /** Draws the next frame, shared with the worker when it can take part;
   * resolves once it is on the canvas. */
  renderFrame() {
    // A zoomed view takes its detail from the worker's full-size result.
    return this.#hasPhoto ? this.#after.renderFrame(this.#zoom.s === 1) : Promise.resolve();
  }

  /** After a frame: zoomed detail and the area tint follow it, and the
   * worker is given the area if it lacks it.
   * @param {number[] | null} change what the frame changed, `[x0, y0, x1, y1]` */
  #drawn(change) {
    const { engine, worker } = this.#ctx;
    if (this.#viewPending && this.#after.drawnFrom <= this.#shownFrom()) {
      this.#viewPending = false;
      this.#applyView();
    }
    const [x0, y0, x1, y1] = change ?? [0, 0, 0, 0];
    const pw = engine.previewWidth();
    const ph = engine.previewHeight();
    if (x1 > x0 && y1 > y0 && this.#zoom.s > 1) this.#scheduleDetail();
    if (this.overlayStale) {
      // After a brush stroke only the touched rectangle needs redrawing.
      const rect = this.overlayStale === 'changed' ? [x0, y0, x1, y1] : [0, 0, pw, ph];
      this.overlayStale = false;
      this.#drawOverlay(pw, ph, rect);
    }
    if (sharedSize(pw, ph) && this.#zoom.s === 1) worker.syncSoon(engine, () => this.#ctx.settingsArrays());
  }

  /** Renders at most once per animation frame while input keeps coming;
   * `changed` (settings moved) fires `smp-change` after the frame. */
  scheduleRender(changed) {
    this.#changePending ||= changed;
    if (this.#frameRequested) return;
    this.#frameRequested = true;
    requestAnimationFrame(() => {
      this.#frameRequested = false;
      const emit = this.#changePending;
      this.#changePending = false;
      this.renderFrame().then(() => {
        if (emit) this.#ctx.emitChange();
      });
    });
  }

  /** Redraws the area tint (shown or hidden) at the next frame. */
  refreshOverlay() {
    this.overlayStale = true;
    this.scheduleRender(false);
  }

  /** Draws the tinted area over the before-side, within `[x0, y0, x1, y1]`.
   * @param {number} pw @param {number} ph @param {number[]} rect */
  #drawOverlay(pw, ph, [x0, y0, x1, y1]) {
    const { engine, memory, $, host } = this.#ctx;
    const ctx = $('.overlay').getContext('2d');
    if (!this.#ctx.showArea()) {
      ctx.clearRect(0, 0, pw, ph);
      return;
    }
    if (x1 <= x0 || y1 <= y0) return;
    const weights = new Uint8Array(memory.buffer, engine.previewMaskPtr(), pw * ph);
    const tint = new ImageData(x1 - x0, y1 - y0);
    const [r, g, b] = getComputedStyle(host).getPropertyValue('--smp-area').split(',').map(Number);
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

  /** Where the photo is bigger than the preview, a zoomed view is redrawn
   * from full-resolution pixels (rendered by the worker) once zooming
   * pauses, so dots stay sharp at 800 %. */
  #scheduleDetail() {
    for (const c of this.#ctx.root.querySelectorAll('canvas.detail')) c.hidden = true;
    clearTimeout(this.#detailTimer);
    const seq = ++this.#detailSeq;
    const { engine, worker } = this.#ctx;
    if (this.#zoom.s <= 1 || !worker.running || !engine?.width() || engine.width() <= engine.previewWidth()) return;
    this.#detailTimer = setTimeout(() => this.#renderDetail(seq), 150);
  }

  async #renderDetail(seq) {
    const { engine, worker, $ } = this.#ctx;
    const W = engine.width();
    const H = engine.height();
    const { s, ox, oy } = this.#zoom;
    const x = Math.floor(ox * W);
    const y = Math.floor(oy * H);
    const rect = { x, y, w: Math.min(Math.ceil(W / s) + 2, W - x), h: Math.min(Math.ceil(H / s) + 2, H - y) };
    const reply = await worker.crop(rect, engine.mask(), this.#ctx.settingsArrays());
    if (!reply.ok || seq !== this.#detailSeq) return; // failed, or the view moved on
    for (const [cls, pixels] of [['.after-detail', reply.after], ['.before-detail', reply.before]]) {
      const c = $(cls);
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

  /** Keys, wheel, double-tap and the hold button: everything of the view
   * that is not a drag on the photo (see stage-input.js). */
  #wire() {
    const { $, root } = this.#ctx;
    const stage = $('.stage');
    const hasPhoto = () => this.#ctx.engine?.width() > 0;
    new ResizeObserver(() => this.#scheduleFit()).observe($('.room'));
    const at = (e) => {
      const rect = stage.getBoundingClientRect();
      return [(e.clientX - rect.left) / rect.width, (e.clientY - rect.top) / rect.height];
    };
    stage.addEventListener(
      'wheel',
      (e) => {
        // Ctrl+wheel (and a trackpad pinch) zooms; so does a plain wheel in
        // the compare tool on a zoomed view. Otherwise the wheel scrolls the page.
        if (!hasPhoto() || !(e.ctrlKey || (this.#ctx.tool() === 'compare' && this.#zoom.s > 1))) return;
        e.preventDefault();
        this.zoomAt(Math.exp(-e.deltaY * 0.0015), ...at(e));
      },
      { passive: false },
    );
    stage.addEventListener('dblclick', (e) => {
      if (this.#ctx.tool() !== 'compare' || !hasPhoto()) return;
      this.zoomAt((this.#zoom.s > 1.5 ? 1 : 4) / this.#zoom.s, ...at(e));
    });
    $('.zoom-reset').addEventListener('click', () => this.applyZoom({ s: 1, ox: 0, oy: 0 }));
    $('.compare-mode').addEventListener('change', (e) => this.setMode(e.target.value));
    const hold = $('.hold');
    const press = (on) => stage.classList.toggle('holding', on);
    hold.addEventListener('pointerdown', () => press(true));
    for (const type of ['pointerup', 'pointerleave', 'pointercancel']) hold.addEventListener(type, () => press(false));
    hold.addEventListener('keydown', (e) => {
      if (e.key === ' ' || e.key === 'Enter') {
        e.preventDefault();
        press(true);
      }
    });
    hold.addEventListener('keyup', () => press(false));
    root.addEventListener('keydown', (e) => {
      if (!hasPhoto() || e.ctrlKey || e.metaKey || e.altKey) return;
      if (e.target?.matches?.('input, select, textarea')) return;
      const zoomKeys = { '+': 1.5, '=': 1.5, '-': 1 / 1.5 };
      if (e.key in zoomKeys) {
        e.preventDefault();
        this.zoomAt(zoomKeys[e.key]);
      } else if (e.key === '0') {
        e.preventDefault();
        this.applyZoom({ s: 1, ox: 0, oy: 0 });
      } else if (this.#zoom.s > 1 && e.key.startsWith('Arrow') && !e.target?.matches?.('.handle, [role=slider]')) {
        // Arrow keys pan a zoomed view by a tenth of what is visible.
        e.preventDefault();
        const step = 0.1 / this.#zoom.s;
        const [dx, dy] = { ArrowLeft: [-step, 0], ArrowRight: [step, 0], ArrowUp: [0, -step], ArrowDown: [0, step] }[e.key];
        this.applyZoom({ s: this.#zoom.s, ox: this.#zoom.ox + dx, oy: this.#zoom.oy + dy });
      }
    });
    $('.handle').addEventListener('keydown', (e) => {
      const big = e.shiftKey ? 0.1 : 0.02;
      const split = this.#split;
      const moves = {
        ArrowLeft: split - big,
        ArrowDown: split - big,
        ArrowRight: split + big,
        ArrowUp: split + big,
        PageDown: split - 0.1,
        PageUp: split + 0.1,
        Home: 0,
        End: 1,
      };
      if (e.key in moves) {
        e.preventDefault();
        this.setSplit(moves[e.key]);
      }
    });
  }
}
