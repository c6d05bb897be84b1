// The after-image's frames. The page's engine draws a frame alone, or
// shares it with the worker's engine when that holds the same photo, area
// and preview size and is free: each composites a band of rows at the same
// time (a page gets a second core only through a worker), and the frame is
// put on the canvas whole once both bands are in. Only what changed is
// uploaded, and only the columns shown: in a compare view the after-image
// left of the divider is hidden, so a frame composites from the divider
// on, and the rest is drawn once the view is idle (or before the divider
// uncovers it).

import { asSmpError } from './engine-client.js';

/** Frames of at least this many preview pixels are shared with the
 * worker when it can take part. Measured through the element (2 MP photo
 * in the area, jumps of each setting): at 891×594 sharing took 15–30 %
 * off each jump and the drags' slow frames; at 648×432 it was even; at
 * 540×360 passing the rows cost more than sharing saved. */
const SHARE_FROM_PX = 400_000;
/** The page's share of a shared frame's rows: half. Less left the page
 * idle no sooner (much of a frame's work is per dot, not per row) and the
 * worker later. */
const PAGE_ROWS = 0.5;
/** The hidden columns are drawn once no frame has been asked for this
 * long: after a drag or a jump, not between a drag's frames. */
const CATCH_UP_MS = 250;

/** Whether frames of a `pw`×`ph` preview are worth sharing. */
export function sharedSize(pw, ph) {
  return pw * ph >= SHARE_FROM_PX;
}

/** The smallest rectangle `[x0, y0, x1, y1]` holding both (either may be
 * null or empty). */
function union(a, b) {
  if (!a || a[2] <= a[0] || a[3] <= a[1]) return b;
  if (!b || b[2] <= b[0] || b[3] <= b[1]) return a;
  return [Math.min(a[0], b[0]), Math.min(a[1], b[1]), Math.max(a[2], b[2]), Math.max(a[3], b[3])];
}

/** Puts rows another engine composited on the canvas (`rows`: whole
 * rows of RGBA from row `r0`), their columns from `x0` on (the others
 * are hidden, and out of date there too); the rectangle put, or null. */
function putRows(ctx, rows, r0, x0, width) {
  const n = rows.length / (4 * width);
  if (!n || x0 >= width) return null;
  const image = new ImageData(new Uint8ClampedArray(rows.buffer, rows.byteOffset, rows.length), width, n);
  ctx.putImageData(image, 0, r0, x0, 0, width - x0, n);
  return [x0, r0, width, r0 + n];
}

export class AfterFrames {
  #ctx;
  #onDrawn;
  /** Frames begun: a shared frame whose worker rows come back after a
   * later frame began is dropped (that one was drawn whole). */
  #frames = 0;
  /** The frame being shared with the worker, and the one asked for meanwhile. */
  #sharing = null;
  #next = null;
  /** What the engine composited for a frame not yet put on the canvas
   * (`[x0, y0, x1, y1]`), drawn with the next frame. */
  #undrawn = null;
  /** The buffer the worker's last rows came in: it carries the next ones. */
  #spare = null;
  #shownFrom;
  /** The after-canvas is up to date from this column on. */
  #drawnFrom = Infinity;
  /** The first column of the shared frame being drawn (null when none). */
  #sharingFrom = null;
  /** The next shared frame takes all the worker's rows, not only those
   * its engine changed: the canvas may not hold what the worker last drew
   * there (after a frame drawn here alone, the hidden columns stay as
   * they were; after a frame dropped, its rows were never drawn). */
  #allRows = true;
  /** The next frame draws every column (the view is idle). */
  #whole = false;
  #catchUpTimer = 0;

  /** @param {any} ctx the element's context (engine, worker, $, report,
   * settingsArrays) @param {(change: number[] | null) => void} onDrawn
   * called after each frame with what it changed @param {() => number}
   * shownFrom the first preview column the view shows */
  constructor(ctx, onDrawn, shownFrom) {
    this.#ctx = ctx;
    this.#onDrawn = onDrawn;
    this.#shownFrom = shownFrom;
  }

  /** The after-canvas is up to date from this column on, and stays so
   * once the frame being drawn is on it (Infinity before the first frame
   * of a preview). */
  get drawnFrom() {
    return Math.max(this.#drawnFrom, this.#sharingFrom ?? 0);
  }

  /** The preview was made again (a new photo or size) and its canvas
   * cleared: a frame being shared was for the old one, and the next frame
   * puts every pixel on the canvas (the engine may have drawn the new
   * preview already). */
  newPreview() {
    const { engine } = this.#ctx;
    this.#frames++;
    this.#undrawn = [0, 0, engine.previewWidth(), engine.previewHeight()];
    this.#drawnFrom = Infinity;
    this.#allRows = true;
  }

  /** The next frame draws every column: a view about to uncover hidden
   * ones then waits for one frame, not one per step of a divider drag. */
  drawWhole() {
    this.#whole = true;
  }

  /** The first column the next frame composites: the first one shown,
   * or every one once the view is idle. */
  #from() {
    const from = this.#whole ? 0 : Math.max(0, Math.floor(this.#shownFrom()));
    this.#whole = false;
    return from;
  }

