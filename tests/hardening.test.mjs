// Hostile and careless use of the element and its pages (issue "Hardening"):
// an embed address made by anyone, a scale or settings file from the last
// client, an export overlapping a new photo, pastes meant for the host page,
// a moved element, a page whose CSP forbids WebAssembly, translators' tables.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync, mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { startBrowser, ready, assertNoErrors, blobInPage, OUT } from './helpers.mjs';
import { serve } from '../tools/serve.mjs';
import { makeFixtures } from './fixtures.mjs';

let browser;
let fx;
let hostile;
before(async () => {
  fx = makeFixtures();
  browser = await startBrowser();
});
after(async () => {
  await browser?.close();
  await new Promise((ok) => (hostile ? hostile.close(ok) : ok()));
});


test('the embed page takes only documented attributes, and only safe links', async () => {
  const page = await browser.open('');
  const query = new URLSearchParams({
    'cta-label': 'Book now',
    'cta-href': 'javascript:alert(document.domain)',
    disclaimer: 'Free treatment, call 0900',
    preset: 'No such preset <b>here</b>',
    onclick: 'alert(1)',
    style: 'display:none',
    inert: '',
    controls: 'client',
  });
  await page.goto(`${browser.base}embed.html?${query}`);
  await ready(page);
  const r = await page.evaluate(() => {
    const v = document.querySelector('smp-visualiser');
    return {
      attrs: v.getAttributeNames().sort(),
      href: v.shadowRoot.querySelector('a.cta').getAttribute('href'),
      status: v.shadowRoot.querySelector('.status').textContent,
    };
  });
  assert.deepEqual(r.attrs, ['controls', 'cta-href', 'cta-label'], 'no disclaimer, onclick, style, inert or unknown preset');
  assert.equal(r.href, null, 'a javascript: link is never set');
  assert.equal(r.status, '', 'nothing from the address is shown as a message');
  const meta = await page.evaluate(async () => {
    const v = document.querySelector('smp-visualiser');
    await v.loadSample();
    const { readTextChunk } = await import('./png-meta.js');
    const blob = await v.exportImage({ layout: 'side-by-side' });
    return JSON.parse(readTextChunk(new Uint8Array(await blob.arrayBuffer()), 'smp-visualiser'));
  });
  assert.equal(meta.disclaimer, 'Simulation: real results vary from person to person.');
  // The element itself refuses such links too, and a broken logo address.
  const links = await page.evaluate(() => {
    const v = document.querySelector('smp-visualiser');
    const cta = v.shadowRoot.querySelector('a.cta');
    const out = {};
    for (const href of ['data:text/html,<b>x</b>', 'javascript:1', 'https://clinic.example/book', 'mailto:desk@clinic.example', 'tel:+441234']) {
      v.setAttribute('cta-href', href);
      out[href] = cta.getAttribute('href');
    }
    v.setAttribute('logo', 'http://[bad');
    out.logo = v.shadowRoot.querySelector('img.logo').hidden;
    return out;
  });
  assert.deepEqual(links, {
    'data:text/html,<b>x</b>': null,
    'javascript:1': null,
    'https://clinic.example/book': 'https://clinic.example/book',
    'mailto:desk@clinic.example': 'mailto:desk@clinic.example',
    'tel:+441234': 'tel:+441234',
    logo: true,
  });
  assertNoErrors(assert, page);
});

test('nothing from one client reaches the next: scale, settings files, exports', async () => {
  const page = await browser.open();
  await ready(page);
  await blobInPage(page, readFileSync(fx.skin), 'photo', 'image/png');
  const r = await page.evaluate(async () => {
    const v = document.querySelector('smp-visualiser');
    const out = {};
    await v.loadImage(window.photo);
    out.estimate = v.settings.pxPerMm;
    await v.calibrate({ x0: 0, y0: 0, x1: 300, y1: 0, lengthMm: 20 });
    out.measured = v.settings.pxPerMm;
    await v.loadImage(window.photo);
    out.nextPhoto = v.settings.pxPerMm;
    // Kept on purpose by the technician.
    await v.calibrate({ x0: 0, y0: 0, x1: 300, y1: 0, lengthMm: 20 });
    v.shadowRoot.querySelector('.keep-scale').click();
    await v.loadImage(window.photo);
    out.kept = v.settings.pxPerMm;
    v.shadowRoot.querySelector('.keep-scale').click();
    // A settings file from another client's photo does not bring its scale.
    await v.loadImage(window.photo);
    await v.loadSettings({ app: 'smp-visualiser', version: 1, settings: { pxPerMm: 40, densityPerCm2: 120 } });
    out.afterFile = [v.settings.pxPerMm, v.settings.densityPerCm2];
    await v.loadSettings({ app: 'smp-visualiser', version: 1, settings: { pxPerMm: 40 } }, { withScale: true });
    out.afterFileWithScale = v.settings.pxPerMm;
    // An export that a new photo's load overlaps does not mix the two.
    await v.setSettings({ densityPerCm2: 60 });
    const exporting = v.exportImage({ layout: 'side-by-side' }).then(() => 'resolved', (e) => e.code);
    await v.loadSample();
    out.overlapped = await exporting;
    return out;
  });
  assert.equal(r.measured, 15);
  assert.equal(r.nextPhoto, r.estimate, 'a new photo gets its own scale');
  assert.equal(r.kept, 15, 'unless the technician keeps it');
  assert.deepEqual(r.afterFile, [r.estimate, 120], 'a settings file brings no scale');
  assert.equal(r.afterFileWithScale, 40, 'unless asked');
  assert.equal(r.overlapped, 'export-failed');
  assertNoErrors(assert, page);
});

