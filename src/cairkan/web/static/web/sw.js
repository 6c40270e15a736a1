/* Cairkan's service worker (issue 14.8; docs/operating.md, "The installable app").
   Served at /sw.js (scope: the whole site) with VERSION and PRECACHED filled in by the
   server: VERSION is a hash of this script and of every precached file, so any change
   installs a new worker, which drops the caches of the old one.

   - Precached: the offline page, the stylesheet, the scripts and the icons.
   - Member pages: from the network first. Those the server marks Cairkan-Offline-Keep
     (the account page, the claim's status, the wizard's questions) are kept under the
     login's name (Cairkan-Offline-Session, an HMAC of the session key) and shown offline
     until the session would have expired. A page of another login, or of nobody, makes
     the worker forget them at once.
   - /kantor/, /admin/ and /api/ are never looked at, let alone kept.
   - Saves of wizard steps made offline wait in IndexedDB and are sent when the
     connection returns (Background Sync, or the page's "online" event), once: the server
     recognises a save sent again. */
"use strict";
var VERSION = "__VERSION__";
var PRECACHED = ["__PRECACHED__"];
var SHELL = "cairkan-shell-" + VERSION;
var MEMBER = "cairkan-member-";
var SESSION_META = "/__cairkan/session";
var OFFLINE_URL = PRECACHED[0];
var NEVER = ["/kantor/", "/admin/", "/api/"];
var QUEUE = "cairkan-queue";

function never(url) {
  return url.origin !== self.location.origin ||
    NEVER.some(function (prefix) { return url.pathname.indexOf(prefix) === 0; });
}

self.addEventListener("install", function (event) {
  event.waitUntil(caches.open(SHELL)
    .then(function (cache) { return cache.addAll(PRECACHED); })
    .then(function () { return self.skipWaiting(); }));
});

self.addEventListener("activate", function (event) {
  // Pages kept by an older version may name files that are gone: drop them too.
  event.waitUntil(caches.keys()
    .then(function (names) {
      return Promise.all(names.filter(function (name) { return name !== SHELL; })
        .map(function (name) { return caches.delete(name); }));
    })
    .then(function () { return self.clients.claim(); }));
});

/* --- the member's pages, under their login ------------------------------------------ */
function memberCacheName() {
  return caches.keys().then(function (names) {
    return names.filter(function (name) { return name.indexOf(MEMBER) === 0; })[0] || null;
  });
}

function currentSession() {
  return memberCacheName().then(function (name) { return name ? name.slice(MEMBER.length) : "none"; });
}

function forgetAllBut(session) {
  return caches.keys().then(function (names) {
    return Promise.all(names.filter(function (name) {
      return name.indexOf(MEMBER) === 0 && name !== MEMBER + session;
    }).map(function (name) { return caches.delete(name); }));
  });
}

function parseSession(header) {
  var parts = header.split(";");
  var maxAge = /max-age=(\d+)/.exec(header);
  return { name: parts[0].trim(), seconds: maxAge ? Number(maxAge[1]) : 0 };
}

function remember(request, response) {
  var header = response.headers.get("Cairkan-Offline-Session");
  if (!header) return Promise.resolve();  // not a page of ours (a redirect, a file)
  var session = parseSession(header);
  return forgetAllBut(session.name).then(function () {
    if (session.name === "none" || !session.seconds) return null;
    return caches.open(MEMBER + session.name).then(function (cache) {
      var until = Date.now() + session.seconds * 1000;  // the server's idle timeout
      var writes = [cache.put(SESSION_META, new Response(JSON.stringify({ until: until })))];
      if (response.ok && response.headers.get("Cairkan-Offline-Keep")) {
        writes.push(cache.put(request.url, response));
      }
      return Promise.all(writes);
    });
  });
}

/* A kept page says so on its <body>, so that app.js tells the member it is not live. */
function marked(kept) {
  if (!kept) return null;
  return kept.text().then(function (html) {
    var headers = new Headers(kept.headers);
    headers.delete("Content-Length");  // the body grew by the mark
    return new Response(html.replace("<body", "<body data-kept-offline"), {
      status: kept.status, headers: headers,
    });
  });
}

