// Marking where the pigment goes: the area tools (compare, tap a patch,
// paint, erase, measure, hairline), the brush, undo/redo, invert and clear.
// The stage's pointer routing (stage-input.js) hands each drag on the photo
// to `begin`/`move`/`end` here when a drawing tool is picked.

import { SmpError, asSmpError } from './engine-client.js';

/** What each tool says when it is picked. */
const TOOL_HINTS = {
  compare: 'Compare: drag across the photo to move the divider; the page still scrolls.',
  tap: 'Tap a patch: tap a bald patch to add it to the area.',
  paint: 'Paint: drag over the thin or bald area to add it.',
  erase: 'Erase: drag over the area to take it away.',
  measure: 'Measure: draw a line over something of known length, such as a ruler held to the head.',
  hairline: 'Drag the handles to shape the hairline; the scalp is above the dashed line.',
};
/** The client's brush, in CSS pixels across: big enough for a finger. */
const CLIENT_BRUSH_PX = 72;
/** How far (CSS px) a touch must move before it counts as a stroke, so a
 * pinch that starts with one finger leaves no dab. */
const STROKE_START_PX = 6;

/** One element's area tools. */
export class AreaTools {
  #ctx;
  /** The picked tool; `compare` (the default) draws nothing. */
  tool = 'compare';
  /** Hairline handles in photo pixels, while one is designed. */
  #hairline = null;
  /** The last measured line, waiting for its length. */
  #measured = null;

  constructor(ctx) {
    this.#ctx = ctx;
    this.#wire();
  }

  /** Picks a tool; `say` announces what it does. */
  select(tool, { say = true } = {}) {
    const { $, root, engine } = this.#ctx;
    const was = this.tool;
    this.tool = tool;
    for (const b of root.querySelectorAll('.tool')) b.setAttribute('aria-pressed', String(b.dataset.tool === tool));
    $('.stage').dataset.tool = tool;
    const designing = tool === 'hairline' && engine?.width() > 0;
    $('.hairline').toggleAttribute('hidden', !designing); // an SVG has no .hidden
    $('.hairline-style-label').hidden = !designing;
    if (designing && was !== 'hairline') {
      const start = engine.defaultHairline();
      this.#hairline ??= Array.from({ length: 5 }, (_, i) => [start[i * 2], start[i * 2 + 1]]);
      this.#designHairline();
      this.#ctx.areaChanged();
    } else if (!designing && was === 'hairline') {
      engine?.finishHairline();
    }
    if (say && TOOL_HINTS[tool] && was !== tool) this.#ctx.say(TOOL_HINTS[tool]);
  }

  /** Forgets what belonged to the previous photo. */
  resetForPhoto() {
    this.#hairline = null;
    this.#measured = null;
    this.#ctx.$('.measure').setAttribute('hidden', '');
    this.#ctx.$('.calibrate').hidden = true;
  }

  /** Finds bald scalp: all of it with no taps, else the patches under the
   * taps (photo pixels), replacing the area or (`add`) adding to it. A
   * `quiet` search (a new photo's proposal) leaves the words to the flow. */
  async detect(taps, add, { quiet = false } = {}) {
    if (!Array.isArray(taps)) throw new SmpError('invalid-tap', 'taps must be a list of points such as [[120, 80]].');
    const flat = taps.flatMap((t) => (Array.isArray(t) ? [t[0], t[1]] : [t?.x, t?.y]));
    if (flat.some((v) => typeof v !== 'number')) throw new SmpError('invalid-tap', 'Each tap needs two numbers: x and y in photo pixels.');
    const say = this.#ctx.say;
    say(quiet ? 'Looking for the thin or bald area…' : taps.length ? 'Looking for the patch…' : 'Looking for bald areas…');
    await new Promise((ok) => requestAnimationFrame(() => ok(undefined))); // let the message show
    try {
      this.#ctx.engine.detectArea(Float64Array.from(flat), add);
    } catch (e) {
      throw asSmpError(e);
    }
    this.#ctx.areaChanged(true);
    if (quiet) say('');
    else say(taps.length ? 'Patch added. Tap another, or adjust it with the brush.' : 'Bald areas found. Adjust them with the brush, or tap to add a patch.');
  }

