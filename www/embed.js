// The iframe embed page: every query parameter becomes an attribute of the
// element, e.g. embed.html?cta-label=Book%20a%20visit&cta-href=https://…
const el = document.querySelector('smp-visualiser');
for (const [name, value] of new URLSearchParams(location.search)) {
  if (/^[a-z][a-z-]*$/.test(name)) el.setAttribute(name, value);
}
