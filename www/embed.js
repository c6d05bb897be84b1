// The iframe embed page: the partner's iframe address configures the element,
// e.g. embed.html?controls=client&cta-label=Book%20a%20visit&cta-href=https://…
// Anyone can make such an address, so only the documented attributes below
// are taken, links only with a safe scheme (the element checks cta-href
// too), and nothing from the address is burned into an export (no
// disclaimer) or shown as a message (an unknown preset is dropped quietly).
const TAKEN = ['controls', 'accent', 'lang', 'cta-label', 'cta-href', 'logo', 'logo-alt', 'preset'];
const el = document.querySelector('smp-visualiser');
const query = new URLSearchParams(location.search);
for (const name of TAKEN) {
  const value = query.get(name);
  if (value === null || name === 'preset') continue;
  el.setAttribute(name, value.slice(0, 200));
}
// A preset only when it is one of the engine's (known once it is loaded).
const preset = query.get('preset');
if (preset !== null) {
  customElements
    .whenDefined('smp-visualiser')
    .then(() => el.ready)
    .then(() => {
      if (el.presets.some((p) => p.name === preset)) el.setAttribute('preset', preset);
    }, () => {});
}
