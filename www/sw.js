// Offline support for the app's own page: once visited, it loads and works
// with no network (consultation rooms often have no Wi-Fi). The element
// itself never registers this: a partner's page owns its own service worker.
//
// What is kept: exactly the files of www/files.json, as one set under a name
// that carries the build's version (pkg/version.txt, a hash of the files), so
// new JavaScript never meets old wasm. A new set is fetched whole into a new
// cache and only then replaces the old one. Nothing else is ever stored: not
// a page with a query (which could carry a client's name), not any other
// same-origin request. Online, requests go to the network; offline, the kept
// set answers its own files only (the app page, with any query, gets the
// kept page).
const PREFIX = 'smp-visualiser-';

/** Fetches the current build's list and version and keeps them as one set,
 * unless that version is kept already. Resolves with the cache's name. */
async function keepCurrentBuild() {
  const fresh = (path) =>
    fetch(path, { cache: 'no-store' }).then((r) => {
      if (!r.ok) throw new Error(`${path}: ${r.status}`);
      return r;
    });
  const version = (await (await fresh('pkg/version.txt')).text()).trim();
  const name = PREFIX + version;
  // A kept set is complete once its version file is in it (copied last).
  if (await caches.has(name) && (await (await caches.open(name)).match(new URL('pkg/version.txt', self.registration.scope).href))) return name;
  const list = await (await fresh('files.json')).json();
  const paths = ['files.json', 'pkg/version.txt', ...list.page, ...list.element];
  // Each body goes into a staging cache as it arrives (holding unread
  // responses would stall the browser's few connections to the server).
  const cache = await caches.open(`${name}-incomplete`);
  await Promise.all(paths.map(async (p) => cache.put(new URL(p, self.registration.scope).href, await fresh(p))));
  // Complete: copy under the real name, in one step for readers.
  const done = await caches.open(name);
  const requests = (await cache.keys()).sort((a, b) => a.url.endsWith('/pkg/version.txt') - b.url.endsWith('/pkg/version.txt'));
  for (const request of requests) await done.put(request, await cache.match(request));
  await caches.delete(`${name}-incomplete`);
  for (const key of await caches.keys()) if (key.startsWith(PREFIX) && key !== name) await caches.delete(key);
  return name;
}

self.addEventListener('install', (event) => {
  event.waitUntil(keepCurrentBuild().then(() => self.skipWaiting()));
});

self.addEventListener('activate', (event) => {
  event.waitUntil(self.clients.claim());
});

// The page asks after each online load: a newer build replaces the kept one.
self.addEventListener('message', (event) => {
  if (event.data?.type === 'refresh') event.waitUntil(keepCurrentBuild().catch(() => {}));
});

self.addEventListener('fetch', (event) => {
  const request = event.request;
  const url = new URL(request.url);
  if (request.method !== 'GET' || url.origin !== self.location.origin) return;
  event.respondWith(
    fetch(request).catch(async () => {
      const kept = (await caches.keys()).find((k) => k.startsWith(PREFIX) && !k.endsWith('-incomplete'));
      if (!kept) throw new Error('offline, and nothing kept');
      const cache = await caches.open(kept);
      // The app page itself answers for any query; every other file only
      // for its own exact address.
      const scope = new URL(self.registration.scope);
      const isAppPage = request.mode === 'navigate' && (url.pathname === scope.pathname || url.pathname === `${scope.pathname}index.html`);
      const answer = await cache.match(isAppPage ? scope.href : request.url);
      if (!answer) throw new Error('offline, and not kept');
      return answer;
    }),
  );
});
