// The export worker's client: full-resolution renders (exports, sharp zoomed
// views) run in a Web Worker so the page's thread stays free. The worker gets
// each photo when it loads and builds its caches in the background; replies
// are matched to requests by id.

import { photoCopy, settingsArrays, compiledWasm } from './engine-client.js';

/** Starts the export worker next to the element. From another origin (a
 * partner site loading the element from a CDN) a worker cannot be started
 * from the module's URL directly, so a tiny blob module imports it (the
 * page's CSP then needs `worker-src blob:`). */
function startWorker() {
  const url = new URL('../smp-worker.js', import.meta.url);
  if (url.origin === location.origin) return new Worker(url, { type: 'module' });
  const shim = URL.createObjectURL(new Blob([`import ${JSON.stringify(url.href)};`], { type: 'text/javascript' }));
  return new Worker(shim, { type: 'module' });
}

/** One element's worker. Every request resolves (never rejects) with the
 * worker's reply: `{ ok: true, … }`, or `{ ok: false, code, message }`, or
 * `{ ok: false, fallback: true }` when there is no worker (render here). */
export class WorkerClient {
  #worker = null;
  #seq = 0;
  #replies = new Map();
  /** What to do with a photo a request's worker gives back before its
   * reply (`prepare` with `unseen`), by request. */
  #early = new Map();
  /** Whether the worker holds the page's photo (not one prepared and not
   * taken), and how many photos are being prepared. */
  #inStep = true;
  #preparing = 0;
  /** The page's area (its version) and preview size the worker was last
   * given for sharing frames, or null since the last photo. */
  #shared = null;
  #syncTimer = 0;
  /** Photos sent and full-size renders asked for so far: a sync's reply
   * counts only if neither came after it. */
  #epoch = 0;

  /** Whether a worker runs (exports then render off the page's thread). */
  get running() {
    return this.#worker !== null;
  }

