// The settings' controls: the technician's sliders and choices (built from
// the engine's settings table), the client's three looks and two plain
// sliders, the preset menu, and saving or loading settings.

import { asSmpError, settingsFrom } from './engine-client.js';
import { CHOICE_LABELS } from './strings.js';
import { saveBlob } from './export-image.js';

/** Which settings the technician's sections show (seed and scale are for
 * scripts and calibration). */
const SECTIONS = {
  '.look-controls': ['mode', 'densityPerCm2', 'dotDiameterMm', 'shade', 'softness'],
  '.plan-controls': ['session', 'healing', 'yearsAfter'],
};
/** The client's plain sliders and the setting each moves. */
const CLIENT_SLIDERS = { '.client-shade': 'shade', '.client-density': 'densityPerCm2' };

/** The settings a suggestion from the photo sets (and that, once someone
 * chooses them, it leaves alone). */
const MATCHED = ['densityPerCm2', 'dotDiameterMm', 'shade'];

/** One element's controls. */
export class Controls {
  #ctx;
  /** Chosen for this photo in the controls (a new photo asks the photo again). */
  #chosenHere = false;
  /** The photo load that was the latest when the controls were last moved. */
  #chosenDuringLoad = -1;
  /** Chosen by a partner's preset or a script: kept for every photo. */
  chosenForGood = false;

  constructor(ctx) {
    this.#ctx = ctx;
    this.#wire();
  }

  /** (Re)builds the technician's controls from the settings table, in the
   * current language, and sets the client's slider ranges. */
  build() {
    const { $, schema, t } = this.#ctx;
    for (const [sel, names] of Object.entries(SECTIONS)) {
      const box = $(sel);
      box.replaceChildren();
      for (const name of names) {
        const s = schema.find((x) => x.name === name);
        if (s) box.append(this.#control(s, t));
      }
    }
    for (const [sel, name] of Object.entries(CLIENT_SLIDERS)) {
      const s = schema.find((x) => x.name === name);
      Object.assign($(sel), { min: s.min, max: s.max, step: s.step });
    }
    this.sync();
  }

  #control(s, t) {
    const wrap = document.createElement('div');
    wrap.className = 'control';
    const id = `smp-${s.name}`;
    const row = document.createElement('div');
    row.className = 'row';
    const label = document.createElement('label');
    label.htmlFor = id;
    label.textContent = t(s.label);
    row.append(label);
    let input;
    if (s.choices.length) {
      input = document.createElement('select');
      for (const c of s.choices) input.append(new Option(t(CHOICE_LABELS[c] ?? c), c));
    } else {
      input = document.createElement('input');
      Object.assign(input, { type: 'range', min: s.min, max: s.max, step: s.step });
      const out = document.createElement('output');
      out.htmlFor = id;
      row.append(out);
    }
    input.id = id;
    input.dataset.setting = s.name;
    input.title = s.help;
    input.addEventListener(s.choices.length ? 'change' : 'input', () => this.set(s, s.choices.length ? input.value : Number(input.value)));
    wrap.append(row, input);
    if (s.stops?.length) {
      // The shade stops a technician knows, as ticks on the slider.
      const ticks = document.createElement('datalist');
      ticks.id = `${id}-stops`;
      for (const stop of s.stops) ticks.append(new Option(t(`stop ${stop.stop}`), String(stop.shade)));
      input.setAttribute('list', ticks.id);
      wrap.append(ticks);
    }
    return wrap;
  }

