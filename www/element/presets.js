// Presets named for the client's case: each sets several settings at once.
// The built-in ones are the engine's (src/presets.rs); a technician's own
// are kept in this browser's localStorage under one key.

import { SmpError } from './engine-client.js';

let builtIn = [];

/** The built-in presets, grouped as the preset menu shows them: the
 * engine's one table (the CLI's `--preset` reads it too), once the engine
 * is loaded (`takeBuiltInPresets`); none before. */
export function builtInPresets() {
  return builtIn;
}

/** Takes the engine's presets table (`presetsJson()`). */
export function takeBuiltInPresets(json) {
  builtIn = JSON.parse(json);
}

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
  if (builtIn.some((p) => p.name === clean)) throw new SmpError('invalid-preset', `“${clean}” is a built-in preset; choose another name.`);
  if (!storePresets([...savedPresets().filter((p) => p.name !== clean), { name: clean, settings }])) {
    throw new SmpError('storage-unavailable', 'This browser does not allow saving presets here.');
  }
  return { name: clean, settings };
}
