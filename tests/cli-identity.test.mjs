// One engine, two front doors: `smp render` and the browser's export give
// byte-identical pixels for the same photo, area and settings.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { readFileSync, existsSync } from 'node:fs';
import { join } from 'node:path';
import { PNG } from 'pngjs';
import { startBrowser, ready, assertNoErrors, blobInPage, bytesOf, ROOT, OUT } from './helpers.mjs';
import { makeFixtures } from './fixtures.mjs';

const CLI = join(ROOT, 'target', 'release', 'smp');
let browser;
let fx;
before(async () => {
  fx = makeFixtures();
  // The synthetic scalp with hair, and its patches as a grey mask (no alpha).
  fx.sample = join(OUT, 'sample.png');
  fx.samplePatches = join(OUT, 'sample-patches.png');
  execFileSync(CLI, ['sample', '--out', fx.sample, '--patches-out', fx.samplePatches, '--width', '900', '--height', '700', '--seed', '5']);
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
  {
    name: 'through hair, fresh session 1, on the sample scalp',
    sample: true,
    flags: { mode: 'density', session: 1, healing: 'fresh', 'px-per-mm': 5 },
    settings: { mode: 'density', session: 1, healing: 'fresh', pxPerMm: 5 },
  },
  {
    name: 'buzz cut look with a broken hairline',
    flags: { mode: 'full', hairline: '50,260 320,190 600,250', 'hairline-style': 'broken', 'px-per-mm': 6 },
    settings: { mode: 'full', pxPerMm: 6 },
    hairline: { handles: [[50, 260], [320, 190], [600, 250]], style: 'broken' },
  },
  {
    name: 'buzz cut look after 7 years',
    flags: { mode: 'full', 'years-after': 7, shade: 0.9 },
    settings: { mode: 'full', yearsAfter: 7, shade: 0.9 },
  },
];

for (const c of cases) {
  test(`CLI and browser give the same pixels: ${c.name}`, async () => {
    assert.ok(existsSync(CLI), "build the CLI first ('make build')");
    const out = join(OUT, `cli-${c.name.replace(/\W+/g, '-')}.png`);
    const [photoFile, maskFile] = c.sample ? [fx.sample, fx.samplePatches] : [fx.skin, fx.mask];
    const args = ['render', '--input', photoFile, '--mask', maskFile, '--out', out];
    for (const [k, v] of Object.entries(c.flags)) args.push(`--${k}`, String(v));
    execFileSync(CLI, args);
    const cli = PNG.sync.read(readFileSync(out));

    const page = await browser.open();
    await ready(page);
    await blobInPage(page, readFileSync(photoFile), 'photo', 'image/png');
    await blobInPage(page, readFileSync(maskFile), 'mask', 'image/png');
    const bytes = await page.evaluate(async ({ settings, grey, hairline }) => {
      const v = document.querySelector('smp-visualiser');
      await v.loadImage(window.photo);
      const bmp = await createImageBitmap(window.mask, { premultiplyAlpha: 'none', colorSpaceConversion: 'none' });
      const c2 = new OffscreenCanvas(bmp.width, bmp.height);
      const ctx = c2.getContext('2d');
      ctx.drawImage(bmp, 0, 0);
      const mask = ctx.getImageData(0, 0, bmp.width, bmp.height);
      // Like the CLI: a mask without alpha gives its weight by its grey level.
      if (grey) for (let i = 0; i < mask.data.length; i += 4) mask.data[i + 3] = mask.data[i];
      await v.setMask(mask);
      await v.setSettings(settings);
      if (hairline) await v.setHairline(hairline);
      const blob = await v.exportImage({ type: 'image/png', layout: 'after' });
      return window.__base64(blob);
    }, { settings: c.settings, grey: Boolean(c.sample), hairline: c.hairline });
    const web = PNG.sync.read(bytesOf(bytes));
    assert.deepEqual([web.width, web.height], [cli.width, cli.height]);
    let differing = 0;
    for (let i = 0; i < cli.data.length; i++) if (cli.data[i] !== web.data[i]) differing++;
    assert.equal(differing, 0, `${differing} bytes differ between the CLI and the browser`);
    // And the render did something: it is not the photo.
    const photo = PNG.sync.read(readFileSync(photoFile));
    const photoRgba = photo.data.length === cli.data.length ? photo.data : null;
    assert.ok(!photoRgba || !photoRgba.equals(cli.data), 'the render changed the photo');
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
  assert.match(r.stderr, /not a photo.*\(not-an-image\)/);
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
