// A decoded photo into the page's engine. The slow first steps of a new
// photo (proposing its area, suggesting the look, placing the dots,
// analysing the skin) take most of a second on a large photo; with the
// export worker running they happen there, and the page's engine takes the
// worker's result (`loadPrepared`), so the page's thread stays free while a
// photo loads. Without a worker the page's engine does it all itself.

import { SmpError, asSmpError, loadKeepingScale, settingsArrays, workingSize, checkDecodeSize } from './engine-client.js';
import { decodePhoto, BAND_PIXELS } from './photo-file.js';

/**
 * Decodes `file` and puts it into `engine`; a given scale is kept only when
 * `keep` (see `loadKeepingScale`). With `findArea`, the area is proposed
 * and the look suggested too. Resolves with `{ width, height, reducedFrom,
 * prepared: true, found, detectError, suggestion }` when the worker did the
 * first steps (the area is then in the engine), with `prepared: false` when
 * the caller still has to, or with null when `isCurrent()` turned false
 * meanwhile (another photo was chosen: only the last one chosen is shown).
 * @param {Blob} file
 * @param {{ engine: any, memory: WebAssembly.Memory, worker: any, schema: Array<any>, keep: boolean, findArea: boolean,
 *   previewSide: (w: number, h: number) => number, say: (text: string) => void, isCurrent: () => boolean }} how
 */
export async function loadPhoto(file, how) {
  let result = null;
  try {
    result = await takePhoto(file, how);
    return result;
  } finally {
    if (!result) how.worker.settle(how.engine, how.memory, how.schema);
  }
}

async function takePhoto(file, { engine, worker, schema, keep, findArea, previewSide, say, isCurrent }) {
  worker.photoComing();
  const sized = (w, h) => {
    const [names, values] = settingsArrays(engine, schema);
    worker.photoSized(w, h, { names, values, scaleGiven: keep && engine.scaleGiven() });
  };
  const decode = (ahead = null) => decodePhoto(file, { workingSize, checkDecodeSize }, ahead);
  const photo = await decode(sized);
  if (!isCurrent()) return null;
  if (findArea) say('Looking for the thin or bald area…');
  const { width, height } = photo;
  // The worker makes the preview at this size and the page's engine takes
  // it at the same: measuring the stage again on the reply cost a layout
  // (10–20 ms on a 12 MP photo's way to its first after-image), and a stage
  // resized meanwhile is fitted once the photo is shown (fitPreview).
  const side = previewSide(width, height);
  const shown = { width, height, reducedFrom: photo.reducedFrom };
  const scale = engine.scaleGiven() ? engine.setting('pxPerMm') : null;
  const restoreScale = () => {
    if (scale !== null && !engine.scaleGiven()) engine.setSettings(['pxPerMm'], Float64Array.of(scale));
  };
  if (!keep) engine.forgetScale();
  const [names, values] = settingsArrays(engine, schema);
  // With no photo shown yet, the worker gives the photo back as soon as it
  // has its own copy, and the page copies it in and makes its preview (a
  // band of rows a task) while the worker prepares the rest (the worker
  // then makes no preview): a 12 MP photo's preview took the worker some
  // 45 ms, and copying the photo in took the page 30–50 ms after the
  // worker's reply. With a photo shown, the page holds no second one
  // while the worker works.
  const stageHere = worker.running && !engine.width();
  let token = null;
  const early = (rgba) => {
    photo.rgba = rgba;
    if (isCurrent()) token = stage(engine, rgba, width, height, side);
  };
  try {
    const how = { names, values, scaleGiven: engine.scaleGiven(), previewSide: side, findArea, unseen: stageHere };
    const reply = await worker.prepare(photo.rgba, width, height, how, stageHere ? early : null);
    if (reply.ok) {
      if (!isCurrent()) {
        restoreScale();
        return null;
      }
      try {
        // Not yet whole (a slow page): taken as a photo given back.
        if (token && staging.get(engine) === token && engine.stagedWhole()) engine.loadStaged(reply.state);
        else engine.loadPrepared(reply.rgba ?? photo.rgba, width, height, side, reply.state);
      } catch (e) {
        restoreScale(); // the earlier photo stays (out of memory, say)
        throw asSmpError(e);
      }
      worker.taken();
      // The page's thread is let go between taking the photo and drawing it.
      await new Promise((ok) => setTimeout(ok, 0));
      const detectError = reply.detectError ? new SmpError(reply.detectError.code, reply.detectError.message) : null;
      return { ...shown, prepared: true, found: reply.found, detectError, suggestion: reply.suggestion };
    }
    photo.rgba = reply.rgba ?? photo.rgba;
  } finally {
    if (token) unstage(engine, token);
  }
  // No worker here, or it could not (it ran out of memory, or stopped):
  // the page's engine loads the photo, given back by the worker (or
  // decoded again when a stopped worker kept it). The page then sends it
  // to the worker as any photo it loads itself.
  restoreScale();
  const rgba = photo.rgba.byteLength ? photo.rgba : (await decode()).rgba;
  if (!isCurrent()) return null;
  loadKeepingScale(engine, keep, () => engine.loadImage(rgba, width, height, previewSide(width, height)));
  return { ...shown, prepared: false };
}

/** The load whose photo each page engine holds staged (`stagePhoto`): a
 * load another overtook must neither let go of nor take the later one's. */
const staging = new WeakMap();

/** Copies the photo into the page's engine for `loadStaged`, a band of
 * rows a task (its preview is made as they come): at once, copying a
 * 12 MP photo in and making its preview held the page's thread for up to
 * 0.1 s. A token for it, or null when it cannot start (out of memory, say:
 * the photo is then taken as when none is staged). */
function stage(engine, rgba, width, height, side) {
  try {
    engine.stagePhoto(width, height, side);
  } catch {
    return null;
  }
  const token = {};
  staging.set(engine, token);
  const piece = width * 4 * Math.max(1, Math.floor(BAND_PIXELS / width));
  const feed = (at) => {
    if (staging.get(engine) !== token) return;
    try {
      engine.stageBytes(rgba.subarray(at, at + piece));
    } catch {
      unstage(engine, token);
      return;
    }
    if (at + piece < rgba.length) setTimeout(() => feed(at + piece), 0);
  };
  feed(0);
  return token;
}

/** Lets the staged photo go if it is still this load's. */
function unstage(engine, token) {
  if (staging.get(engine) !== token) return;
  staging.delete(engine);
  engine.dropStaged();
}
