// The iframe embed page: the partner's iframe address configures the element,
// e.g. embed.html?controls=client&cta-label=Book%20a%20visit&cta-href=https://…
// Anyone can make such an address, so only the documented attributes below
// are taken, links only with a safe scheme (the element checks cta-href
// too), and nothing from the address is burned into an export (no
// disclaimer) or shown as a message (an unknown preset is dropped quietly).
import { BUILT_IN_PRESETS } from './element/presets.js';

const TAKEN = ['controls', 'accent', 'lang', 'cta-label', 'cta-href', 'logo', 'logo-alt', 'preset'];
const el = document.querySelector('smp-visualiser');
const query = new URLSearchParams(location.search);
for (const name of TAKEN) {
  const value = query.get(name);
  if (value === null) continue;
  if (name === 'preset' && !BUILT_IN_PRESETS.some((p) => p.name === value)) continue;
  el.setAttribute(name, value.slice(0, 200));
}
