// Words: every text the element shows besides its static labels, and the
// translation of the interface (`strings`, `lang`, `addLanguage`).

/** Messages the element shows besides its static labels, for translators
 * (`{name}` marks a value filled in). Static labels are read from the
 * template itself; see `sourceStrings`. */
export const MESSAGES = [
  'Looking for the thin or bald area…',
  'We marked the thin or bald area in orange. Does it look right?',
  'We could not find a bald patch on this photo. Paint over the thin area with your finger or mouse.',
  'Drag the line across the photo to compare before and after.',
  'Drag the divider to compare before and after. Adjust the look with the controls.',
  'Mark the thin or bald area: find it, tap a patch, or paint it.',
  'Paint over the thin or bald area, or tap a patch to add it.',
  'Compare: drag across the photo to move the divider; the page still scrolls.',
  'Tap a patch: tap a bald patch to add it to the area.',
  'Paint: drag over the thin or bald area to add it.',
  'Erase: drag over the area to take it away.',
  'Measure: draw a line over something of known length, such as a ruler held to the head.',
  'Photo loaded. Now mark the thin or bald area.',
  'This photo is {original} pixels; it was reduced to {reduced}, the most this tool works with.',
  'Sample loaded. Now mark its two bald patches.',
  'Looking for the patch…',
  'Looking for bald areas…',
  'Patch added. Tap another, or adjust it with the brush.',
  'Bald areas found. Adjust them with the brush, or tap to add a patch.',
  'Scale set: {value} pixels per mm.',
  'Preset “{name}” applied.',
  'Preset “{name}” saved in this browser.',
  'Preparing your full-size image…',
  'Preparing your image…',
  'Image saved to your downloads.',
  'Settings loaded.',
  'Drag the handles to shape the hairline; the scalp is above the dashed line.',
  'stop {stop} ({hair} hair)',
  'black',
  'dark brown',
  'medium brown',
  'blond or grey',
  'Choose…',
  'Before',
  'After',
  '{value}% before',
  'Scalp micropigmentation simulation',
  'Simulation: real results vary from person to person.',
  'Sharing is not available here; use Download instead.',
  'Look',
  'Session',
  'Time',
  'Saved',
];

/** Plain-language names of the choices shown in the technician's controls. */
export const CHOICE_LABELS = {
  patch: 'Patches (alopecia areata)',
  density: 'Through hair (no shave)',
  full: 'Buzz cut (full)',
  fresh: 'Fresh (first days)',
  healed: 'Healed',
};

/** Attributes whose text is for people. */
const TEXT_ATTRIBUTES = ['aria-label', 'title', 'placeholder'];
/** Parts whose text is written by code (and translated there), not by the template. */
const WRITTEN_BY_CODE = '.controls, .status, .step-hint, select.preset, .cta, output';

/** Translation tables registered for the `lang` attribute (English is built in). */
export const LANGUAGES = new Map();

/** Every English source text: the template's labels, then `extra`. */
export function sourceStrings(template, extra) {
  const found = new Set();
  const walk = document.createTreeWalker(template.content, NodeFilter.SHOW_ELEMENT | NodeFilter.SHOW_TEXT);
  for (let n = walk.nextNode(); n; n = walk.nextNode()) {
    if (n instanceof Text) {
      if (n.data.trim() && n.parentElement?.namespaceURI !== 'http://www.w3.org/2000/svg') found.add(n.data.trim());
    } else if (n instanceof Element) {
      for (const a of TEXT_ATTRIBUTES) if (n.getAttribute(a)) found.add(n.getAttribute(a));
    }
  }
  for (const m of extra) found.add(m);
  return [...found];
}

/** One element's translations: English source → text shown. The
 * language's table (from `lang`) and the element's own `strings` are kept
 * apart, so registering or switching a language keeps the own ones. */
export class Translator {
  #language = {};
  #own = {};
  /** The English original of each translated text node and attribute. */
  #sources = new Map();

  /** Merges `table` into the element's own translations (non-text values are ignored). */
  merge(table) {
    for (const [k, v] of Object.entries(table)) if (typeof v === 'string') this.#own[k] = v;
  }

  /** Uses `table` (or none: English) as the language's translations. */
  setLanguage(table) {
    this.#language = {};
    for (const [k, v] of Object.entries(table ?? {})) if (typeof v === 'string') this.#language[k] = v;
  }

  /** A text in the current language, with `{name}` values filled in (as
   * plain text: a `$&` in a value is not a replacement pattern). */
  t(source, values = {}) {
    let text = this.#own[source] ?? this.#language[source] ?? source;
    for (const [k, v] of Object.entries(values)) text = text.replaceAll(`{${k}}`, () => String(v));
    return text;
  }

  /** Applies the translations to the static labels under `root`. */
  translate(root) {
    const walk = document.createTreeWalker(root, NodeFilter.SHOW_ELEMENT | NodeFilter.SHOW_TEXT);
    for (let n = walk.nextNode(); n; n = walk.nextNode()) {
      if (n instanceof Text) {
        if (!n.data.trim() || n.parentElement?.closest(WRITTEN_BY_CODE)) continue;
        if (!this.#sources.has(n)) this.#sources.set(n, n.data);
        const original = this.#sources.get(n);
        n.data = original.replace(original.trim(), this.t(original.trim()));
        continue;
      }
      if (!(n instanceof Element)) continue;
      let map = this.#sources.get(n);
      for (const a of TEXT_ATTRIBUTES) {
        if (!map) this.#sources.set(n, (map = {}));
        if (!(a in map)) {
          if (!n.hasAttribute(a)) continue;
          map[a] = n.getAttribute(a);
        }
        n.setAttribute(a, this.t(map[a]));
      }
    }
  }
}
