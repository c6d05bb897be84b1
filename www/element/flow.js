// The way through: which screen shows (photo, area, result), the browser's
// Back and Forward between them, the step guide, messages where the eye is,
// and the buttons that move a person on (photo inputs, looks right, adjust,
// download, share, the partner's call to action).

import { SmpError } from './engine-client.js';
import { canShareFiles, exportFileName, saveBlob } from './export-image.js';

let instances = 0;
/** How long an information message stays over the photo, in ms. */
const MESSAGE_MS = 6000;

/** One element's way through. */
export class Flow {
  #ctx;
  /** `photo`, `area` or `result` (the technician's bench is `result`). */
  screen = 'photo';
  /** The area was proposed and nothing was found. */
  #nothingFound = false;
  /** This element's key in `history.state`. */
  #key = `smp-visualiser-${++instances}`;
  #pushed = false;
  #fadeTimer = 0;
  #onPopState = (e) => this.#popState(e);

  constructor(ctx) {
    this.#ctx = ctx;
    this.#wire();
  }

  connect() {
    window.addEventListener('popstate', this.#onPopState);
  }

  disconnect() {
    window.removeEventListener('popstate', this.#onPopState);
  }

  /** Shows `screen`; a new screen becomes a step the browser's Back returns from. */
  go(screen, { push = true } = {}) {
    const { $, host } = this.#ctx;
    const hasPhoto = host.hasPhoto;
    if (screen !== 'photo' && !hasPhoto) screen = 'photo';
    if (!this.isClient && screen === 'area') screen = 'result';
    const changed = screen !== this.screen;
    this.screen = screen;
    $('.app').dataset.screen = screen;
    $('.start').hidden = screen !== 'photo';
    $('.work').hidden = screen === 'photo';
    $('.continue').hidden = !hasPhoto;
    $('.sample').hidden = hasPhoto && this.isClient;
    if (changed && this.isClient) {
      // Touch scrolls again on every new screen: drawing is picked per screen.
      this.#ctx.tools.select('compare', { say: false });
      this.#setAdjusting(screen === 'area' && this.#nothingFound);
    }
    this.#placeStatus();
    this.update();
    this.#ctx.view.refreshOverlay();
    // Keyboard and screen-reader users land on the new screen's words, not
    // on a control that has just disappeared.
    if (changed && this.#ctx.root.activeElement) {
      (screen === 'photo' ? $('.start h2') : $('.step-hint')).focus({ preventScroll: true });
    }
    if (changed && push) {
      history.pushState({ ...(history.state ?? {}), [this.#key]: screen }, '');
      this.#pushed = true;
    }
  }

  get isClient() {
    return this.#ctx.$('.app').dataset.controls === 'client';
  }

  /** Whether the area's tint shows: the technician's choice; for a client
   * only while the area is being checked (the result's before is clean). */
  get showArea() {
    return this.isClient ? this.screen === 'area' : this.#ctx.$('.show-area').checked;
  }

  /** After a photo loaded: with `findArea`, its area is proposed at once,
   * so the first after-image needs no tap (nothing found is no error here:
   * the person is asked to paint); a reduced photo says so last. */
  async afterLoad(loaded, findArea, first = null) {
    if (findArea && first?.prepared) {
      // The worker proposed the area and matched the look (photo-load.js).
      this.say('');
      if (first.detectError) this.#ctx.report(first.detectError);
      this.#proposed(first.found);
    } else if (findArea) {
      let found = true;
      try {
        await this.#ctx.tools.detect([], false, { quiet: true });
      } catch (e) {
        found = false;
        if (e.code !== 'no-bald-scalp') this.#ctx.report(e);
      }
      // The first after-image is already matched to this person's hair.
      this.#ctx.controls.matchToPhoto();
      this.#proposed(found);
    }
    if (!loaded.reducedFrom) return;
    const { width, height } = loaded.reducedFrom;
    this.say('This photo is {original} pixels; it was reduced to {reduced}, the most this tool works with.', {
      stay: true,
      values: { original: `${width}×${height}`, reduced: `${loaded.width}×${loaded.height}` },
    });
  }

  #proposed(found) {
    this.#nothingFound = !found;
    this.go(this.isClient ? 'area' : 'result');
    if (found) return;
    this.say('We could not find a bald patch on this photo. Paint over the thin area with your finger or mouse.', { stay: true });
    if (this.isClient) {
      this.#setAdjusting(true);
      this.#ctx.tools.select('paint', { say: false });
    }
  }

  /** The step guide and the hint above the photo, for where the person is. */
  update() {
    const { root, $, t, host } = this.#ctx;
    let step = this.screen;
    if (!this.isClient && step === 'result' && !host.hasArea) step = 'area';
    for (const li of root.querySelectorAll('.steps li')) {
      if (li.dataset.step === step) li.setAttribute('aria-current', 'step');
      else li.removeAttribute('aria-current');
    }
    let hint = '';
    if (this.isClient && step === 'area') {
      hint = this.#nothingFound || !host.hasArea ? 'Paint over the thin or bald area, or tap a patch to add it.' : 'We marked the thin or bald area in orange. Does it look right?';
    } else if (this.isClient && step === 'result') hint = 'Drag the line across the photo to compare before and after.';
    else if (step === 'area') hint = 'Mark the thin or bald area: find it, tap a patch, or paint it.';
    else if (step === 'result') hint = 'Drag the divider to compare before and after. Adjust the look with the controls.';
    $('.step-hint').textContent = t(hint);
    $('.accept').disabled = !host.hasArea;
  }

  /** Shows a message where the eye is: over the photo, or on the photo
   * screen beside the photo buttons; announced to screen readers. Errors
   * (and `stay`) stay until the next message. */
  say(text, { error = false, values = {}, stay = false } = {}) {
    const s = this.#ctx.$('.status');
    clearTimeout(this.#fadeTimer);
    this.#placeStatus();
    s.textContent = text ? this.#ctx.t(text, values) : '';
    s.classList.toggle('error', error);
    s.classList.remove('faded');
    if (text && !error && !stay) this.#fadeTimer = setTimeout(() => s.classList.add('faded'), MESSAGE_MS);
    // An error wholly out of view is brought into view; other messages do
    // not move the page under the person's finger.
    if (!text || !error) return;
    const r = s.getBoundingClientRect();
    if (r.height && (r.bottom < 0 || r.top > innerHeight)) s.scrollIntoView({ block: 'nearest' });
  }

  #placeStatus() {
    const { $ } = this.#ctx;
    const slot = this.screen === 'photo' ? $('.start') : $('.stage-wrap');
    const s = $('.status');
    if (s.parentElement !== slot) slot.append(s);
  }

  #setAdjusting(on) {
    const { $ } = this.#ctx;
    $('.adjust').setAttribute('aria-expanded', String(on));
    $('.adjust-slot').hidden = !on;
    if (!on && this.isClient) this.#ctx.tools.select('compare', { say: false });
  }

  #popState(e) {
    if (!this.#pushed) return;
    const screen = e.state?.[this.#key] ?? 'photo';
    this.go(screen, { push: false });
  }

  /** Moves the bench's area tools to where this mode uses them: the
   * technician's Area section, or under the client's photo while adjusting. */
  placeTools() {
    const { $ } = this.#ctx;
    const slot = this.isClient ? $('.adjust-slot') : $('.area-section');
    const tools = $('.area-section .tools, .adjust-slot .tools');
    if (tools.parentElement !== slot) slot.append(tools);
    this.go(this.screen, { push: false });
  }

  /** Loads a photo the person chose and proposes its area at once. */
  async #take(file) {
    try {
      await this.#ctx.host.loadImage(file, { findArea: true });
    } catch {
      // reported by loadImage; the earlier photo and area stay
    }
  }

  /** Takes a pasted image when this element is the one being used: it has
   * the focus, or nothing else on the page has it (then only the page's
   * first element takes it). A paste into the host page's own text box, or
   * one another element took, is left alone. */
  paste(e) {
    const host = this.#ctx.host;
    if (e.defaultPrevented) return;
    const active = document.activeElement;
    const nothingFocused = !active || active === document.body || active === document.documentElement;
    const mine = host.matches(':focus-within') || (nothingFocused && document.querySelector('smp-visualiser') === host);
    const file = [...(e.clipboardData?.files ?? [])].find((f) => f.type.startsWith('image/'));
    if (!mine || !file) return;
    e.preventDefault();
    this.#take(file);
  }

  async #download() {
    const layout = this.#ctx.$('.layout').value;
    try {
      this.say('Preparing your image…');
      const blob = await this.#ctx.host.exportImage({ type: 'image/png', layout });
      saveBlob(this.#ctx.root, blob, exportFileName(layout));
      this.say('Image saved to your downloads.');
    } catch {
      // reported by exportImage
    }
  }

  /** Shares the image through the device's share sheet (Web Share). */
  async #share() {
    const layout = this.#ctx.$('.layout').value;
    try {
      const blob = await this.#ctx.host.exportImage({ type: 'image/png', layout });
      const file = new File([blob], exportFileName(layout), { type: 'image/png' });
      await navigator.share({ files: [file], title: this.#ctx.t('Scalp micropigmentation simulation') });
    } catch (e) {
      if (e?.name !== 'AbortError' && !(e instanceof SmpError)) {
        this.#ctx.report(new SmpError('share-failed', this.#ctx.t('Sharing is not available here; use Download instead.')));
      }
    }
  }

  /** The engine could not start: nothing that needs it can be used. */
  unavailable() {
    const { root, $ } = this.#ctx;
    $('.app').dataset.unavailable = '';
    for (const c of root.querySelectorAll('button, input, select')) c.disabled = true;
  }

  /** Shows Share only where the device can share files. */
  checkShare() {
    this.#ctx.$('.share').hidden = !canShareFiles();
  }

  #wire() {
    const { $, host } = this.#ctx;
    for (const input of [$('.photo-file'), $('.camera-file')]) {
      input.addEventListener('change', () => {
        const file = input.files?.[0];
        input.value = '';
        if (file) this.#take(file);
      });
    }
    for (const zone of [$('.start'), $('.stage')]) {
      zone.addEventListener('dragover', (e) => {
        if (![...(e.dataTransfer?.types ?? [])].includes('Files')) return;
        e.preventDefault();
        zone.classList.add('dragging');
      });
      zone.addEventListener('dragleave', () => zone.classList.remove('dragging'));
      zone.addEventListener('drop', (e) => {
        zone.classList.remove('dragging');
        const file = e.dataTransfer?.files?.[0];
        if (!file) return;
        e.preventDefault();
        this.#take(file);
      });
    }
    $('.sample').addEventListener('click', () => host.loadSample({ findArea: true }).catch(() => {}));
    $('.continue').addEventListener('click', () => this.go(this.isClient ? 'area' : 'result'));
    $('.new-photo').addEventListener('click', () => $('.photo-file').click());
    $('.accept').addEventListener('click', () => this.go('result'));
    $('.adjust').addEventListener('click', () => {
      const on = $('.adjust').getAttribute('aria-expanded') !== 'true';
      this.#setAdjusting(on);
      if (on) this.#ctx.tools.select('paint');
    });
    $('.change-area').addEventListener('click', () => this.go('area'));
    $('.download').addEventListener('click', () => this.#download());
    $('.share').addEventListener('click', () => this.#share());
    const cta = $('.cta');
    const fireCta = (e) => {
      const go = host.dispatchEvent(new CustomEvent('smp-cta', { bubbles: true, composed: true, cancelable: true, detail: { settings: host.settings } }));
      if (!go || !cta.href) e.preventDefault();
    };
    cta.addEventListener('click', fireCta);
    cta.addEventListener('keydown', (e) => {
      if (!cta.href && (e.key === 'Enter' || e.key === ' ')) fireCta(e);
    });
  }
}
