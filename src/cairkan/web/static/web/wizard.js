/* The claim wizard on a weak connection: answers typed offline are kept on this phone
   (localStorage) and sent when the connection returns; documents go up in chunks that
   resume where they stopped; the confirm button sends once. The pages work without it. */
(function () {
  "use strict";
  var CHUNK = 256 * 1024;
  var offlineNote = document.getElementById("offline");

  function csrf(form) {
    var input = form.querySelector("input[name=csrfmiddlewaretoken]");
    return input ? input.value : "";
  }

  /* --- answers kept while offline ------------------------------------------------- */
  function keyOf(form) { return "cairkan:draft:" + form.dataset.draft + ":" + form.dataset.step; }

  function collect(form) {
    var values = {};
    Array.prototype.forEach.call(form.elements, function (el) {
      if (!el.name || el.type === "hidden" || el.type === "file" || el.type === "submit") return;
      if (el.type === "radio" || el.type === "checkbox") {
        values[el.name + "=" + el.value] = el.checked;
      } else {
        values[el.name] = el.value;
      }
    });
    return values;
  }

  function restore(form, values) {
    Array.prototype.forEach.call(form.elements, function (el) {
      if (!el.name) return;
      if (el.type === "radio" || el.type === "checkbox") {
        var k = el.name + "=" + el.value;
        if (k in values) el.checked = values[k];
      } else if (el.name in values && el.type !== "hidden" && el.type !== "file") {
        el.value = values[el.name];
      }
    });
  }

  function keep(form) {
    var entry = { version: Number(form.dataset.version), values: collect(form) };
    try { localStorage.setItem(keyOf(form), JSON.stringify(entry)); } catch (e) { /* full */ }
  }

  function sendWhenOnline(form, submitter) {
    if (offlineNote) offlineNote.hidden = false;
    window.addEventListener("online", function retry() {
      window.removeEventListener("online", retry);
      if (offlineNote) offlineNote.hidden = true;
      send(form, submitter);
    });
  }

  function send(form, submitter) {
    if (submitter && submitter.name) {
      var carry = document.createElement("input");
      carry.type = "hidden"; carry.name = submitter.name; carry.value = submitter.value;
      form.appendChild(carry);
    }
    HTMLFormElement.prototype.submit.call(form);
  }

  /* --- a step saved offline waits in the service worker ------------------------------
     It keeps the save (IndexedDB) and sends it when the connection returns, through
     Background Sync where the browser has it, else when a page is online again; it
     tells this page how it went. Without a worker the page itself sends on "online". */
  var worker = "serviceWorker" in navigator ? navigator.serviceWorker : null;
  var queued = {};  // save id -> [form, submitter]

  function saveId(form) { return form.dataset.draft + ":" + form.dataset.step; }

  function queueSave(form, submitter) {
    var data = new FormData(form);
    if (submitter && submitter.name) data.append(submitter.name, submitter.value);
    queued[saveId(form)] = [form, submitter];
    worker.controller.postMessage({
      type: "queue-save", id: saveId(form), url: form.action, body: new URLSearchParams(data).toString(),
    });
    if (offlineNote) offlineNote.hidden = false;
    worker.ready.then(function (registration) {
      if (registration.sync) return registration.sync.register("cairkan-saves");
    }).catch(function () { /* no Background Sync: sent when a page is online again */ });
  }

  if (worker) {
    worker.addEventListener("message", function (event) {
      var data = event.data || {};
      var waiting = data.type === "cairkan-save" && queued[data.id];
      if (!waiting) return;
      delete queued[data.id];
      if (data.outcome === "saved" || data.outcome === "stale") window.location.assign(data.url);
      else send(waiting[0], waiting[1]);  // refused: let the server say why, on this page
    });
  }

  Array.prototype.forEach.call(document.querySelectorAll("form[data-draft]"), function (form) {
    var saved = null;
    try { saved = JSON.parse(localStorage.getItem(keyOf(form)) || "null"); } catch (e) { saved = null; }
    // A kept entry older than the server's draft was already saved: drop it.
    if (saved && saved.version === Number(form.dataset.version)) restore(form, saved.values);
    else localStorage.removeItem(keyOf(form));
    form.addEventListener("input", function () { keep(form); });
    form.addEventListener("change", function () { keep(form); });
    form.addEventListener("submit", function (event) {
      keep(form);
      if (!navigator.onLine) {
        event.preventDefault();
        // Documents go up by their own resumable uploads, not in a queued form.
        if (worker && worker.controller && form.enctype !== "multipart/form-data") {
          queueSave(form, event.submitter);
        } else {
          sendWhenOnline(form, event.submitter);
        }
      }
    });
  });

  /* --- the confirm button sends once ------------------------------------------------ */
  Array.prototype.forEach.call(document.querySelectorAll("form[data-submit-once]"), function (form) {
    form.addEventListener("submit", function (event) {
      if (!navigator.onLine) { event.preventDefault(); sendWhenOnline(form, null); return; }
      if (form.dataset.sent) { event.preventDefault(); return; }
      form.dataset.sent = "1";
      var button = form.querySelector("button[type=submit]");
      if (button) button.setAttribute("aria-disabled", "true");
    });
  });

  /* --- documents in resumable chunks --------------------------------------------- */
  function uploadsKey(kind, file) {
    return "cairkan:upload:" + kind + ":" + file.name + ":" + file.size + ":" + file.lastModified;
  }

  var textsNode = document.getElementById("upload-texts");
  var texts = textsNode ? JSON.parse(textsNode.textContent) : {};

  function request(method, url, form, body, headers) {
    var h = Object.assign({ "X-CSRFToken": csrf(form), "Accept": "application/json" }, headers || {});
    return fetch(url, { method: method, body: body, headers: h, credentials: "same-origin" })
      .then(function (response) {
        // Not our JSON (a login page, a proxy's error page): stop and say so, no retry loop.
        if ((response.headers.get("Content-Type") || "").indexOf("application/json") === -1) {
          throw { refused: true, message: texts.failed };
        }
        return response.json().then(function (data) { data.httpStatus = response.status; return data; });
      });
  }

  function waitOnline() {
    return new Promise(function (resolve) {
      if (navigator.onLine) { setTimeout(resolve, 1500); return; }
      if (offlineNote) offlineNote.hidden = false;
      window.addEventListener("online", function back() {
        window.removeEventListener("online", back);
        if (offlineNote) offlineNote.hidden = true;
        resolve();
      });
    });
  }

  function show(box, text, ok) {
    var state = box.querySelector("[data-state]");
    state.textContent = "";
    var span = document.createElement("span");
    span.className = ok === true ? "ok" : ok === false ? "bad" : "";
    span.textContent = text;
    state.appendChild(span);
  }

  function upload(form, box, input) {
    var file = input.files[0];
    if (!file) return;
    var kind = box.dataset.kind;
    var bar = box.querySelector("progress");
    var storeKey = uploadsKey(kind, file);
    bar.hidden = false; bar.value = 0;
    show(box, texts.sending);

    function open() {
      var known = localStorage.getItem(storeKey);
      if (known) {
        return request("GET", known, form).then(function (data) {
          if (data.httpStatus === 200 && data.state === "receiving") return { url: known, data: data };
          localStorage.removeItem(storeKey);
          return open();
        });
      }
      var body = new FormData();
      body.append("kind", kind); body.append("filename", file.name); body.append("size", file.size);
      if (form.dataset.claim) body.append("claim", form.dataset.claim);
      return request("POST", form.dataset.uploadUrl, form, body).then(function (data) {
        if (data.httpStatus !== 201) throw { refused: true, message: data.message };
        var url = form.dataset.uploadUrl + data.id + "/";
        localStorage.setItem(storeKey, url);
        return { url: url, data: data };
      });
    }

    function next(url, data) {
      bar.value = Math.floor((100 * data.received) / file.size);
      if (data.state === "complete") {
        localStorage.removeItem(storeKey);
        show(box, "✓ " + texts.received + ": " + file.name, true);
        input.value = "";
        return null;
      }
      if (data.state === "rejected") {
        localStorage.removeItem(storeKey);
        show(box, texts.rejected + ": " + data.message, false);
        return null;
      }
      var piece = file.slice(data.received, data.received + CHUNK);
      return request("POST", url, form, piece, {
        "Upload-Offset": String(data.received),
        "Content-Type": "application/octet-stream",
      }).then(function (answer) {
        if (answer.httpStatus === 409 && answer.details) {  // resume where the server is
          return next(url, Object.assign({}, data, { received: answer.details.expected }));
        }
        if (answer.httpStatus >= 400) throw { refused: true, message: answer.message };
        return next(url, answer);
      }, function (error) {
        if (error && error.refused) throw error;  // the server said no: no retry
        // The connection dropped: ask where to resume, then go on.
        show(box, texts.paused);
        return waitOnline().then(function () {
          return request("GET", url, form).then(function (status) { return next(url, status); });
        });
      });
    }

    open().then(function (start) { return next(start.url, start.data); })
      .catch(function (error) {
        if (error && error.refused) { show(box, error.message, false); return; }
        show(box, texts.paused);
        waitOnline().then(function () { upload(form, box, input); });
      });
  }

  Array.prototype.forEach.call(document.querySelectorAll("form[data-upload-url]"), function (form) {
    Array.prototype.forEach.call(form.querySelectorAll(".doc"), function (box) {
      var input = box.querySelector("input[type=file]");
      input.addEventListener("change", function () { upload(form, box, input); });
    });
  });
})();
