// PNG text chunks: the settings a result was made with travel inside the
// exported PNG (a tEXt chunk), so a clinic can reproduce it later. Pure
// functions on bytes; hand-written because it is 40 lines and the page loads
// no third-party code.

const CRC_TABLE = (() => {
  const t = new Uint32Array(256);
  for (let n = 0; n < 256; n++) {
    let c = n;
    for (let k = 0; k < 8; k++) c = c & 1 ? 0xedb88320 ^ (c >>> 1) : c >>> 1;
    t[n] = c >>> 0;
  }
  return t;
})();

function crc32(bytes) {
  let c = 0xffffffff;
  for (const b of bytes) c = CRC_TABLE[(c ^ b) & 0xff] ^ (c >>> 8);
  return (c ^ 0xffffffff) >>> 0;
}

const SIGNATURE = [137, 80, 78, 71, 13, 10, 26, 10];

/** True when the bytes start with the PNG signature. */
export function isPng(bytes) {
  return SIGNATURE.every((v, i) => bytes[i] === v);
}

/** A copy of the PNG with a tEXt chunk `keyword` = `text` after its header.
 * Non-Latin-1 characters in `text` are escaped as JSON-style \\uXXXX. */
export function withTextChunk(png, keyword, text) {
  const bytes = new Uint8Array(png);
  if (!isPng(bytes)) throw new Error('not a PNG');
  const safe = text.replace(/[^\x20-\x7e\n]/g, (c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, '0')}`);
  const data = new TextEncoder().encode(`${keyword}\0${safe}`);
  const chunk = new Uint8Array(12 + data.length);
  const view = new DataView(chunk.buffer);
  view.setUint32(0, data.length);
  chunk.set([116, 69, 88, 116], 4); // "tEXt"
  chunk.set(data, 8);
  view.setUint32(8 + data.length, crc32(chunk.subarray(4, 8 + data.length)));
  const ihdrEnd = 8 + 12 + new DataView(bytes.buffer, bytes.byteOffset).getUint32(8);
  const out = new Uint8Array(bytes.length + chunk.length);
  out.set(bytes.subarray(0, ihdrEnd), 0);
  out.set(chunk, ihdrEnd);
  out.set(bytes.subarray(ihdrEnd), ihdrEnd + chunk.length);
  return out;
}

/** The text of the first tEXt chunk named `keyword`, or null. */
export function readTextChunk(png, keyword) {
  const bytes = new Uint8Array(png);
  if (!isPng(bytes)) return null;
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  let at = 8;
  while (at + 12 <= bytes.length) {
    const length = view.getUint32(at);
    const type = String.fromCharCode(...bytes.subarray(at + 4, at + 8));
    if (type === 'tEXt') {
      const data = bytes.subarray(at + 8, at + 8 + length);
      const zero = data.indexOf(0);
      if (zero > 0 && new TextDecoder('latin1').decode(data.subarray(0, zero)) === keyword) {
        return new TextDecoder('latin1').decode(data.subarray(zero + 1));
      }
    }
    if (type === 'IEND') break;
    at += 12 + length;
  }
  return null;
}
