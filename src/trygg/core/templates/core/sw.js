{% autoescape off %}// Trygg's service worker (rendered by trygg.core.pwa for this release). It keeps the shell — the static files of
// this release and the page shown without network — and the pages marked for use without network
// (X-Trygg-Offline: keep), network first. It never answers a POST: the page's script queues forms
// (offline-queue.js) and sends them when the network returns — the page while it is open, this worker on the
// browser's background sync when it is not. Pages are forgotten at logout.
"use strict";
const VERSION = "{{ version }}";
const SHELL = "trygg-shell-" + VERSION;
const PAGES = "trygg-pages";
const SHELL_URLS = {{ shell_json }};
const OFFLINE_URL = "{{ offline_url }}";
const STATIC_PREFIX = "{{ static_prefix }}";
const SESSION_URL = "{{ session_url }}";
importScripts("{{ queue_url }}");

self.addEventListener("install", function (event) {
  event.waitUntil(caches.open(SHELL).then(function (cache) { return cache.addAll(SHELL_URLS); })
    .then(function () { return self.skipWaiting(); }));
});

self.addEventListener("activate", function (event) {
  event.waitUntil(caches.keys().then(function (names) {
    return Promise.all(names.filter(function (name) { return name.startsWith("trygg-shell-") && name !== SHELL; })
      .map(function (name) { return caches.delete(name); }));
  }).then(function () { return self.clients.claim(); }));
});

function keepPage(request, response) {
  if (response.ok && response.headers.get("X-Trygg-Offline") === "keep") {
    const copy = response.clone();
    caches.open(PAGES).then(function (cache) { cache.put(request.url, copy); });
  }
  return response;
}

function pageWithoutNetwork(request) {
  return caches.open(PAGES).then(function (cache) {
    return cache.match(request.url).then(function (hit) {
      return hit || cache.match(request.url, { ignoreSearch: true });
    });
  }).then(function (hit) { return hit || caches.match(OFFLINE_URL); });
}

self.addEventListener("fetch", function (event) {
  const request = event.request;
  const url = new URL(request.url);
  if (request.method !== "GET" || url.origin !== self.location.origin) { return; }
  if (url.pathname.startsWith(STATIC_PREFIX)) {
    event.respondWith(caches.match(request).then(function (hit) {
      return hit || fetch(request).then(function (response) {
        if (response.ok) {
          const copy = response.clone();
          caches.open(SHELL).then(function (cache) { cache.put(request, copy); });
        }
        return response;
      });
    }));
    return;
  }
  if (request.mode === "navigate") {
    event.respondWith(fetch(request).then(function (response) { return keepPage(request, response); })
      .catch(function () { return pageWithoutNetwork(request); }));
  }
});

// Background sending: the kept forms of the user logged in on this browser, with a fresh form token; what
// could not be sent makes the sync fail, so that the browser tries again later.
function sendOutbox() {
  return fetch(SESSION_URL, { credentials: "same-origin", cache: "no-store" })
    .then(function (response) { return response.json(); })
    .then(function (session) {
      if (!session.user) { return null; }  // logged out: the forms wait for their reporter
      return self.TryggQueue.sendAll(session.user, session.csrf);
    })
    .then(function (outcome) {
      outcome = outcome || { sent: 0, waiting: 0 };
      return self.clients.matchAll().then(function (pages) {
        pages.forEach(function (page) { page.postMessage({ type: "outbox-changed", sent: outcome.sent }); });
        if (outcome.waiting) { throw new Error(outcome.waiting + " kept forms still wait"); }
      });
    });
}

self.addEventListener("sync", function (event) {
  if (event.tag === "trygg-outbox") { event.waitUntil(sendOutbox()); }
});

self.addEventListener("message", function (event) {
  const data = event.data || {};
  if (data.type === "send-outbox") {
    event.waitUntil(sendOutbox().catch(function () {}));
  } else if (data.type === "forget-pages") {
    event.waitUntil(caches.delete(PAGES));
  } else if (data.type === "keep-pages" && Array.isArray(data.urls)) {
    // warm the pages a reporter needs without network (the report form, my reports, today's walks)
    event.waitUntil(Promise.all(data.urls.map(function (path) {
      const request = new Request(new URL(path, self.location.origin).href, { credentials: "same-origin" });
      return fetch(request).then(function (response) { return keepPage(request, response); }).catch(function () {});
    })));
  }
});
{% endautoescape %}