function fromPhone(request) {
  return memberCacheName().then(function (name) {
    if (!name) return null;
    return caches.open(name).then(function (cache) {
      return cache.match(SESSION_META)
        .then(function (meta) { return meta ? meta.json() : null; })
        .then(function (meta) {
          if (!meta || meta.until < Date.now()) {  // the session is over: forget it
            return caches.delete(name).then(function () { return null; });
          }
          return cache.match(request.url).then(marked);
        });
    });
  }).then(function (kept) {
    return kept || caches.match(OFFLINE_URL).then(function (page) { return page || Response.error(); });
  });
}

self.addEventListener("fetch", function (event) {
  var request = event.request;
  if (request.method !== "GET") return;
  var url = new URL(request.url);
  if (never(url)) return;
  if (request.mode === "navigate") {
    event.respondWith(fetch(request).then(function (response) {
      event.waitUntil(remember(request, response.clone()));
      return response;
    }, function () { return fromPhone(request); }));
    return;
  }
  if (PRECACHED.indexOf(url.pathname) !== -1) {
    event.respondWith(caches.match(request).then(function (hit) { return hit || fetch(request); }));
  }
});

/* --- saves made offline --------------------------------------------------------------- */
function queue(mode, work) {
  return new Promise(function (resolve, reject) {
    var opening = indexedDB.open(QUEUE, 1);
    opening.onupgradeneeded = function () { opening.result.createObjectStore("saves", { keyPath: "id" }); };
    opening.onerror = function () { reject(opening.error); };
    opening.onsuccess = function () {
      var db = opening.result;
      var tx = db.transaction("saves", mode);
      var asked = work(tx.objectStore("saves"));
      tx.oncomplete = function () { db.close(); resolve(asked ? asked.result : undefined); };
      tx.onerror = tx.onabort = function () { db.close(); reject(tx.error); };
    };
  });
}

function tell(save, outcome, url) {
  return self.clients.matchAll({ type: "window" }).then(function (windows) {
    windows.forEach(function (client) {
      client.postMessage({ type: "cairkan-save", id: save.id, outcome: outcome, url: url });
    });
  });
}

function send(save) {
  return currentSession().then(function (session) {
    if (save.session !== session) {  // typed under another login: never sent as this one
      return queue("readwrite", function (store) { store.delete(save.id); })
        .then(function () { return tell(save, "refused", save.url); });
    }
    return fetch(save.url, {
      method: "POST",
      body: save.body,
      headers: { "Content-Type": "application/x-www-form-urlencoded" },
      credentials: "same-origin",
    }).then(function (response) {
      if (response.status >= 500) throw new Error("server error: sent again later");
      var landed = new URL(response.url);
      var outcome = "refused";  // the form's errors, a login or an expired form: the page shows them
      if (response.redirected && response.ok && landed.pathname !== new URL(save.url).pathname) {
        outcome = landed.pathname.indexOf("/masuk/") === 0 ? "refused" : "saved";
      } else if (response.redirected && response.ok) {
        outcome = "stale";  // changed elsewhere meanwhile: the page shows the newest answers
      }
      return queue("readwrite", function (store) { store.delete(save.id); })
        .then(function () { return tell(save, outcome, response.url); });
    });
  });
}

var flushing = null;
function flush() {
  if (flushing) return flushing;  // one sender at a time: a save goes once
  flushing = queue("readonly", function (store) { return store.getAll(); })
    .then(function (saves) {
      return (saves || []).reduce(function (chain, save) {
        return chain.then(function () { return send(save); });
      }, Promise.resolve());
    })
    .then(function () { flushing = null; }, function (error) { flushing = null; throw error; });
  return flushing;
}

self.addEventListener("message", function (event) {
  var data = event.data || {};
  if (data.type === "queue-save") {
    var url = new URL(data.url, self.location.origin);
    if (never(url)) return;
    event.waitUntil(currentSession().then(function (session) {
      var save = { id: String(data.id), url: url.href, body: String(data.body), session: session };
      return queue("readwrite", function (store) { store.put(save); });  // a newer save of a step replaces the older
    }).then(function () {
      if (event.source) event.source.postMessage({ type: "cairkan-queued", id: data.id });
    }));
  } else if (data.type === "flush") {
    event.waitUntil(flush().catch(function () { /* still offline: kept for later */ }));
  }
});

self.addEventListener("sync", function (event) {
  if (event.tag === "cairkan-saves") event.waitUntil(flush());  // a failure: the browser retries
});