  /** Sends a newly loaded photo (RGBA, copied) with the current settings
   * (`[names, values]`).
   * @param {Uint8Array} rgba @param {number} width @param {number} height @param {Array<any>} settings */
  load(rgba, width, height, [names, values]) {
    this.#inStep = true;
    this.#shared = null;
    this.#epoch++;
    if (!this.#worker && !this.#start()) return;
    this.#worker.postMessage({ type: 'load', rgba, width, height, names, values }, [rgba.buffer]);
  }

  /** Starts the worker ahead of the first photo, so that its engine is
   * ready when a photo comes. */
  warmUp() {
    if (!this.#worker) this.#start();
  }

  /** A photo is being decoded for `prepare`: the worker starts if it has
   * not (and warms up meanwhile), or cuts its warm-up short, which
   * would otherwise compete with the decoding. */
  photoComing() {
    if (!this.#worker && !this.#start()) return;
    this.#worker.postMessage({ type: 'coming' });
  }

  /** The coming photo's size, read from its header long before it is
   * decoded, with the settings it will be prepared with: the worker
   * places its dots meanwhile (see `placeAhead`).
   * @param {number} width @param {number} height
   * @param {{ names: string[], values: Float64Array, scaleGiven: boolean }} how */
  photoSized(width, height, how) {
    this.#worker?.postMessage({ type: 'sized', width, height, ...how });
  }

  /** Starts the worker once the page is idle after the element is ready,
   * or when someone reaches for the element if that comes first: a photo
   * given by a script with no press first would otherwise wait for the
   * worker to start and warm up. The warm-up runs in the worker: no long
   * task was seen on the page while the element loads.
   * @param {HTMLElement} host */
  startSoon(host) {
    const start = () => {
      if (host.isConnected) this.warmUp();
    };
    for (const type of ['pointerdown', 'focusin', 'dragenter']) host.addEventListener(type, start, { once: true });
    if (typeof requestIdleCallback === 'function') requestIdleCallback(start, { timeout: 1000 });
    else setTimeout(start, 0);
  }

  /** Sends the engine's photo, if it has one, as `load` does.
   * @param {any} engine @param {WebAssembly.Memory} memory @param {Array<any>} schema */
  sendPhoto(engine, memory, schema) {
    if (engine?.width() > 0) this.load(photoCopy(engine, memory), engine.width(), engine.height(), settingsArrays(engine, schema));
  }

  /** A new photo's first steps in the worker (see photo-load.js): the
   * photo (RGBA, transferred, and given back in the reply) with the
   * settings; resolves with `{ ok, rgba, state, found, detectError,
   * suggestion }` or a failure (with `rgba` unless the worker stopped).
   * With `unseen` the worker makes no preview and gives the photo back
   * as soon as it has its own copy, to `early` (not in the reply).
   * The worker then holds the photo for exports, as after `load`.
   * @param {Uint8Array} rgba @param {number} width @param {number} height
   * @param {{ names: string[], values: Float64Array, scaleGiven: boolean, previewSide: number, findArea: boolean, unseen: boolean }} how
   * @param {((rgba: Uint8Array) => void) | null} early */
  prepare(rgba, width, height, how, early = null) {
    if (!this.#worker && !this.#start()) return Promise.resolve({ ok: false, fallback: true, rgba });
    this.#inStep = false;
    this.#shared = null;
    this.#epoch++;
    this.#preparing++;
    return this.#ask({ type: 'prepare', rgba, width, height, ...how }, [rgba.buffer], early).finally(() => this.#preparing--);
  }

  /** The page took the photo the worker prepared last. */
  taken() {
    if (this.#preparing === 0) this.#inStep = true;
  }

  /** After a photo the page did not take (another was chosen, or it
   * failed): unless a later photo is being prepared, the worker gets the
   * page's photo back, so exports render what the page shows.
   * @param {any} engine @param {WebAssembly.Memory} memory @param {Array<any>} schema */
  settle(engine, memory, schema) {
    if (!this.#inStep && this.#preparing === 0) this.sendPhoto(engine, memory, schema);
  }

  /** The full-resolution result for `mask` and settings: `{ ok, pixels }`. */
  render(mask, [names, values]) {
    this.#shared = null; // the worker then holds the full-size result, not the preview
    this.#epoch++;
    return this.#ask({ type: 'render', mask, names, values }, [mask.buffer]);
  }

  /** A rectangle of the full-resolution result and of the photo:
   * `{ ok, after, before }`. */
  crop(rect, mask, [names, values]) {
    this.#shared = null;
    this.#epoch++;
    return this.#ask({ type: 'crop', rect, mask, names, values }, [mask.buffer]);
  }

  /** Whether the worker can composite part of the page's next frame: it
   * holds the page's photo, area and preview size and has nothing else to
   * do (an export or a zoomed view it is rendering would hold the frame
   * up: the page then draws the frame alone).
   * @param {any} engine */
  canShare(engine) {
    const s = this.#shared;
    return this.#worker !== null && this.#inStep && this.#preparing === 0 && this.#replies.size === 0 && s !== null
      && s.area === engine.areaVersion() && s.width === engine.previewWidth() && s.height === engine.previewHeight();
  }

  /** Gives the worker the page's area and preview size if it does not
   * hold them, once input pauses (a brush stroke changes the area at
   * every move), so that later frames can be shared.
   * @param {any} engine @param {() => Array<any>} settings `[names, values]` */
  syncSoon(engine, settings) {
    if (!this.#worker || this.canShare(engine) || this.#syncTimer) return;
    this.#syncTimer = setTimeout(() => {
      this.#syncTimer = 0;
      if (!this.#worker || !this.#inStep || this.#preparing > 0 || !engine.width()) return;
      if (this.#replies.size > 0) {
        this.syncSoon(engine, settings); // the worker is busy: later
        return;
      }
      const key = { area: engine.areaVersion(), width: engine.previewWidth(), height: engine.previewHeight() };
      if (this.#shared && ['area', 'width', 'height'].every((k) => this.#shared[k] === key[k])) return;
      const [names, values] = settings();
      const mask = engine.mask();
      const epoch = this.#epoch;
      const message = { type: 'sync', mask, previewSide: Math.max(key.width, key.height), names, values };
      this.#ask(message, [mask.buffer]).then((reply) => {
        if (reply.ok && epoch === this.#epoch && reply.width === key.width && reply.height === key.height) this.#shared = key;
      });
    }, 250);
  }

  /** The worker's rows `y0..y1` of the frame for these settings, from
   * column `x0` on (the page composites the other rows meanwhile):
   * `{ ok, r0, rows }`, the rows from `r0` on that changed (all of them
   * with `allRows`), written into `spare` (an ArrayBuffer, given away)
   * when it is large enough.
   * @param {Array<any>} settings `[names, values]`
   * @param {{ x0: number, y0: number, y1: number, allRows: boolean }} band */
  band([names, values], { x0, y0, y1, allRows }, spare = null) {
    return this.#ask({ type: 'band', names, values, x0, y0, y1, allRows, spare }, spare ? [spare] : []);
  }

  /** The worker's wasm memory in bytes, or 0 when none runs. */
  async memoryBytes() {
    if (!this.#worker) return 0;
    const reply = await this.#ask({ type: 'stats' });
    return reply.ok ? reply.memoryBytes : 0;
  }

  /** Ends the worker (the element left the page). */
  terminate() {
    this.#drop();
  }

  #start() {
    try {
      this.#worker = startWorker();
    } catch {
      return false; // no workers here (or a policy forbids them): exports render on the page's thread
    }
    // The page's compiled module spares the worker fetching and compiling
    // it; a browser that cannot post one leaves the worker to load the file.
    try {
      this.#worker.postMessage({ type: 'init', module: compiledWasm() });
    } catch {
      this.#worker.postMessage({ type: 'init', module: null });
    }
    this.#worker.onmessage = ({ data }) => {
      if (data.early) {
        this.#early.get(data.id)?.(data.rgba);
        return;
      }
      if (data.dead) this.#drop(false);
      const pending = this.#replies.get(data.id);
      this.#replies.delete(data.id);
      this.#early.delete(data.id);
      pending?.(data);
    };
    // A failed worker is dropped; exports then render on the page's thread.
    this.#worker.onerror = () => this.#drop();
    return true;
  }

  #ask(message, transfer = [], early = null) {
    if (!this.#worker) return Promise.resolve({ ok: false, fallback: true });
    const id = ++this.#seq;
    if (early) this.#early.set(id, early);
    return new Promise((ok) => {
      this.#replies.set(id, ok);
      this.#worker.postMessage({ ...message, id }, transfer);
    });
  }

  #drop(answerPending = true) {
    this.#worker?.terminate();
    this.#worker = null;
    this.#shared = null;
    if (!answerPending) return;
    for (const reply of this.#replies.values()) reply({ ok: false, fallback: true });
    this.#replies.clear();
    this.#early.clear();
  }
}
