// The till's service worker: keeps the page's files so the screen opens even while the till process
// restarts. The cart and sales are never cached here: they live in the till's database (/api/ is
// never touched). The till stamps the cache name with a hash of its files at build.
'use strict';
const CACHE = 'posbridge-till-__VERSION__';
const SHELL = ['/', '/app.css', '/app.js', '/manifest.webmanifest', '/icon.svg'];

self.addEventListener('install', (event) => {
  event.waitUntil(caches.open(CACHE).then((cache) => cache.addAll(SHELL)).then(() => self.skipWaiting()));
});

self.addEventListener('activate', (event) => {
  event.waitUntil(caches.keys()
    .then((keys) => Promise.all(keys.filter((k) => k.startsWith('posbridge-till-') && k !== CACHE).map((k) => caches.delete(k))))
    .then(() => self.clients.claim()));
});

self.addEventListener('fetch', (event) => {
  const url = new URL(event.request.url);
  if (event.request.method !== 'GET' || url.origin !== self.location.origin || url.pathname.startsWith('/api/')) return;
  // Network first: the till on this device serves the newest page; the cache covers a restart.
  event.respondWith(fetch(event.request)
    .then((response) => {
      if (response.ok) { const copy = response.clone(); caches.open(CACHE).then((cache) => cache.put(event.request, copy)); }
      return response;
    })
    .catch(() => caches.match(event.request).then((hit) => hit || caches.match('/'))));
});
