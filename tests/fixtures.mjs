// Makes the test images (no downloads, no committed binaries): a skin-toned
// photo with lighting and texture, a soft-edged area mask, a portrait JPEG
// with EXIF orientation 6, and a set of broken files.
import { PNG } from 'pngjs';
import jpeg from 'jpeg-js';
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { crc32 } from 'node:zlib';
import { OUT } from './helpers.mjs';

/** Deterministic pseudo-random numbers (mulberry32). */
function rng(seed) {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** RGBA pixels of a lit, lightly textured patch of skin. */
export function skinPixels(width, height, seed = 1) {
  const rand = rng(seed);
  const data = Buffer.alloc(width * height * 4);
  for (let y = 0; y < height; y++) {
    for (let x = 0; x < width; x++) {
      const light = 0.75 + 0.25 * Math.cos(((x / width) - 0.35) * 2.2) * Math.cos(((y / height) - 0.4) * 1.8);
      const n = (rand() - 0.5) * 10;
      const i = (y * width + x) * 4;
      data[i] = Math.max(0, Math.min(255, Math.round(226 * light + n)));
      data[i + 1] = Math.max(0, Math.min(255, Math.round(180 * light + n)));
      data[i + 2] = Math.max(0, Math.min(255, Math.round(152 * light + n)));
      data[i + 3] = 255;
    }
  }
  return data;
}

function png(width, height, data) {
  const p = new PNG({ width, height, colorType: 6 });
  data.copy(p.data);
  return PNG.sync.write(p);
}

/** Alpha mask: a soft-edged disc at (cx, cy) with radius r (px). */
export function discMask(width, height, cx, cy, r, feather) {
  const data = Buffer.alloc(width * height * 4);
  for (let y = 0; y < height; y++) {
    for (let x = 0; x < width; x++) {
      const d = Math.hypot(x + 0.5 - cx, y + 0.5 - cy);
      const a = Math.max(0, Math.min(1, (r - d) / feather));
      const i = (y * width + x) * 4;
      data[i] = data[i + 1] = data[i + 2] = 255;
      data[i + 3] = Math.round(a * 255);
    }
  }
  return data;
}

/** Inserts an EXIF APP1 segment with the given orientation after SOI. */
function withOrientation(jpegBytes, orientation) {
  const tiff = Buffer.from([
    0x4d, 0x4d, 0x00, 0x2a, 0x00, 0x00, 0x00, 0x08, // big-endian TIFF header, IFD at 8
    0x00, 0x01, // one entry
    0x01, 0x12, 0x00, 0x03, 0x00, 0x00, 0x00, 0x01, 0x00, orientation, 0x00, 0x00, // Orientation, SHORT
    0x00, 0x00, 0x00, 0x00, // no next IFD
  ]);
  const payload = Buffer.concat([Buffer.from('Exif\0\0', 'binary'), tiff]);
  const app1 = Buffer.concat([Buffer.from([0xff, 0xe1, (payload.length + 2) >> 8, (payload.length + 2) & 0xff]), payload]);
  return Buffer.concat([jpegBytes.subarray(0, 2), app1, jpegBytes.subarray(2)]);
}

/** Writes every fixture into tests/out and returns their paths. */
export function makeFixtures() {
  mkdirSync(OUT, { recursive: true });
  const f = (name) => join(OUT, name);
  const W = 640;
  const H = 480;
  writeFileSync(f('skin.png'), png(W, H, skinPixels(W, H)));
  writeFileSync(f('mask.png'), png(W, H, discMask(W, H, 300, 220, 140, 30)));

  // Stored landscape 480×360 with a red block in the stored top-left corner.
  // Orientation 6 means "rotate 90° clockwise to display": the photo shows as
  // a 360×480 portrait with the red block in its top-right corner.
  const sw = 480;
  const sh = 360;
  const px = skinPixels(sw, sh, 2);
  for (let y = 0; y < 60; y++) for (let x = 0; x < 80; x++) {
    const i = (y * sw + x) * 4;
    px[i] = 220; px[i + 1] = 20; px[i + 2] = 20;
  }
  const jpg = jpeg.encode({ data: px, width: sw, height: sh }, 92).data;
  writeFileSync(f('portrait-exif6.jpg'), withOrientation(jpg, 6));

  writeFileSync(f('empty.png'), Buffer.alloc(0));
  writeFileSync(f('text.jpg'), 'this is not a photo, just text with a .jpg name\n');
  const skinPng = png(W, H, skinPixels(W, H));
  writeFileSync(f('truncated.png'), skinPng.subarray(0, Math.floor(skinPng.length / 2)));
  writeFileSync(f('truncated.jpg'), jpg.subarray(0, Math.floor(jpg.length / 2)));
  // A header that claims 30000×30000 pixels (3.6 gigabytes once decoded).
  const huge = Buffer.from(png(1, 1, Buffer.from([0, 0, 0, 255])));
  huge.writeUInt32BE(30000, 16);
  huge.writeUInt32BE(30000, 20);
  huge.writeUInt32BE(crc32(huge.subarray(12, 29)), 29); // keep the header valid
  writeFileSync(f('huge.png'), huge);
  return {
    skin: f('skin.png'), mask: f('mask.png'), portrait: f('portrait-exif6.jpg'),
    empty: f('empty.png'), text: f('text.jpg'), truncatedPng: f('truncated.png'),
    truncatedJpg: f('truncated.jpg'), huge: f('huge.png'), size: { W, H },
  };
}
