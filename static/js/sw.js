/* Portal KIM service worker (served from /sw.js, which puts KIM_VERSION, KIM_PRECACHE and
   KIM_OFFLINE in front of this file). Static files come from the cache (their URLs carry
   a content hash); pages always from the network, and when there is none, the offline
   page. Pages are never cached: they may carry someone's data. */
/* global self, caches, fetch, Request */
"use strict";
var CACHE = "kim-" + self.KIM_VERSION;

self.addEventListener("install", function (event) {
  event.waitUntil(caches.open(CACHE).then(function (cache) {
    return cache.addAll(self.KIM_PRECACHE.map(function (url) {
      return new Request(url, { credentials: "omit" });
    }));
  }).then(function () { return self.skipWaiting(); }));
});

self.addEventListener("activate", function (event) {
  event.waitUntil(caches.keys().then(function (names) {
    return Promise.all(names.filter(function (name) {
      return name.indexOf("kim-") === 0 && name !== CACHE;
    }).map(function (name) { return caches.delete(name); }));
  }).then(function () { return self.clients.claim(); }));
});

self.addEventListener("fetch", function (event) {
  var request = event.request;
  if (request.method !== "GET") { return; }
  var url = new URL(request.url);
  if (url.origin !== self.location.origin) { return; }
  if (request.mode === "navigate") {
    event.respondWith(fetch(request).catch(function () {
      return caches.match(self.KIM_OFFLINE);
    }));
  } else if (url.pathname.indexOf("/static/") === 0) {
    event.respondWith(caches.match(request).then(function (hit) {
      return hit || fetch(request);
    }));
  }
});
