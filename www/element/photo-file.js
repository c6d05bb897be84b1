// Reading image files: sniff the format and size from the header first, so a
// truncated file or a "decompression bomb" is refused before any decoding.
// The command line does the same (src/decode.rs), with the same codes.

import { SmpError, outOfMemory } from './engine-client.js';

function u32be(b, i) {
  return ((b[i] << 24) | (b[i + 1] << 16) | (b[i + 2] << 8) | b[i + 3]) >>> 0;
}

function pngInfo(head, tail) {
  if (head.length < 24) return { truncated: true };
  const ihdr = String.fromCharCode(...head.subarray(12, 16));
  if (ihdr !== 'IHDR') return { broken: true };
  const iend = String.fromCharCode(...tail.subarray(Math.max(0, tail.length - 8), tail.length - 4));
  return { width: u32be(head, 16), height: u32be(head, 20), truncated: iend !== 'IEND' };
}

function jpegInfo(head, tail) {
  let end = tail.length;
  while (end > 2 && tail[end - 1] === 0) end--; // some cameras pad after the end marker
  const hasEoi = tail.subarray(Math.max(0, end - 64), end).some((v, i, a) => v === 0xff && a[i + 1] === 0xd9);
  let i = 2;
  while (i + 9 < head.length) {
    if (head[i] !== 0xff) { i++; continue; }
    const marker = head[i + 1];
    if (marker === 0xff) { i++; continue; }
    const len = (head[i + 2] << 8) | head[i + 3];
    const isSof = marker >= 0xc0 && marker <= 0xcf && ![0xc4, 0xc8, 0xcc].includes(marker);
    if (isSof) {
      return { height: (head[i + 5] << 8) | head[i + 6], width: (head[i + 7] << 8) | head[i + 8], truncated: !hasEoi };
    }
    i += 2 + len;
  }
  return { truncated: !hasEoi };
}

const ascii = (b, from, to) => String.fromCharCode(...b.subarray(from, to));

/** What the header says: `{ type, width?, height?, truncated?, broken? }`. */
export async function sniff(blob) {
  const head = new Uint8Array(await blob.slice(0, 256 * 1024).arrayBuffer());
  const tail = new Uint8Array(await blob.slice(Math.max(0, blob.size - 64 * 1024)).arrayBuffer());
  if (head[0] === 0x89 && ascii(head, 1, 4) === 'PNG') return { type: 'png', ...pngInfo(head, tail) };
  if (head[0] === 0xff && head[1] === 0xd8 && head[2] === 0xff) return { type: 'jpeg', ...jpegInfo(head, tail) };
  if (ascii(head, 0, 4) === 'GIF8' && head.length >= 10) {
    return { type: 'gif', width: head[6] | (head[7] << 8), height: head[8] | (head[9] << 8) };
  }
  if (ascii(head, 0, 4) === 'RIFF' && ascii(head, 8, 12) === 'WEBP') return { type: 'webp' };
  if (ascii(head, 0, 4) === 'II*\0' || ascii(head, 0, 4) === 'MM\0*') return { type: 'tiff' };
  if (ascii(head, 4, 8) === 'ftyp') {
    const brands = ascii(head, 8, Math.min(head.length, 64));
    if (/avif|avis/.test(brands)) return { type: 'avif' };
    if (/heic|heix|hevc|heim|mif1/.test(brands)) return { type: 'heic' };
  }
  const text = new TextDecoder().decode(head.subarray(0, 4096)).replace(/^\uFEFF/, '').trimStart();
  if (blob.type === 'image/svg+xml' || (text.startsWith('<') && /<svg/i.test(text))) return { type: 'svg' };
  return { type: 'other' };
}

const UNSUPPORTED = {
  heic: 'HEIC photos (the iPhone’s own format) cannot be read by this browser. Share the photo as JPEG, or on the iPhone choose Settings › Camera › Formats › Most Compatible.',
  avif: 'AVIF images cannot be read by this browser. Please use a JPEG or PNG photo.',
  tiff: 'TIFF images cannot be read here. Please use a JPEG or PNG photo.',
  svg: 'This is a drawing (SVG), not a photo. Please choose a JPEG or PNG photo.',
};

/**
 * Decodes a photo with the browser to RGBA: EXIF orientation applied, and
 * reduced to the engine's working size when larger (`reducedFrom` is then the
 * upright size of the file's own pixels). SVG is never decoded: a drawing is
 * not a photo, and nothing of it (scripts, links) is ever loaded.
 */
export async function decodePhoto(blob, wasm) {
  if (!(blob instanceof Blob)) throw new SmpError('not-a-file', 'Please choose a photo file.');
  if (blob.size === 0) throw new SmpError('empty-file', 'This file is empty. Please choose a photo.');
  const info = await sniff(blob);
  if (info.type === 'svg' || info.type === 'tiff') throw new SmpError('unsupported-format', UNSUPPORTED[info.type]);
  if (info.broken) throw new SmpError('not-an-image', 'This file is damaged and cannot be read as a photo.');
  if (info.width !== undefined && info.height !== undefined) wasm.checkDecodeSize(info.width, info.height);
  if (info.truncated) {
    throw new SmpError('truncated-file', 'This photo file is incomplete (it may not have finished downloading). Please choose it again or use another photo.');
  }
  let bitmap;
  try {
    bitmap = await createImageBitmap(blob, { imageOrientation: 'from-image' });
  } catch (e) {
    if (e instanceof RangeError) throw outOfMemory();
    if (UNSUPPORTED[info.type]) throw new SmpError('unsupported-format', UNSUPPORTED[info.type]);
    throw new SmpError('not-an-image', 'This file is not a photo this browser can read. Please choose a JPEG or PNG photo.');
  }
  let reduced = null;
  try {
    wasm.checkDecodeSize(bitmap.width, bitmap.height);
    const [width, height] = wasm.workingSize(bitmap.width, bitmap.height);
    if (width !== bitmap.width || height !== bitmap.height) {
      // The browser reduces it (off the JS heap) so the engine never holds
      // more than its working size.
      reduced = await createImageBitmap(bitmap, { resizeWidth: width, resizeHeight: height, resizeQuality: 'high' });
    }
    const source = reduced ?? bitmap;
    const canvas = document.createElement('canvas');
    canvas.width = width;
    canvas.height = height;
    const ctx = canvas.getContext('2d', { willReadFrequently: true });
    if (!ctx) throw outOfMemory();
    ctx.drawImage(source, 0, 0);
    const data = ctx.getImageData(0, 0, width, height);
    canvas.width = canvas.height = 0; // let the browser free it now
    return {
      width,
      height,
      rgba: new Uint8Array(data.data.buffer),
      reducedFrom: reduced ? { width: bitmap.width, height: bitmap.height } : null,
    };
  } catch (e) {
    if (e instanceof RangeError) throw outOfMemory();
    throw e;
  } finally {
    reduced?.close();
    bitmap.close();
  }
}
