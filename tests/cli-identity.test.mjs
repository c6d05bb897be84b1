// One engine, two front doors: `smp render` and the browser's export give
// byte-identical pixels for the same photo, area and settings.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { readFileSync, existsSync } from 'node:fs';
import { join } from 'node:path';
import { PNG } from 'pngjs';
import { startBrowser, ready, assertNoErrors, blobInPage, ROOT, OUT } from './helpers.mjs';
import { makeFixtures } from './fixtures.mjs';

const CLI = join(ROOT, 'target', 'release', 'smp');
let browser;
let fx;
before(async () => {
  fx = makeFixtures();
  browser = await startBrowser();
});
after(async () => browser?.close());

const cases = [
  { name: 'defaults with the estimated scale', flags: {}, settings: {} },
  {
    name: 'every setting given',
    flags: { 'density-per-cm2': 140, 'dot-diameter-mm': 0.45, shade: 0.7, softness: 0.6, seed: 12345, 'px-per-mm': 9.5 },
    settings: { densityPerCm2: 140, dotDiameterMm: 0.45, shade: 0.7, softness: 0.6, seed: 12345, pxPerMm: 9.5 },
  },
];

for (const c of cases) {
  test(`CLI and browser give the same pixels: ${c.name}`, async () => {
    assert.ok(existsSync(CLI), "build the CLI first ('make build')");
    const out = join(OUT, `cli-${c.name.replace(/\W+/g, '-')}.png`);
    const args = ['render', '--input', fx.skin, '--mask', fx.mask, '--out', out];
    for (const [k, v] of Object.entries(c.flags)) args.push(`--${k}`, String(v));
    execFileSync(CLI, args);
    const cli = PNG.sync.read(readFileSync(out));

    const page = await browser.open();
    await ready(page);
    await blobInPage(page, readFileSync(fx.skin), 'photo', 'image/png');
    await blobInPage(page, readFileSync(fx.mask), 'mask', 'image/png');
    const bytes = await page.evaluate(async (settings) => {
      const v = document.querySelector('smp-visualiser');
      await v.loadImage(window.photo);
      const bmp = await createImageBitmap(window.mask, { premultiplyAlpha: 'none', colorSpaceConversion: 'none' });
      const c2 = new OffscreenCanvas(bmp.width, bmp.height);
      const ctx = c2.getContext('2d');
      ctx.drawImage(bmp, 0, 0);
      await v.setMask(ctx.getImageData(0, 0, bmp.width, bmp.height));
      await v.setSettings(settings);
      const blob = await v.exportImage({ type: 'image/png', layout: 'after' });
      return Array.from(new Uint8Array(await blob.arrayBuffer()));
    }, c.settings);
    const web = PNG.sync.read(Buffer.from(bytes));
    assert.deepEqual([web.width, web.height], [cli.width, cli.height]);
    let differing = 0;
    for (let i = 0; i < cli.data.length; i++) if (cli.data[i] !== web.data[i]) differing++;
    assert.equal(differing, 0, `${differing} bytes differ between the CLI and the browser`);
    // And the render did something: it is not the photo.
    const photo = PNG.sync.read(readFileSync(fx.skin));
    assert.ok(!photo.data.equals(cli.data), 'the render changed the photo');
    assertNoErrors(assert, page);
  });
}

test('CLI reports bad input with a code and a non-zero exit', () => {
  const run = (args) => {
    try {
      execFileSync(CLI, args, { stdio: 'pipe' });
      return { status: 0, stderr: '' };
    } catch (e) {
      return { status: e.status, stderr: e.stderr.toString() };
    }
  };
  const out = join(OUT, 'never.png');
  let r = run(['render', '--input', fx.text, '--mask', fx.mask, '--out', out]);
  assert.equal(r.status, 1);
  assert.match(r.stderr, /not a readable image.*\(bad-image\)/);
  r = run(['render', '--input', fx.skin, '--mask', fx.portrait, '--out', out]);
  assert.match(r.stderr, /mask-size-mismatch/);
  r = run(['render', '--input', fx.skin, '--mask', fx.mask, '--out', out, '--shade', '7']);
  assert.equal(r.status, 2);
  assert.match(r.stderr, /shade must be between 0 and 1/);
  r = run(['render', '--input', fx.skin, '--mask', fx.mask, '--out', out, '--density-per-cm2', 'lots']);
  assert.match(r.stderr, /needs a number/);
  r = run(['render', '--input', fx.huge, '--mask', fx.mask, '--out', out]);
  assert.match(r.stderr, /image-too-large/);
  r = run(['paint']);
  assert.equal(r.status, 2);
  assert.ok(!existsSync(out));
});