  /** After a frame drawn from column `from`: the canvas is up to date
   * from there on, and the hidden columns follow once no frame is asked
   * for a while. */
  #drew(from, mayShare) {
    this.#drawnFrom = from;
    clearTimeout(this.#catchUpTimer);
    if (from === 0) return;
    this.#catchUpTimer = setTimeout(() => {
      if (this.#drawnFrom === 0 || this.#sharing || this.#next || !this.#ctx.host.isConnected) return;
      this.#whole = true;
      this.renderFrame(mayShare);
    }, CATCH_UP_MS);
  }

  /** Draws a frame now (synchronously) on this thread alone: one engine
   * call renders and puts what changed into the after-canvas. */
  renderNow(mayShare = true) {
    const { engine, $ } = this.#ctx;
    this.#frames++;
    this.#allRows = true;
    const from = this.#from();
    let change;
    try {
      const ctx = $('.after').getContext('2d');
      const { x0, y0, x1, y1 } = engine.renderPreviewBand(from, 0, engine.previewHeight());
      change = union([x0, y0, x1, y1], this.#undrawn);
      if (change) engine.drawPreviewRect(ctx, ...change);
      this.#undrawn = null;
    } catch (e) {
      this.#ctx.report(asSmpError(e));
      return;
    }
    this.#drew(from, mayShare);
    this.#onDrawn(change);
  }

  /** Draws the next frame, shared with the worker when it can take part
   * and `mayShare`; resolves once the frame is on the canvas. */
  renderFrame(mayShare = true) {
    if (this.#next) return this.#next;
    if (this.#sharing) {
      // One frame after the one being shared, for whatever changed
      // meanwhile (also if that one failed: frames must go on).
      const next = () => {
        this.#next = null;
        return this.renderFrame(mayShare);
      };
      this.#next = this.#sharing.then(next, next);
      return this.#next;
    }
    const { engine, worker } = this.#ctx;
    if (!mayShare || !sharedSize(engine.previewWidth(), engine.previewHeight()) || !worker.canShare(engine)) {
      this.renderNow(mayShare);
      return Promise.resolve();
    }
    this.#sharing = this.#share().finally(() => {
      this.#sharing = null;
      this.#sharingFrom = null;
    });
    return this.#sharing;
  }

  async #share() {
    const { engine, worker, $ } = this.#ctx;
    const frame = ++this.#frames;
    const spare = this.#spare;
    this.#spare = null;
    const h = engine.previewHeight();
    const split = Math.round(h * PAGE_ROWS);
    const from = this.#from();
    this.#sharingFrom = from;
    const allRows = this.#allRows;
    this.#allRows = true; // until its rows are on the canvas
    // Asked first, so that the worker starts while the page composites.
    const theirs = worker.band(this.#ctx.settingsArrays(), { x0: from, y0: split, y1: h, allRows }, spare);
    try {
      const { x0, y0, x1, y1 } = engine.renderPreviewBand(from, 0, split);
      this.#undrawn = union(this.#undrawn, [x0, y0, x1, y1]);
    } catch (e) {
      this.#ctx.report(asSmpError(e));
      return;
    }
    const reply = await theirs;
    if (reply.ok) this.#spare = reply.rows.buffer;
    if (frame !== this.#frames) return; // a later frame was drawn whole
    // Without the worker's rows the page composites them itself.
    if (!reply.ok) return this.renderNow();
    let change;
    try {
      // The page's rows from its engine, then the worker's straight from
      // the buffer they came in (through the page's engine, copied twice,
      // they cost 0.7–1.0 ms more a 2× frame).
      const ctx = $('.after').getContext('2d');
      if (this.#undrawn) engine.drawPreviewRect(ctx, ...this.#undrawn);
      change = union(this.#undrawn, putRows(ctx, reply.rows, reply.r0, from, engine.previewWidth()));
      this.#undrawn = null;
    } catch (e) {
      this.#ctx.report(asSmpError(e));
      return;
    }
    this.#allRows = false;
    this.#drew(from, true);
    this.#onDrawn(change);
  }
}
