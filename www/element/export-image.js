// What an export adds to the rendered pixels (labels, date and disclaimer
// for side by side), and handing a finished file to the person: a download
// or the device's share sheet.

import { SmpError, asSmpError, ensureRoomForRender, pixelView } from './engine-client.js';
import { withTextChunk } from '../png-meta.js';
import { META_KEY } from './settings-file.js';

/** "Before" / "After" labels for the side-by-side export, sized to the photo. */
export function drawLabels(ctx, w, h, [before, after]) {
  const size = Math.max(12, Math.round(Math.min(w, h) * 0.045));
  ctx.font = `600 ${size}px system-ui, sans-serif`;
  ctx.textBaseline = 'top';
  for (const [text, x] of [[before, 0], [after, w]]) {
    const pad = Math.round(size * 0.4);
    const tw = ctx.measureText(text).width;
    ctx.fillStyle = 'rgba(0, 0, 0, 0.6)';
    ctx.fillRect(x + pad, pad, tw + pad * 2, size + pad * 2);
    ctx.fillStyle = '#fff';
    ctx.fillText(text, x + pad * 2, pad * 2);
  }
}

/** A band along the bottom with the date and disclaimer, sized to the photo. */
export function drawFooter(ctx, width, h, text) {
  const size = Math.max(11, Math.round(h * 0.028));
  const band = Math.round(size * 2);
  ctx.fillStyle = 'rgba(0, 0, 0, 0.55)';
  ctx.fillRect(0, h - band, width, band);
  ctx.font = `${size}px system-ui, sans-serif`;
  ctx.textBaseline = 'middle';
  ctx.fillStyle = '#fff';
  ctx.fillText(text, Math.round(size * 0.8), h - band / 2, width - size * 1.6);
}

/** A date as YYYY-MM-DD on this device's calendar (not UTC: an evening
 * consultation keeps its own date). */
export function localDate(date) {
  const pad = (n) => String(n).padStart(2, '0');
  return `${date.getFullYear()}-${pad(date.getMonth() + 1)}-${pad(date.getDate())}`;
}

/** The file name a layout is saved under. */
export function exportFileName(layout) {
  return layout === 'after' ? 'smp-after.png' : 'smp-before-after.png';
}

/** Saves a blob as a download, from inside `root` (the shadow root). */
export function saveBlob(root, blob, name) {
  const url = URL.createObjectURL(blob);
  const a = document.createElement('a');
  a.href = url;
  a.download = name;
  root.appendChild(a);
  a.click();
  a.remove();
  setTimeout(() => URL.revokeObjectURL(url), 60_000);
}

/** Whether this device can share image files (Web Share). */
export function canShareFiles() {
  const probe = new File([new Uint8Array(1)], 'probe.png', { type: 'image/png' });
  return navigator.canShare?.({ files: [probe] }) ?? false;
}

const EXPORT_TYPES = ['image/png', 'image/jpeg'];
const EXPORT_LAYOUTS = ['after', 'before', 'side-by-side'];

/**
 * The photo (before, after, or both side by side) at full resolution,
 * encoded as `type`. Side by side gets `labels` and a footer with the date
 * and the `note`; a `note` on any other layout is burned in too. PNGs carry
 * the settings `record` (with layout, note and date) in a text chunk.
 */
export async function exportResult({ engine, memory, worker, settingsArrays, type, layout, quality, note, date, record, labels, isCurrent }) {
  if (!EXPORT_TYPES.includes(type)) throw new SmpError('invalid-export', `type must be one of ${EXPORT_TYPES.join(', ')}.`);
  if (!EXPORT_LAYOUTS.includes(layout)) throw new SmpError('invalid-export', `layout must be one of ${EXPORT_LAYOUTS.join(', ')}.`);
  const w = engine.width();
  const h = engine.height();
  const after = layout === 'before' ? null : await renderFullResolution(engine, memory, worker, settingsArrays);
  // A new photo loaded while the result was rendering: this export is of
  // the earlier photo, whose pixels are gone; say so rather than mix them.
  if (!isCurrent()) throw new SmpError('export-failed', 'A new photo was loaded while the image was being prepared. Please save it again.');
  const canvas = document.createElement('canvas');
  canvas.width = layout === 'side-by-side' ? w * 2 : w;
  canvas.height = h;
  const ctx = canvas.getContext('2d');
  if (!ctx) throw new SmpError('out-of-memory', 'The browser could not make room for the full-size image.');
  // After the render: it may grow wasm memory, which detaches older views.
  if (layout !== 'after') ctx.putImageData(pixelView(memory, engine.beforePtr(), w, h), 0, 0);
  if (after) ctx.putImageData(new ImageData(after, w, h), layout === 'side-by-side' ? w : 0, 0);
  if (layout === 'side-by-side') drawLabels(ctx, w, h, labels);
  const dateText = layout === 'side-by-side' && date instanceof Date ? localDate(date) : '';
  const footer = [dateText, note].filter(Boolean).join('   ·   ');
  if (footer) drawFooter(ctx, canvas.width, h, footer);
  const blob = await new Promise((ok) => canvas.toBlob(ok, type, quality));
  if (!blob) throw new SmpError('export-failed', 'The image could not be saved; the photo may be too large for this browser.');
  if (type !== 'image/png') return blob;
  const meta = JSON.stringify({ ...record, layout, disclaimer: note, date: dateText || null });
  return new Blob([withTextChunk(await blob.arrayBuffer(), META_KEY, meta)], { type: 'image/png' });
}

/** The full-resolution result, rendered by the worker (or on the page's
 * thread where workers are unavailable). Same engine, same pixels. */
export async function renderFullResolution(engine, memory, worker, settingsArrays) {
  const w = engine.width();
  const h = engine.height();
  const reply = await worker.render(engine.mask(), settingsArrays);
  if (reply.ok) return reply.pixels;
  if (!reply.fallback && reply.code !== 'no-image') throw new SmpError(reply.code, reply.message);
  try {
    ensureRoomForRender(w, h);
    // Render first: it may grow wasm memory, which detaches older views.
    const ptr = engine.renderFull();
    const pixels = new Uint8ClampedArray(memory.buffer, ptr, w * h * 4).slice();
    engine.releaseFull();
    return pixels;
  } catch (e) {
    throw asSmpError(e);
  }
}
