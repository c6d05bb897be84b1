// Settings that travel with a result: a JSON record, saved as a file or
// inside an exported PNG's text chunk, so a result can be reproduced later.

import { SmpError, lookVersion } from './engine-client.js';
import { isPng, readTextChunk } from '../png-meta.js';

/** Name of the PNG text chunk (and JSON format) that carries the settings. */
export const META_KEY = 'smp-visualiser';

/** The record of `settings`: `{ app, version, look, settings }`; `version`
 * is the record's shape, `look` the engine's calibration and dot pattern
 * (the same numbers render differently under another one). A record of an
 * older look still loads: its settings apply as they are, and its seed
 * places this look's dots (look 2 and before drew other dots for a seed). */
export function settingsRecord(settings) {
  return { app: META_KEY, version: 1, look: lookVersion(), settings };
}

/** The settings of a record, a JSON file or a PNG the visualiser exported;
 * `no-settings` when it carries none. */
export async function readSettings(source) {
  let record = source;
  if (source instanceof Blob) {
    const bytes = new Uint8Array(await source.arrayBuffer());
    const text = isPng(bytes) ? readTextChunk(bytes, META_KEY) : new TextDecoder().decode(bytes);
    if (text === null) throw new SmpError('no-settings', 'This image carries no visualiser settings.');
    try {
      record = JSON.parse(text);
    } catch {
      throw new SmpError('no-settings', 'This file is not a visualiser settings file.');
    }
  }
  if (record?.app !== META_KEY || typeof record.settings !== 'object' || record.settings === null) {
    throw new SmpError('no-settings', 'This file is not a visualiser settings file.');
  }
  return record.settings;
}
