// The outbox on the phone: forms kept in IndexedDB while there is no network, each with the idempotency key made
// when the reporter pressed Send, and sent when the network returns. The server stores a key once
// (trygg.core.offline), so a form sent twice — the answer lost on the way back — is still stored once.
// Used by offline.js; no DOM here.
(function (global) {
  "use strict";
  var DB_NAME = "trygg-offline";
  var STORE = "outbox";

  function openDb() {
    return new Promise(function (resolve, reject) {
      var request = indexedDB.open(DB_NAME, 1);
      request.onupgradeneeded = function () {
        request.result.createObjectStore(STORE, { keyPath: "key" });
      };
      request.onsuccess = function () { resolve(request.result); };
      request.onerror = function () { reject(request.error); };
    });
  }

  function withStore(mode, work) {
    return openDb().then(function (db) {
      return new Promise(function (resolve, reject) {
        var tx = db.transaction(STORE, mode);
        var result = work(tx.objectStore(STORE));
        tx.oncomplete = function () { db.close(); resolve(result && result.result !== undefined ? result.result : result); };
        tx.onerror = function () { db.close(); reject(tx.error); };
        tx.onabort = function () { db.close(); reject(tx.error); };
      });
    });
  }

  function newKey() {
    if (global.crypto && global.crypto.randomUUID) { return global.crypto.randomUUID(); }
    var bytes = new Uint8Array(16);
    global.crypto.getRandomValues(bytes);
    return Array.prototype.map.call(bytes, function (b) { return ("0" + b.toString(16)).slice(-2); }).join("");
  }

  // A form as a list of [name, value] pairs; files stay Blobs (IndexedDB keeps them).
  function fieldsOf(formData) {
    var fields = [];
    formData.forEach(function (value, name) {
      if (value instanceof Blob && value.size === 0 && !value.name) { return; }
      if (typeof File !== "undefined" && value instanceof File && value.size === 0) { return; }
      fields.push([name, value]);
    });
    return fields;
  }

  function bodyOf(item, csrfToken) {
    var body = new FormData();
    item.fields.forEach(function (pair) {
      var name = pair[0], value = pair[1];
      if (name === "csrfmiddlewaretoken" && csrfToken) { value = csrfToken; }
      if (value instanceof Blob) { body.append(name, value, value.name || "foto.jpg"); }
      else { body.append(name, value); }
    });
    return body;
  }

  // Send one kept form. Resolves to "sent", "rejected" (the server read it and refused: fix and send again),
  // "login" (the session is gone: log in, the form waits) or "waiting" (no network or the server failed).
  function send(item, options) {
    options = options || {};
    return fetch(item.url, {
      method: "POST",
      body: bodyOf(item, options.csrfToken),
      credentials: "same-origin",
      headers: { "Idempotency-Key": item.key, "X-Trygg-Queue": "1" },
      redirect: "follow",
    }).then(function (response) {
      var type = response.headers.get("Content-Type") || "";
      if (response.ok && type.indexOf("application/json") === 0) {
        return response.json().then(function (data) {
          return data.ok ? { state: "sent", location: data.location } : { state: "rejected", error: "" };
        });
      }
      if (response.redirected) { return { state: "login" }; }
      if ([400, 403, 404, 409, 422].indexOf(response.status) >= 0) {
        return response.text().then(function (html) { return { state: "rejected", html: html, status: response.status }; });
      }
      return { state: "waiting", error: "HTTP " + response.status };
    }, function () {
      return { state: "waiting", error: "network" };
    });
  }

  function add(item) { return withStore("readwrite", function (store) { return store.put(item); }); }
  function remove(key) { return withStore("readwrite", function (store) { return store.delete(key); }); }
  function all() {
    return withStore("readonly", function (store) { return store.getAll(); }).then(function (items) {
      return (items || []).sort(function (a, b) { return a.created - b.created; });
    });
  }
  function waitingOf(items, user) {
    return items.filter(function (item) { return item.user === user && item.state !== "rejected"; });
  }

  // Send every kept form of ``user``, oldest first, until one cannot be sent (no network, no session). One
  // sender at a time, page or service worker (Web Locks); a form both send is stored once anyway (its key).
  // Resolves to {sent, waiting}.
  function sendAll(user, csrfToken) {
    var sent = 0;
    function work() {
      return all().then(function (items) {
        var queue = waitingOf(items, user);
        function next() {
          var item = queue.shift();
          if (!item) { return null; }
          return send(item, { csrfToken: csrfToken }).then(function (result) {
            if (result.state === "sent") { sent += 1; return remove(item.key).then(next); }
            if (result.state === "rejected") {
              item.state = "rejected";
              item.html = (result.html || "").slice(0, 200000);  // the page reads the server's reasons from it
              return add(item).then(next);
            }
            item.needsLogin = result.state === "login";
            item.attempts = (item.attempts || 0) + 1;
            return add(item);  // no network or no session: the rest waits too
          });
        }
        return next();
      }).then(all).then(function (items) { return { sent: sent, waiting: waitingOf(items, user).length }; });
    }
    var locks = global.navigator && global.navigator.locks;
    return locks ? locks.request("trygg-outbox", work) : work();
  }

  var TryggQueue = {
    newKey: newKey, fieldsOf: fieldsOf, send: send, sendAll: sendAll, add: add, remove: remove, all: all,
  };
  global.TryggQueue = TryggQueue;
})(typeof self !== "undefined" ? self : window);