  /** Pixels per mm from a line (photo pixels) of known `lengthMm`. */
  scaleFrom({ x0, y0, x1, y1, lengthMm }) {
    if (![x0, y0, x1, y1, lengthMm].every((v) => typeof v === 'number' && Number.isFinite(v))) {
      throw new SmpError('invalid-setting', 'A scale line needs x0, y0, x1, y1 in photo pixels and its lengthMm, all numbers.');
    }
    if (lengthMm <= 0) throw new SmpError('invalid-setting', 'The real length must be more than 0 mm.');
    const px = Math.hypot(x1 - x0, y1 - y0);
    if (px < 2) throw new SmpError('invalid-setting', 'Draw a longer line: it is too short to measure.');
    return px / lengthMm;
  }

  /** Trims the area with a finished hairline through `handles` (photo
   * pixels) in `style`: one undo step. */
  applyHairline(handles, style) {
    if (!Array.isArray(handles) || handles.length < 2) throw new SmpError('invalid-setting', 'A hairline needs at least two handles: [[x, y], …].');
    const flat = handles.flatMap((p) => [p?.[0], p?.[1]]);
    if (flat.some((v) => typeof v !== 'number')) throw new SmpError('invalid-setting', 'Each hairline handle needs two numbers: x and y in photo pixels.');
    const engine = this.#ctx.engine;
    try {
      engine.finishHairline();
      engine.designHairline(Float64Array.from(flat), style);
      engine.finishHairline();
    } catch (e) {
      throw asSmpError(e);
    }
    this.#hairline = handles.map((p) => [p[0], p[1]]);
  }

  /** Keeps the hairline's handles a constant size on screen. */
  onZoom() {
    if (this.#hairline && !this.#ctx.$('.hairline').hasAttribute('hidden')) this.#drawHairline();
  }

  // ---- drags on the photo (from stage-input.js) ----------------------------

  /** A pointer went down on the photo with a drawing tool: the gesture to
   * follow, or null. */
  begin(e) {
    const view = this.#ctx.view;
    if (this.tool === 'hairline') {
      const index = e.composedPath()[0]?.dataset?.index;
      return index === undefined ? null : { handle: Number(index) };
    }
    if (this.tool === 'measure') {
      const p = view.imagePoint(e);
      const g = { measure: { x0: p.x, y0: p.y, x1: p.x, y1: p.y } };
      this.#drawMeasure(g.measure);
      this.#ctx.$('.calibrate').hidden = true;
      return g;
    }
    if (this.tool === 'tap') return { tap: { x: e.clientX, y: e.clientY } };
    if (this.tool === 'paint' || this.tool === 'erase') {
      // A touch becomes a stroke only once it moves (or lifts as a dab): a
      // second finger in between makes it a pinch that paints nothing.
      const g = { stroke: null, start: e, touch: e.pointerType === 'touch' };
      if (!g.touch) this.#startStroke(g);
      return g;
    }
    return null;
  }

  move(g, e) {
    const view = this.#ctx.view;
    if (g.handle !== undefined) {
      const p = view.imagePoint(e);
      this.#hairline[g.handle] = [p.x, p.y];
      this.#designHairline();
    } else if (g.measure) {
      const p = view.imagePoint(e);
      Object.assign(g.measure, { x1: p.x, y1: p.y });
      this.#drawMeasure(g.measure);
    } else if (g.start) {
      if (!g.stroke && Math.hypot(e.clientX - g.start.clientX, e.clientY - g.start.clientY) < STROKE_START_PX) return;
      if (!g.stroke) this.#startStroke(g);
      // Script-made events have no coalesced list: paint the event itself.
      const coalesced = e.getCoalescedEvents?.() ?? [];
      for (const ev of coalesced.length ? coalesced : [e]) this.#paintTo(g, ev);
    }
  }

  end(g, e) {
    if (g.measure) {
      this.#measured = g.measure;
      const form = this.#ctx.$('.calibrate');
      form.hidden = false;
      form.querySelector('input').focus();
      return;
    }
    if (g.tap) {
      if (Math.hypot(e.clientX - g.tap.x, e.clientY - g.tap.y) > 12) return; // a drag, not a tap
      const p = this.#ctx.view.imagePoint(e);
      this.detect([[p.x, p.y]], true).catch((err) => this.#ctx.report(asSmpError(err)));
      return;
    }
    if (g.start && !g.stroke) this.#startStroke(g); // a tap paints a dab
    this.#ctx.areaChanged();
  }

  /** A second finger came down: the gesture is a pinch after all. A stroke
   * already begun is taken back. */
  cancel(g) {
    if (g?.stroke && this.#ctx.engine.undo()) this.#ctx.areaChanged(true);
  }

  #startStroke(g) {
    this.#ctx.engine.checkpoint();
    g.stroke = { last: null };
    this.#paintTo(g, g.start);
  }

  #paintTo(g, e) {
    const { engine, view, $, isClient } = this.#ctx;
    const p = view.imagePoint(e);
    const last = g.stroke.last ?? p;
    const cssPx = isClient() ? CLIENT_BRUSH_PX : Number($('.brush').value);
    const hardness = isClient() ? 0.5 : Number($('.hardness').value);
    try {
      engine.paint(last.x, last.y, p.x, p.y, (cssPx / 2) * p.scale, hardness, this.tool === 'erase');
    } catch (err) {
      this.#ctx.report(asSmpError(err));
    }
    g.stroke.last = p;
    view.overlayStale ||= 'changed';
    view.scheduleRender(false);
  }

  // ---- measure and hairline -------------------------------------------------

  #drawMeasure(m) {
    const { $, engine } = this.#ctx;
    const svg = $('.measure');
    svg.setAttribute('viewBox', `0 0 ${engine.width()} ${engine.height()}`);
    const line = svg.querySelector('line');
    for (const [k, v] of Object.entries({ x1: m.x0, y1: m.y0, x2: m.x1, y2: m.y1 })) line.setAttribute(k, String(v));
    svg.removeAttribute('hidden'); // an SVG element has no .hidden property
  }