test('a paste goes to the element in use, never to the host page\'s own text box', async () => {
  const page = await browser.open();
  await ready(page);
  await blobInPage(page, readFileSync(fx.skin), 'photo', 'image/png');
  const r = await page.evaluate(async () => {
    const first = document.querySelector('smp-visualiser');
    const second = document.createElement('smp-visualiser');
    const box = document.createElement('textarea');
    document.body.append(box, second);
    await second.ready;
    const paste = (target) => {
      const dt = new DataTransfer();
      dt.items.add(new File([window.photo], 'pasted.png', { type: 'image/png' }));
      target.dispatchEvent(new ClipboardEvent('paste', { clipboardData: dt, bubbles: true, cancelable: true, composed: true }));
      return new Promise((ok) => setTimeout(ok, 400));
    };
    const out = {};
    box.focus();
    await paste(box);
    out.intoTextBox = [first.hasPhoto, second.hasPhoto];
    box.blur();
    // A photo's first steps run in the worker: wait for the one that takes it.
    const loaded = async (el) => {
      for (let t = 0; t < 100 && !el.hasPhoto; t++) await new Promise((ok) => setTimeout(ok, 50));
    };
    await paste(document.body);
    await loaded(first);
    out.nothingFocused = [first.hasPhoto, second.hasPhoto];
    second.shadowRoot.querySelector('.sample').focus();
    await paste(second.shadowRoot.querySelector('.sample'));
    await loaded(second);
    out.secondFocused = second.hasPhoto;
    // Moved in the page (as frameworks do), it keeps exporting in its worker.
    document.body.append(first);
    const blob = await first.exportImage();
    out.movedExports = blob.size > 1000 && (await first.memoryUsage()).workerBytes > 0;
    return out;
  });
  assert.deepEqual(r.intoTextBox, [false, false], 'the host page keeps its own paste');
  assert.deepEqual(r.nothingFocused, [true, false], 'one element per paste');
  assert.equal(r.secondFocused, true, 'the focused element takes it');
  assert.equal(r.movedExports, true, 'a moved element still exports in its worker');
  assertNoErrors(assert, page);
});

test('without WebAssembly allowed, the element says what the site must allow and disables its controls', async () => {
  const dir = join(OUT, 'no-wasm');
  mkdirSync(dir, { recursive: true });
  writeFileSync(join(dir, 'index.html'), `<!doctype html><html><head><meta charset="utf-8">
<meta http-equiv="Content-Security-Policy" content="default-src 'none'; script-src ${browser.base.replace(/\/$/, '')}; connect-src ${browser.base.replace(/\/$/, '')}">
<script type="module" src="${browser.base}smp-visualiser.js"></script></head>
<body><smp-visualiser></smp-visualiser></body></html>`);
  hostile = await serve(dir, 0);
  const page = await browser.open('');
  await page.goto(`http://127.0.0.1:${hostile.address().port}/index.html`);
  await page.waitForFunction(() => /wasm-unsafe-eval/.test(document.querySelector('smp-visualiser')?.shadowRoot?.querySelector('.status')?.textContent ?? ''));
  const r = await page.evaluate(async () => {
    const v = document.querySelector('smp-visualiser');
    const code = await v.ready.then(() => 'ready', (e) => e.code);
    const enabled = [...v.shadowRoot.querySelectorAll('button, input, select')].filter((c) => !c.disabled).length;
    return { code, enabled };
  });
  assert.deepEqual(r, { code: 'engine-unavailable', enabled: 0 });
  // The browser's own CSP report is expected here; nothing else is.
  assert.deepEqual(page.errors.filter((e) => !/Content Security Policy|WebAssembly/i.test(e)), []);
});

