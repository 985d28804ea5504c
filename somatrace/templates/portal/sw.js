// The portal's service worker (scope /portal/): keeps the portal's shell so that it opens
// offline. Pages with client data are never cached: a page asked for offline gets the
// offline page, and the apps' own scripts (journal) keep what the client writes offline.
// The pages that work offline (PAGES: the journal's writer, which holds no client record)
// are kept as last fetched with the client signed in, and opened in their place offline.
const CACHE = "somatrace-portal-{{ version }}";
const SHELL = {{ assets|safe }};
const PAGES = {{ pages|safe }};
const OFFLINE = "{% url 'portal_offline' %}";

self.addEventListener("install", (event) => {
  event.waitUntil(caches.open(CACHE).then((cache) => cache.addAll(SHELL)).then(() => self.skipWaiting()));
});

self.addEventListener("activate", (event) => {
  event.waitUntil(
    caches.keys()
      .then((keys) => Promise.all(keys.filter((k) => k.startsWith("somatrace-portal-") && k !== CACHE).map((k) => caches.delete(k))))
      .then(() => self.clients.claim())
  );
});

self.addEventListener("fetch", (event) => {
  const request = event.request;
  if (request.method !== "GET") return;
  const url = new URL(request.url);
  if (url.origin === location.origin && PAGES.includes(url.pathname)) {
    event.respondWith(
      fetch(request)
        .then((response) => {
          // Only the page itself: a redirect (to sign in) or an error is not kept.
          if (response.ok && !response.redirected) {
            const copy = response.clone();
            caches.open(CACHE).then((cache) => cache.put(url.pathname, copy));
          }
          return response;
        })
        .catch(() => caches.match(url.pathname).then((hit) => hit || caches.match(OFFLINE))),
    );
    return;
  }
  if (request.mode === "navigate") {
    event.respondWith(fetch(request).catch(() => caches.match(OFFLINE)));
    return;
  }
  if (url.origin === location.origin && SHELL.includes(url.pathname)) {
    event.respondWith(caches.match(request).then((hit) => hit || fetch(request)));
  }
});