  /** Applies the hairline being designed in the page (handles dragged). */
  #designHairline() {
    try {
      this.#ctx.engine.designHairline(Float64Array.from(this.#hairline.flat()), this.#ctx.$('.hairline-style').value);
    } catch (e) {
      this.#ctx.report(asSmpError(e));
      return;
    }
    this.#drawHairline();
    this.#ctx.view.refreshOverlay();
  }

  #drawHairline() {
    const { $, engine, view } = this.#ctx;
    const svg = $('.hairline');
    const w = engine.width();
    svg.setAttribute('viewBox', `0 0 ${w} ${engine.height()}`);
    const sorted = [...this.#hairline].sort((a, b) => a[0] - b[0]);
    svg.querySelector('polyline').setAttribute('points', sorted.map((p) => p.join(',')).join(' '));
    const r = (12 * w) / Math.max(1, $('.stage').getBoundingClientRect().width * view.zoom.s);
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

  #wire() {
    const { $, root } = this.#ctx;
    for (const b of root.querySelectorAll('.tool')) b.addEventListener('click', () => this.select(b.dataset.tool));
    $('.show-area').addEventListener('change', () => this.#ctx.view.refreshOverlay());
    $('.clear').addEventListener('click', () => this.#ctx.host.setMask(null).catch(() => {}));
    $('.find').addEventListener('click', () => this.#ctx.host.autoRegion().catch(() => {}));
    $('.undo').addEventListener('click', () => this.#ctx.historyStep(true));
    $('.redo').addEventListener('click', () => this.#ctx.historyStep(false));
    $('.invert').addEventListener('click', () => {
      const engine = this.#ctx.engine;
      if (!engine?.width()) return;
      engine.checkpoint();
      engine.invertMask();
      this.#ctx.areaChanged(true);
    });
    root.addEventListener('keydown', (e) => {
      const key = e.key.toLowerCase();
      if (!(e.ctrlKey || e.metaKey) || (key !== 'z' && key !== 'y')) return;
      if (e.target?.matches?.('input[type=text], textarea')) return;
      e.preventDefault();
      this.#ctx.historyStep(key === 'z' && !e.shiftKey);
    });
    $('.hairline-style').addEventListener('change', () => this.#designHairline());
    const closeCalibrate = () => {
      $('.calibrate').hidden = true;
      $('.measure').setAttribute('hidden', '');
    };
    $('.calibrate').addEventListener('submit', (e) => {
      e.preventDefault();
      const m = this.#measured;
      if (!m) return;
      const lengthMm = Number($('.calibrate-length').value) * ($('.calibrate-unit').value === 'cm' ? 10 : 1);
      this.#ctx.host.calibrate({ ...m, lengthMm }).then(closeCalibrate, () => {});
    });
    $('.calibrate-cancel').addEventListener('click', closeCalibrate);
  }
}
