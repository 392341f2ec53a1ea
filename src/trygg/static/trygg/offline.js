// Trygg without network, in the page: registers the service worker, keeps a form marked data-offline-queue on
// the phone when it cannot be sent (offline-queue.js), sends what waits when the network returns — at load, on
// the "online" event and every 20 seconds while something waits — and says how many reports wait.
// Forms are kept per user: what one reporter left on a shared phone is never sent in another's name.
(function () {
  "use strict";
  var Q = window.TryggQueue;
  function meta(name) {
    var element = document.querySelector('meta[name="' + name + '"]');
    return element ? element.getAttribute("content") : "";
  }
  var user = meta("trygg-user");
  var outbox = document.getElementById("offline-outbox");
  var list = document.getElementById("outbox-list");
  var sending = false;

  function text(name, n) {
    var value = outbox ? outbox.getAttribute("data-" + name) || "" : "";
    return value.replace("__N__", String(n));
  }

  function csrfToken() {
    var match = document.cookie.match(/(?:^|;\s*)csrftoken=([^;]+)/);
    return match ? decodeURIComponent(match[1]) : "";
  }

  function mine(items) { return items.filter(function (item) { return item.user === user; }); }

  function say(message, kind) {
    if (!outbox) { return; }
    var line = outbox.querySelector(".outbox-message");
    line.textContent = message;
    outbox.className = "outbox " + (kind || "");
    outbox.hidden = !message;
  }

  function errorsIn(html) {
    try {
      var doc = new DOMParser().parseFromString(html || "", "text/html");
      var errors = Array.prototype.map.call(doc.querySelectorAll(".errorlist li, .errors li"), function (li) {
        return li.textContent.trim();
      }).filter(Boolean);
      if (errors.length) { return errors.join(" "); }
      var heading = doc.querySelector("h1");
      return heading ? heading.textContent.trim() : "";
    } catch (e) { return ""; }
  }

  function render() {
    if (!Q || !user) { return Promise.resolve(); }
    return Q.all().then(function (items) {
      items = mine(items);
      var waiting = items.filter(function (item) { return item.state !== "rejected"; });
      var rejected = items.filter(function (item) { return item.state === "rejected"; });
      var parts = [];
      if (waiting.length === 1) { parts.push(text("waiting-one", 1)); }
      else if (waiting.length > 1) { parts.push(text("waiting-many", waiting.length)); }
      if (rejected.length) { parts.push(text("rejected", rejected.length)); }
      var loginNeeded = waiting.some(function (item) { return item.needsLogin; });
      if (loginNeeded) { parts.push(text("login", waiting.length)); }
      // "everything has been sent" stays until something waits again
      if (parts.length || !outbox || !outbox.classList.contains("ok")) { say(parts.join(" "), rejected.length ? "warn" : ""); }
      if (outbox) {
        outbox.setAttribute("data-waiting", String(waiting.length));
        outbox.querySelector("button").hidden = !waiting.length || !navigator.onLine;
      }
      if (list) { renderList(items); }
    });
  }

  function renderList(items) {
    list.textContent = "";
    list.closest("section").hidden = !items.length;
    items.forEach(function (item) {
      if (item.state === "rejected" && !item.error && item.html) { item.error = errorsIn(item.html); }
      var li = document.createElement("li");
      var when = new Date(item.created);
      var head = document.createElement("strong");
      head.textContent = item.label + " · " + when.toLocaleString("sv-SE", { dateStyle: "short", timeStyle: "short" });
      li.appendChild(head);
      if (item.what) { li.appendChild(document.createTextNode(" " + item.what)); }
      var state = document.createElement("span");
      state.className = "outbox-state";
      state.textContent = " — " + (item.state === "rejected" ? list.getAttribute("data-rejected") + " " + (item.error || "")
        : list.getAttribute("data-waiting"));
      li.appendChild(state);
      if (item.state === "rejected") {
        var drop = document.createElement("button");
        drop.type = "button";
        drop.className = "link";
        drop.textContent = list.getAttribute("data-drop");
        drop.addEventListener("click", function () { Q.remove(item.key).then(render); });
        li.appendChild(document.createTextNode(" "));
        li.appendChild(drop);
      }
      list.appendChild(li);
    });
  }

  function flush() {
    if (!Q || !user || sending || !navigator.onLine) { return Promise.resolve(); }
    sending = true;
    return Q.sendAll(user, csrfToken()).then(function (outcome) {
      sending = false;
      if (outcome.sent && list) { return arrived(); }
      return render().then(function () {
        if (outcome.sent && !outcome.waiting) { say(text("sent"), "ok"); }
        if (outcome.sent) { document.dispatchEvent(new CustomEvent("trygg:outbox-sent")); }
      });
    }, function () { sending = false; });
  }

  // On "Mina rapporter": load the list again, to show what arrived, and say so.
  function arrived() {
    window.sessionStorage.setItem("trygg-sent", "1");
    window.location.reload();
    return null;
  }

  // Ask the browser to send what waits in the background too, when Trygg is closed (Background Sync).
  function syncLater() {
    if (!("serviceWorker" in navigator)) { return; }
    navigator.serviceWorker.ready.then(function (registration) {
      if (registration.sync) { return registration.sync.register("trygg-outbox"); }
      return null;
    }).catch(function () {});
  }

  function summary(form) {
    return form.getAttribute("data-offline-label") || document.title;
  }

  // What the reporter wrote, so that kept forms can be told apart: the chosen category and the first words.
  function whatOf(form) {
    var parts = [];
    var category = form.querySelector('select[name$="category"]');
    if (category && category.value) { parts.push(category.options[category.selectedIndex].text); }
    var text = Array.prototype.map.call(form.querySelectorAll("textarea"), function (t) { return t.value.trim(); })
      .filter(Boolean)[0];
    if (text) { parts.push("”" + (text.length > 60 ? text.slice(0, 57) + "…" : text) + "”"); }
    return parts.join(" ");
  }

  function keep(form, submitter) {
    var keyInput = form.querySelector('input[name="idempotency_key"]');
    var key = Q.newKey();
    if (keyInput) { keyInput.value = key; }
    var data = submitter ? new FormData(form, submitter) : new FormData(form);
    return {
      key: key, user: user, url: form.action || window.location.href, label: summary(form), what: whatOf(form),
      fields: Q.fieldsOf(data), created: Date.now(), state: "waiting", attempts: 0,
    };
  }

  // After a form is kept: a fresh copy of the page (the service worker has it) gives an empty form, maps and
  // added cards included; without a kept copy the form is emptied in place.
  function queueForm(form, item) {
    return Q.add(item).then(function () {
      syncLater();
      var kept = window.caches ? caches.match(window.location.href) : Promise.resolve(null);
      return kept.then(function (hit) {
        if (hit) {
          window.sessionStorage.setItem("trygg-saved", "1");
          window.location.reload();
          return null;
        }
        form.reset();
        form.dispatchEvent(new CustomEvent("trygg:queued", { bubbles: true }));
        return render().then(savedNotice);
      });
    });
  }

  function savedNotice() {
    var line = outbox && outbox.querySelector(".outbox-message");
    if (line) { say(text("saved") + " " + line.textContent); }
  }

  function onSubmit(event) {
    var form = event.target;
    if (form.hasAttribute && form.hasAttribute("data-logout")) {
      // forms kept on the phone wait for their reporter: say so before logging out
      if (outbox && outbox.getAttribute("data-waiting") !== "0" && outbox.getAttribute("data-waiting") !== null &&
          !window.confirm(text("logout-warning"))) { event.preventDefault(); }
      return;
    }
    if (!form.matches || !form.matches("form[data-offline-queue]") || form.getAttribute("data-native") === "1") { return; }
    if (!Q || !user || !window.indexedDB) { return; }  // plain submission
    event.preventDefault();
    var submitter = event.submitter;
    var item = keep(form, submitter);
    var buttons = form.querySelectorAll("button[type=submit], input[type=submit]");
    buttons.forEach(function (b) { b.disabled = true; });
    var attempt = navigator.onLine ? Q.send(item, { csrfToken: csrfToken() }) : Promise.resolve({ state: "waiting" });
    attempt.then(function (result) {
      if (result.state === "sent") { window.location.assign(result.location); return null; }
      buttons.forEach(function (b) { b.disabled = false; });
      if (result.state === "rejected") {
        // the server read the form and found errors: show them the ordinary way (nothing was stored)
        form.setAttribute("data-native", "1");
        var keyInput = form.querySelector('input[name="idempotency_key"]');
        if (keyInput) { keyInput.value = ""; }
        if (submitter) { form.requestSubmit(submitter); } else { form.requestSubmit(); }
        return null;
      }
      item.needsLogin = result.state === "login";
      return queueForm(form, item);
    });
  }

  document.addEventListener("submit", onSubmit);

  if ("serviceWorker" in navigator) {
    navigator.serviceWorker.addEventListener("message", function (event) {
      if (!event.data || event.data.type !== "outbox-changed") { return; }
      if (event.data.sent && list) { arrived(); return; }
      render().then(function () {
        if (event.data.sent && outbox && outbox.getAttribute("data-waiting") === "0") { say(text("sent"), "ok"); }
      });
    });
    if (user) {
      navigator.serviceWorker.register(meta("trygg-sw"), { scope: "/" }).then(function () {
        return navigator.serviceWorker.ready;
      }).then(function (registration) {
        var pages = meta("trygg-offline-pages").split(" ").filter(Boolean);
        if (registration.active && pages.length && navigator.onLine) {
          registration.active.postMessage({ type: "keep-pages", urls: pages });
        }
      }).catch(function () {});
    } else if (navigator.serviceWorker.controller) {
      navigator.serviceWorker.controller.postMessage({ type: "forget-pages" });
    }
  }

  if (outbox) {
    outbox.querySelector("button").addEventListener("click", function () { flush(); });
  }
  window.addEventListener("online", function () { flush(); });
  window.addEventListener("offline", function () { render(); });
  window.setInterval(function () {
    if (outbox && outbox.getAttribute("data-waiting") !== "0") { flush(); }
  }, 20000);
  render().then(function () {
    if (window.sessionStorage.getItem("trygg-saved")) {
      window.sessionStorage.removeItem("trygg-saved");
      savedNotice();
    }
    if (window.sessionStorage.getItem("trygg-sent")) {
      window.sessionStorage.removeItem("trygg-sent");
      if (outbox && outbox.getAttribute("data-waiting") === "0") { say(text("sent"), "ok"); }
    }
    return flush();
  });
})();
