// Presets named for the client's case: each sets several settings at once.
// Built-in ones ship with the element; a technician's own are kept in this
// browser's localStorage under one key.

import { SmpError } from './engine-client.js';

/** The built-in presets, grouped as the preset menu shows them. */
export const BUILT_IN_PRESETS = [
  { name: 'Alopecia patch', group: 'Look', settings: { mode: 'patch', densityPerCm2: 80, dotDiameterMm: 0.35, shade: 0.5 } },
  { name: 'Thinning (no shave)', group: 'Look', settings: { mode: 'density', densityPerCm2: 60, dotDiameterMm: 0.3, shade: 0.45 } },
  { name: 'Full buzz cut', group: 'Look', settings: { mode: 'full', densityPerCm2: 90, dotDiameterMm: 0.35, shade: 0.55 } },
  { name: 'Session 1', group: 'Session', settings: { session: 1 } },
  { name: 'Session 2', group: 'Session', settings: { session: 2 } },
  { name: 'Session 3', group: 'Session', settings: { session: 3 } },
  { name: 'Fresh', group: 'Time', settings: { healing: 'fresh', yearsAfter: 0 } },
  { name: 'Healed', group: 'Time', settings: { healing: 'healed', yearsAfter: 0 } },
  { name: 'After 5 years', group: 'Time', settings: { healing: 'healed', yearsAfter: 5 } },
];

/** Where a technician's own presets are kept in the browser. */
const PRESET_STORE = 'smp-visualiser:presets';

/** The presets saved in this browser: `[{ name, settings }]` (none where
 * storage is disabled or unreadable). */
export function savedPresets() {
  try {
    const list = JSON.parse(localStorage.getItem(PRESET_STORE) ?? '[]');
    return Array.isArray(list) ? list.filter((p) => typeof p?.name === 'string' && p.settings && typeof p.settings === 'object') : [];
  } catch {
    return [];
  }
}

/** Replaces the saved presets; false where the browser does not allow it. */
export function storePresets(list) {
  try {
    localStorage.setItem(PRESET_STORE, JSON.stringify(list));
    return true;
  } catch {
    return false;
  }
}

/** Saves `settings` as a preset called `name` (trimmed, at most 40
 * characters) in this browser: `{ name, settings }`. */
export function savePreset(name, settings) {
  const clean = String(name ?? '').trim().slice(0, 40);
  if (!clean) throw new SmpError('invalid-preset', 'A preset needs a name.');
  if (BUILT_IN_PRESETS.some((p) => p.name === clean)) throw new SmpError('invalid-preset', `“${clean}” is a built-in preset; choose another name.`);
  if (!storePresets([...savedPresets().filter((p) => p.name !== clean), { name: clean, settings }])) {
    throw new SmpError('storage-unavailable', 'This browser does not allow saving presets here.');
  }
  return { name: clean, settings };
}
