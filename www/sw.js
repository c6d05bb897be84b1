// Offline support for the app's own page: once visited, it loads and works
// with no network (consultation rooms often have no Wi-Fi). Network first,
// so a rebuilt app is picked up at once when online; the cache otherwise.
// The element itself never registers this: a partner's page owns its own
// service worker. Which files to keep comes from files.json, the one list.
const CACHE = 'smp-visualiser-v1';

self.addEventListener('install', (event) => {
  event.waitUntil(
    fetch('files.json')
      .then((r) => r.json())
      .then((list) => caches.open(CACHE).then((c) => c.addAll(['files.json', ...list.page, ...list.element])))
      .then(() => self.skipWaiting()),
  );
});

self.addEventListener('activate', (event) => {
  event.waitUntil(
    caches
      .keys()
      .then((keys) => Promise.all(keys.filter((k) => k !== CACHE).map((k) => caches.delete(k))))
      .then(() => self.clients.claim()),
  );
});

self.addEventListener('fetch', (event) => {
  const url = new URL(event.request.url);
  if (event.request.method !== 'GET' || url.origin !== self.location.origin) return;
  event.respondWith(
    fetch(event.request)
      .then((response) => {
        if (response.ok) {
          const copy = response.clone();
          caches.open(CACHE).then((c) => c.put(event.request, copy));
        }
        return response;
      })
      .catch(() => caches.match(event.request, { ignoreSearch: true })),
  );
});
