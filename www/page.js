// The host page's own script: offline support for consultations. (No inline
// script, so the page's Content-Security-Policy can forbid it.)
if ('serviceWorker' in navigator) {
  navigator.serviceWorker.register('sw.js').catch(() => {
    // Without a service worker the app still works online.
  });
}
