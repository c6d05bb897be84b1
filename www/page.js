// The host page's own script. (No inline script, so the page's
// Content-Security-Policy can forbid it.)
//
// Who is visiting: "I'm considering SMP" shows the client's three guided
// screens, "I'm a technician" every control. The choice is kept in the
// address (?for=technician) so a consultation room can bookmark it, and
// switching keeps the photo and area.
const el = document.querySelector('smp-visualiser');
const buttons = document.querySelectorAll('.audience button');
function choose(audience, { remember = true } = {}) {
  const mode = audience === 'technician' ? 'technician' : 'client';
  el.setAttribute('controls', mode);
  for (const b of buttons) b.setAttribute('aria-pressed', String(b.dataset.for === mode));
  if (!remember) return;
  const url = new URL(location.href);
  url.searchParams.set('for', mode);
  history.replaceState(history.state, '', url);
}
for (const b of buttons) b.addEventListener('click', () => choose(b.dataset.for));
choose(new URLSearchParams(location.search).get('for'), { remember: false });

// Offline support for consultations.
if ('serviceWorker' in navigator) {
  navigator.serviceWorker
    .register('sw.js')
    .then(async () => {
      // Online: let the worker keep this build (it replaces an older one whole).
      const worker = (await navigator.serviceWorker.ready).active;
      if (navigator.onLine) worker?.postMessage({ type: 'refresh' });
    })
    .catch(() => {
      // Without a service worker the app still works online.
    });
}