  /** A control moved: the engine takes the value, the frame follows at the
   * next animation frame. */
  set(spec, value) {
    if (MATCHED.includes(spec.name)) this.#chosen();
    let values;
    try {
      // The engine answers with every setting: no second call to show them.
      values = this.#ctx.engine.setSettingsByName([spec.name], [value]);
    } catch (e) {
      this.#ctx.report(asSmpError(e));
      return;
    }
    this.sync(settingsFrom(values, this.#ctx.schema));
    this.#ctx.view.scheduleRender(true);
  }

  /** Shows the engine's current settings (`values`, read from it when not
   * given) in every control. Only what differs is written: a text written
   * again, even the same, makes the browser lay the panel out and paint it
   * again, on the frame a setting change waits for. */
  sync(values = this.#ctx.host.settings) {
    const { root, schema, t } = this.#ctx;
    for (const input of root.querySelectorAll('[data-setting]')) {
      const s = schema.find((x) => x.name === input.dataset.setting);
      const v = values[s.name];
      setValue(input, String(v));
      if (s.choices.length) continue;
      const stop = s.stops?.find((x) => Math.abs(x.shade - v) < 1e-9);
      const named = stop ? ` · ${t('stop {stop} ({hair} hair)', { stop: stop.stop, hair: t(stop.hair) })}` : '';
      const text = `${Number(v.toFixed(2))}${s.unit ? ` ${t(s.unit)}` : ''}${named}`;
      const output = input.parentElement.querySelector('output');
      if (output.textContent !== text) output.textContent = text;
      if (input.getAttribute('aria-valuetext') !== text) input.setAttribute('aria-valuetext', text);
    }
    for (const [sel, name] of Object.entries(CLIENT_SLIDERS)) setValue(root.querySelector(sel), String(values[name]));
    for (const radio of root.querySelectorAll('.looks input')) {
      const on = radio.value === values.mode;
      if (radio.checked !== on) radio.checked = on;
    }
  }

  /** Settings were chosen by a script or a partner's preset: a photo's
   * suggestion no longer changes them. */
  chosenByScript(names) {
    if (names.some((n) => MATCHED.includes(n))) this.chosenForGood = true;
  }

  #chosen() {
    this.#chosenHere = true;
    this.#chosenDuringLoad = this.#ctx.loads();
    this.#showMatched(false);
  }

  #showMatched(on) {
    for (const note of this.#ctx.root.querySelectorAll('.matched')) note.hidden = !on;
  }

  /** A new photo: what was chosen in the controls was for the last one,
   * unless it was chosen while this one was on its way (the last value
   * a person gave wins over the photo's suggestion). */
  newPhoto() {
    this.#chosenHere = this.#chosenHere && this.#chosenDuringLoad === this.#ctx.loads();
    this.#showMatched(false);
  }

  /** Sets the shade, dot size and density the engine suggests from this
   * photo's hair and skin (or `json`, the worker's suggestion for it),
   * unless someone chose them; says so. */
  matchToPhoto(json = null) {
    if (this.chosenForGood || this.#chosenHere) return;
    const { engine, $ } = this.#ctx;
    const suggestion = JSON.parse(json ?? engine.suggestSettings());
    try {
      engine.setSettings(MATCHED, Float64Array.from(MATCHED, (n) => suggestion[n]));
    } catch (e) {
      this.#ctx.report(asSmpError(e));
      return;
    }
    this.sync();
    this.#ctx.view.scheduleRender(true);
    this.#showMatched(true);
    $('.matched-reason').textContent = suggestion.reason;
  }

  /** A partner's `preset` attribute: applied without a message (the person
   * has not done anything yet); a wrong name is still reported. */
  applyPresetQuietly(name) {
    const host = this.#ctx.host;
    const preset = host.presets.find((p) => p.name === name);
    if (!preset) host.applyPreset(name).catch(() => {});
    else host.setSettings(preset.settings).catch(() => {});
  }

  /** Fills the preset menu, grouped, in the current language. */
  fillPresets() {
    const { $, t } = this.#ctx;
    const select = $('.preset');
    select.replaceChildren(new Option(t('Choose…'), ''));
    const groups = new Map();
    for (const p of this.#ctx.host.presets) {
      if (!groups.has(p.group)) {
        const g = document.createElement('optgroup');
        g.label = t(p.group);
        groups.set(p.group, g);
        select.append(g);
      }
      groups.get(p.group).append(new Option(t(p.name), p.name));
    }
  }

  #wire() {
    const { $, root } = this.#ctx;
    const spec = (name) => this.#ctx.schema.find((s) => s.name === name);
    for (const [sel, name] of Object.entries(CLIENT_SLIDERS)) {
      $(sel).addEventListener('input', (e) => this.set(spec(name), Number(e.target.value)));
    }
    for (const radio of root.querySelectorAll('.looks input')) {
      radio.addEventListener('change', () => radio.checked && this.set(spec('mode'), radio.value));
    }
    $('.preset').addEventListener('change', (e) => {
      const name = e.target.value;
      e.target.value = '';
      if (name) this.#ctx.host.applyPreset(name).catch(() => {});
    });
    $('.save-preset').addEventListener('click', () => {
      $('.preset-form').hidden = false;
      $('.preset-name').focus();
    });
    $('.preset-cancel').addEventListener('click', () => {
      $('.preset-form').hidden = true;
    });
    $('.preset-form').addEventListener('submit', (e) => {
      e.preventDefault();
      try {
        const p = this.#ctx.host.savePreset($('.preset-name').value);
        $('.preset-form').hidden = true;
        $('.preset-name').value = '';
        this.#ctx.say('Preset “{name}” saved in this browser.', { values: { name: p.name } });
      } catch {
        // reported by savePreset
      }
    });
    $('.save-settings').addEventListener('click', () => {
      const blob = new Blob([JSON.stringify(this.#ctx.host.settingsRecord(), null, 2)], { type: 'application/json' });
      saveBlob(root, blob, 'smp-settings.json');
    });
    $('.settings-file').addEventListener('change', (e) => {
      const file = e.target.files?.[0];
      e.target.value = '';
      if (file) this.#ctx.host.loadSettings(file).catch(() => {});
    });
  }
}

/** Sets a control's value only when it differs (see `sync`). */
function setValue(input, value) {
  if (input.value !== value) input.value = value;
}