test('translations: a registered language keeps the element\'s own strings; values stay text', async () => {
  const page = await browser.open();
  await ready(page);
  const r = await page.evaluate(async () => {
    const v = document.querySelector('smp-visualiser');
    v.strings = { 'Download image': 'Save it' };
    customElements.get('smp-visualiser').addLanguage('de', { 'Find bald areas': 'Kahle Stellen finden' });
    const own = v.strings['Download image'];
    v.setAttribute('lang', 'de');
    const both = [v.strings['Download image'], v.strings['Find bald areas']];
    localStorage.clear();
    await v.loadSample();
    v.savePreset('A $& B');
    await v.applyPreset('A $& B');
    return { own, both, status: v.shadowRoot.querySelector('.status').textContent };
  });
  assert.equal(r.own, 'Save it', 'registering a language keeps el.strings');
  assert.deepEqual(r.both, ['Save it', 'Kahle Stellen finden']);
  assert.equal(r.status, 'Preset “A $& B” applied.');
  assertNoErrors(assert, page);
});

test('side-by-side exports carry the date of the device, not of UTC', async () => {
  const page = await browser.open('', { timezoneId: 'Pacific/Auckland' });
  await ready(page);
  const date = await page.evaluate(async () => {
    const v = document.querySelector('smp-visualiser');
    await v.loadSample();
    const { readTextChunk } = await import('./png-meta.js');
    const blob = await v.exportImage({ layout: 'side-by-side', date: new Date('2026-11-30T20:00:00Z') });
    return JSON.parse(readTextChunk(new Uint8Array(await blob.arrayBuffer()), 'smp-visualiser')).date;
  });
  assert.equal(date, '2026-12-01', 'evening UTC is the next morning in Auckland');
  assertNoErrors(assert, page);
});

test('the offline copy is the build\'s own files, under its version, and never a page with a query', async () => {
  const page = await browser.open('?for=technician&client=Jane%20Doe');
  await ready(page);
  await page.evaluate(async () => {
    await navigator.serviceWorker.ready;
    if (!navigator.serviceWorker.controller) {
      await new Promise((ok) => navigator.serviceWorker.addEventListener('controllerchange', ok, { once: true }));
    }
  });
  // Other same-origin requests while online are not kept either.
  await page.evaluate(() => fetch('files.json?x=1').then((r) => r.text()));
  const kept = await page.evaluate(async () => {
    const names = await caches.keys();
    const urls = [];
    for (const n of names) for (const r of await (await caches.open(n)).keys()) urls.push(r.url);
    const list = await (await fetch('files.json')).json();
    return { names, urls, expected: ['files.json', 'pkg/version.txt', ...list.page, ...list.element].map((p) => new URL(p, location.href.split('?')[0]).href) };
  });
  const version = readFileSync(join(OUT, '..', '..', 'www', 'pkg', 'version.txt'), 'utf8').trim();
  assert.deepEqual(kept.names, [`smp-visualiser-${version}`]);
  assert.deepEqual([...kept.urls].sort(), [...kept.expected].sort());
  assert.ok(kept.urls.every((u) => !u.includes('?')), 'no address with a query is kept');
  // A new build replaces the kept set whole, under its own version.
  const versionFile = join(OUT, '..', '..', 'www', 'pkg', 'version.txt');
  try {
    writeFileSync(versionFile, 'newbuild\n');
    await page.evaluate(async () => (await navigator.serviceWorker.ready).active.postMessage({ type: 'refresh' }));
    const count = await page.evaluate(async () => {
      while ((await caches.keys()).join() !== 'smp-visualiser-newbuild') await new Promise((ok) => setTimeout(ok, 50));
      return (await (await caches.open('smp-visualiser-newbuild')).keys()).length;
    });
    assert.equal(count, kept.expected.length, 'every file of the new build is kept');
  } finally {
    writeFileSync(versionFile, `${version}\n`);
  }
  // Offline: the page comes back (with any query), but another version of a file does not.
  await page.context().setOffline(true);
  await page.goto(`${browser.base}?for=technician&client=Someone%20Else`);
  await ready(page);
  const other = await page.evaluate(() => fetch('smp-visualiser.js?v=2').then(() => 'answered', () => 'refused'));
  assert.equal(other, 'refused');
  await page.context().setOffline(false);
});

test('a colour property that holds url() makes no request', async () => {
  const page = await browser.open();
  await ready(page);
  await page.evaluate(async () => {
    const v = document.querySelector('smp-visualiser');
    for (const name of ['--smp-accent', '--smp-accent-text', '--smp-text', '--smp-muted', '--smp-surface', '--smp-border']) {
      v.style.setProperty(name, `url(/tracker${name}.png)`);
    }
    await v.loadSample();
    await new Promise((ok) => setTimeout(ok, 300));
  });
  assert.deepEqual(page.requests.filter((u) => u.includes('tracker')), []);
  assertNoErrors(assert, page);
});
