// Reading image files: the engine sniffs the format and size from the header
// first (src/sniff.rs, through wasm), so a truncated file or a
// "decompression bomb" is refused before any decoding; the command line uses
// the same sniffer, so a file gets the same code in both.

import { SmpError, outOfMemory, sniffImage, sniffHeadBytes } from './engine-client.js';

/** What the file's header says: `{ format, width, height, turned }` (the
 * size as stored, before EXIF orientation, and whether that turns it a
 * quarter), read by the engine's one sniffer (the
 * command line uses the same), which refuses bombs, damaged, cut-short and
 * unreadable files with their codes before a pixel is decoded. It is given
 * the file's head (more when it asks) and its last 64 KB. */
async function sniffFile(blob) {
  const bytes = async (from, to) => new Uint8Array(await blob.slice(from, to).arrayBuffer());
  const tail = await bytes(Math.max(0, blob.size - 64 * 1024), blob.size);
  let n = Math.min(blob.size, sniffHeadBytes());
  for (;;) {
    const answer = sniffImage(await bytes(0, n), tail, blob.size);
    if (answer.needHead === undefined) return answer;
    n = Math.min(blob.size, answer.needHead);
  }
}

/** Pixels a task handles of a decoded photo: read back from the decoding
 * canvas (see decodePhoto), or copied into the page's engine
 * (photo-load.js). */
export const BAND_PIXELS = 2_000_000;

/** What to say when the browser cannot decode a format the sniffer
 * accepted (this browser's decoders, not the file, are the limit). */
const NOT_IN_THIS_BROWSER = {
  heic: 'HEIC photos (the iPhone’s own format) cannot be read by this browser. Share the photo as JPEG, or on the iPhone choose Settings › Camera › Formats › Most Compatible.',
  avif: 'AVIF images cannot be read by this browser. Please use a JPEG or PNG photo.',
};

/**
 * Decodes a photo with the browser to RGBA: EXIF orientation applied, and
 * reduced to the engine's working size when larger (`reducedFrom` is then the
 * upright size of the file's own pixels). SVG is never decoded: a drawing is
 * not a photo, and nothing of it (scripts, links) is ever loaded. `sized`,
 * when given, is told the photo's upright working size as soon as its
 * header is read, well before its pixels are decoded.
 * @param {Blob} blob
 * @param {{ workingSize: (w: number, h: number) => Uint32Array, checkDecodeSize: (w: number, h: number) => void }} wasm
 * @param {((width: number, height: number) => void) | null} sized
 */
export async function decodePhoto(blob, wasm, sized = null) {
  if (!(blob instanceof Blob)) throw new SmpError('not-a-file', 'Please choose a photo file.');
  // A drawing is refused by its type too, before any of it is read.
  if (blob.type === 'image/svg+xml') throw new SmpError('unsupported-format', 'This is a drawing (SVG), not a photo. Please choose a JPEG or PNG photo.');
  const info = await sniffFile(blob);
  // Upright, a photo its EXIF orientation turns a quarter has its sides swapped.
  if (sized) {
    const [w, h] = info.turned ? wasm.workingSize(info.height, info.width) : wasm.workingSize(info.width, info.height);
    sized(w, h);
  }
  let bitmap;
  try {
    bitmap = await createImageBitmap(blob, { imageOrientation: 'from-image' });
  } catch (e) {
    if (e instanceof RangeError) throw outOfMemory();
    if (NOT_IN_THIS_BROWSER[info.format]) throw new SmpError('unsupported-format', NOT_IN_THIS_BROWSER[info.format]);
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
    // Drawn and read back a band of rows at a time, letting the page's
    // thread go between bands: drawn whole and read at once, a 12 MP
    // photo held it for over 100 ms. The canvas holds one band, not the
    // photo (a 12 MP canvas is another 48 MB).
    const band = Math.max(1, Math.min(height, Math.floor(BAND_PIXELS / width)));
    const canvas = document.createElement('canvas');
    canvas.width = width;
    canvas.height = band;
    const ctx = canvas.getContext('2d', { willReadFrequently: true });
    if (!ctx) throw outOfMemory();
    const rgba = new Uint8Array(width * height * 4);
    for (let y = 0; y < height; y += band) {
      const rows = Math.min(band, height - y);
      // Cleared first: a photo with transparency would be drawn over the last band.
      ctx.clearRect(0, 0, width, rows);
      ctx.drawImage(source, 0, y, width, rows, 0, 0, width, rows);
      rgba.set(new Uint8Array(ctx.getImageData(0, 0, width, rows).data.buffer), y * width * 4);
      if (y + rows < height) await new Promise((ok) => setTimeout(ok, 0));
    }
    canvas.width = canvas.height = 0; // let the browser free it now
    return {
      width,
      height,
      rgba,
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
