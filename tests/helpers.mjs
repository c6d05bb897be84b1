// Shared set-up for the browser tests: one static server on a free port and
// headless Debian Chromium driven by playwright-core. Any console error or
// page error fails the test that caused it.
import { chromium } from 'playwright-core';
import { serve } from '../tools/serve.mjs';
import { fileURLToPath } from 'node:url';
import { dirname, join } from 'node:path';
import { existsSync } from 'node:fs';

export const ROOT = join(dirname(fileURLToPath(import.meta.url)), '..');
export const OUT = join(ROOT, 'tests', 'out');

const CHROMIUM = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';
const FLAGS = [
  '--headless', '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run',
  '--disable-background-networking', '--disable-component-update', '--disable-sync',
];

/** Starts the server and the browser; returns helpers and a `close()`. */
export async function startBrowser() {
  if (!existsSync(CHROMIUM)) throw new Error(`Chromium not found at ${CHROMIUM}: run 'make test', which installs it.`);
  if (!existsSync(join(ROOT, 'www', 'pkg', 'smp_visualiser_bg.wasm'))) throw new Error("www/pkg is missing: run 'make build' first.");
  const server = await serve(join(ROOT, 'www'), 0);
  const base = `http://127.0.0.1:${server.address().port}/`;
  const browser = await chromium.launch({ executablePath: CHROMIUM, args: FLAGS, headless: true });

  // Each test opens its own context; the older ones are closed so that a long
  // run does not keep dozens of pages (each with a wasm engine and a worker).
  const contexts = [];

  /** A fresh page on `path` (the app page for technicians unless said) with
   * error tracking; `page.errors` collects them. */
  async function open(path = '?for=technician', { viewport = { width: 1100, height: 900 }, ...ctxOptions } = {}) {
    while (contexts.length >= 2) await contexts.shift().close().catch(() => {});
    const context = await browser.newContext({ viewport, acceptDownloads: true, ...ctxOptions });
    contexts.push(context);
    // Record the element's events from the very start (they bubble and are composed).
    await context.addInitScript(() => {
      window.__smpEvents = [];
      for (const type of ['smp-ready', 'smp-change', 'smp-error', 'smp-cta']) {
        document.addEventListener(type, (e) => window.__smpEvents.push({ type, detail: e.detail ?? null }));
      }
      // The after-image shown once the next frames are painted: its size
      // and a hash of the pixels shown (frames compared with a fresh
      // page's). In a compare view at 100 % those are right of the
      // divider: the columns it hides are drawn once the view is idle.
      // `whole` waits for that and hashes every column.
      window.__shownFrame = async (v, whole = false) => {
        const c = v.shadowRoot.querySelector('canvas.after');
        const wipe = v.compareMode === 'wipe' && v.zoom.scale === 1;
        const from = whole || !wipe ? 0 : Math.ceil(v.comparePosition * c.width);
        const hash = () => {
          const data = c.getContext('2d').getImageData(from, 0, c.width - from, c.height).data;
          let h = 2166136261;
          for (let i = 0; i < data.length; i++) h = Math.imul(h ^ data[i], 16777619) >>> 0;
          return h;
        };
        await new Promise((ok) => requestAnimationFrame(() => requestAnimationFrame(ok)));
        if (!whole) return [c.width, c.height, from, hash()];
        // The idle frame comes 250 ms after the last one: wait for it,
        // then until the pixels hold still (a busy machine draws late).
        await new Promise((ok) => setTimeout(ok, 600));
        let last = hash();
        for (let still = 0, i = 0; still < 3 && i < 30; i++) {
          await new Promise((ok) => setTimeout(ok, 100));
          const h = hash();
          still = h === last ? still + 1 : 0;
          last = h;
        }
        return [c.width, c.height, from, last];
      };
      // A blob's bytes out of the page as base64 (see `bytesOf`): an array
      // of numbers crosses number by number (a 2400×1800 PNG took a minute).
      window.__base64 = async (blob) => {
        const bytes = new Uint8Array(await blob.arrayBuffer());
        let bin = '';
        for (let i = 0; i < bytes.length; i += 0x8000) bin += String.fromCharCode(...bytes.subarray(i, i + 0x8000));
        return btoa(bin);
      };
    });
    const page = await context.newPage();
    page.errors = [];
    page.requests = [];
    page.on('console', (m) => { if (m.type() === 'error') page.errors.push(`console: ${m.text()}`); });
    page.on('pageerror', (e) => page.errors.push(`pageerror: ${e.message}`));
    page.on('request', (r) => page.requests.push(r.url()));
    await page.goto(base + path);
    return page;
  }

  return {
    base,
    open,
    async close() {
      await browser.close();
      await new Promise((ok) => server.close(ok));
    },
  };
}

/** Waits for the element on the page to be ready. */
export async function ready(page) {
  await page.waitForFunction(() => customElements.get('smp-visualiser'));
  await page.evaluate(() => document.querySelector('smp-visualiser').ready);
}

/** The bytes a page gave as `await window.__base64(blob)`. */
export function bytesOf(base64) {
  return Buffer.from(base64, 'base64');
}

/** Fails with the collected errors, if any. */
export function assertNoErrors(assert, page) {
  assert.deepEqual(page.errors, [], `the page reported errors:\n${page.errors.join('\n')}`);
}

/** The element's events recorded so far, optionally of one type. */
export function events(page, type) {
  return page.evaluate((t) => window.__smpEvents.filter((e) => !t || e.type === t), type);
}

/** Sends a file's bytes into the page as a Blob bound to `window[name]`. */
export async function blobInPage(page, bytes, name, type = 'application/octet-stream') {
  await page.evaluate(
    ({ b64, name, type }) => {
      const bin = atob(b64);
      const arr = new Uint8Array(bin.length);
      for (let i = 0; i < bin.length; i++) arr[i] = bin.charCodeAt(i);
      window[name] = new Blob([arr], { type });
    },
    { b64: Buffer.from(bytes).toString('base64'), name, type },
  );
}
