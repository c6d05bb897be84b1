// A partner's look and call to action, set by attributes on the element:
// `cta-label`, `cta-href`, `accent`, `logo`, `logo-alt` (the shell handles
// the attributes that reach into its state: preset, lang, controls).

/** Applies one of the attributes above to the element's shadow tree. */
export function applyAttribute(host, name) {
  const $ = (sel) => host.shadowRoot.querySelector(sel);
  const value = host.getAttribute(name);
  if (name === 'cta-label' || name === 'cta-href') {
    const cta = $('.cta');
    const label = host.getAttribute('cta-label');
    const href = host.getAttribute('cta-href');
    cta.hidden = !label;
    cta.textContent = label ?? '';
    if (href) {
      Object.assign(cta, { href, target: '_blank', rel: 'noopener' });
      cta.removeAttribute('role');
    } else {
      cta.removeAttribute('href');
      cta.setAttribute('role', 'button');
      cta.tabIndex = 0;
    }
  } else if (name === 'accent') {
    if (value && CSS.supports('color', value)) host.style.setProperty('--smp-accent', value);
    else host.style.removeProperty('--smp-accent');
  } else if (name === 'logo' || name === 'logo-alt') {
    const img = $('.logo');
    const src = host.getAttribute('logo');
    img.hidden = !src;
    if (src) img.src = new URL(src, document.baseURI).href;
    img.alt = host.getAttribute('logo-alt') ?? '';
  }
}
