/* Every member page: installs Cairkan's service worker (/sw.js: pages kept for offline
   use, saves queued until the connection returns), asks it to send queued saves when
   the page opens online, and says so when a page is shown without a connection. The
   site works without it. */
(function () {
  "use strict";
  var script = document.currentScript;
  var text = script ? script.getAttribute("data-offline") : "";
  var banner = null;

  // A page the worker kept (body[data-kept-offline]) is not live, whatever onLine says.
  var kept = document.body.hasAttribute("data-kept-offline");

  function mark() {
    var offline = kept || !navigator.onLine;
    if (!text) return;
    if (!banner && offline) {
      banner = document.createElement("p");
      banner.className = "notice warning";
      banner.setAttribute("role", "status");
      banner.textContent = text;
      var main = document.getElementById("main");
      if (main) main.insertBefore(banner, main.firstChild);
    }
    if (banner) banner.hidden = !offline;
  }
  mark();
  window.addEventListener("online", mark);
  window.addEventListener("offline", mark);

  if (!("serviceWorker" in navigator)) return;
  navigator.serviceWorker.register("/sw.js", { scope: "/" }).catch(function () { /* optional */ });

  function flush() {
    var worker = navigator.serviceWorker.controller;
    if (worker && navigator.onLine) worker.postMessage({ type: "flush" });
  }
  flush();
  window.addEventListener("online", flush);
})();
