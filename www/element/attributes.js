// A partner's look and call to action, set by attributes on the element:
// `cta-label`, `cta-href`, `accent`, `logo`, `logo-alt` (the shell handles
// the attributes that reach into its state: preset, lang, controls).

/** Link schemes a call to action may use: a page, a mail, a phone call. */
const LINK_SCHEMES = ['https:', 'http:', 'mailto:', 'tel:'];

/** `href` as an absolute URL when its scheme is one of LINK_SCHEMES, else
 * null (a `javascript:` or `data:` link is never set). */
export function safeLink(href) {
  if (!href) return null;
  try {
    const url = new URL(href, document.baseURI);
    return LINK_SCHEMES.includes(url.protocol) ? url.href : null;
  } catch {
    return null;
  }
}

/** Applies one of the attributes above to the element's shadow tree. */
export function applyAttribute(host, name) {
  const $ = (sel) => host.shadowRoot.querySelector(sel);
  const value = host.getAttribute(name);
  if (name === 'cta-label' || name === 'cta-href') {
    const cta = $('.cta');
    const label = host.getAttribute('cta-label');
    const href = safeLink(host.getAttribute('cta-href') ?? '');
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
    let src;
    try {
      src = host.getAttribute('logo') ? new URL(host.getAttribute('logo'), document.baseURI).href : null;
    } catch {
      src = null; // not a URL: no logo rather than an exception in the partner's page
    }
    img.hidden = !src;
    if (src) img.src = src;
    else img.removeAttribute('src');
    img.alt = host.getAttribute('logo-alt') ?? '';
  }
}
