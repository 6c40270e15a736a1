/* The face check with the phone's camera. Vanilla JavaScript, no libraries.
 * The server reveals the challenge one prompt at a time: "look straight", then each
 * movement only after the frames of the one before arrived. So each prompt is shown,
 * its frames are taken after a countdown and sent with the prompt's nonce, and the
 * answer brings the next prompt or, after the last, the verdict.
 * Without a camera API (or when it fails) the photo form in the page stays in use. */
(function () {
  "use strict";
  var form = document.getElementById("face-form");
  if (!form) { return; }
  var camera = document.getElementById("camera");
  var fallback = document.getElementById("fallback");
  var video = document.getElementById("video");
  var startButton = document.getElementById("start");
  var instruction = document.getElementById("instruction");
  var coach = document.getElementById("coach");
  var result = document.getElementById("result");
  var triesLeft = document.getElementById("failures-left");
  var texts = JSON.parse(document.getElementById("face-texts").textContent);
  var prompt = JSON.parse(document.getElementById("face-prompt").textContent);
  var qualityUrl = form.getAttribute("data-quality-url");
  var csrf = form.querySelector("input[name=csrfmiddlewaretoken]").value;
  var MAX_SIDE = 640, MAX_BYTES = 80 * 1024;
  var stream = null, coaching = null, busy = false;

  function sleep(ms) { return new Promise(function (done) { setTimeout(done, ms); }); }

  function showFallback(message) {
    stopCoaching();
    if (stream) { stream.getTracks().forEach(function (t) { t.stop(); }); stream = null; }
    camera.hidden = true;
    fallback.hidden = false;
    fallback.disabled = false;
    if (message) { say(message, false); }
  }

  function say(message, ok) {
    result.hidden = false;
    result.textContent = message;
    result.className = "result " + (ok ? "success" : "warning");
  }

  /* One frame from the video, at most 640 px, as a JPEG Blob of at most 80 KB. */
  function grab(maxSide, maxBytes) {
    var w = video.videoWidth, h = video.videoHeight;
    var scale = Math.min(1, maxSide / Math.max(w, h));
    var canvas = document.createElement("canvas");
    canvas.width = Math.round(w * scale);
    canvas.height = Math.round(h * scale);
    canvas.getContext("2d").drawImage(video, 0, 0, canvas.width, canvas.height);
    function encode(quality) {
      return new Promise(function (done) {
        canvas.toBlob(function (blob) {
          if (blob && blob.size > maxBytes && quality > 0.35) {
            done(encode(quality - 0.1));
          } else {
            done(blob);
          }
        }, "image/jpeg", quality);
      });
    }
    return encode(0.85);
  }

  function post(url, data) {
    return fetch(url, {
      method: "POST",
      body: data,
      credentials: "same-origin",
      headers: { "X-CSRFToken": csrf, "Accept": "application/json" }
    }).then(function (response) {
      return response.json().catch(function () { return { message: texts.network }; });
    });
  }

  /* One frame judged at a time, and only the answer about the newest frame sent is
   * shown: on a slow connection answers came back out of order, and the line spoke of
   * a frame seconds old. Stopping (a capture starting) drops the answer in flight. */
  var coachTurn = 0, judging = false;

  function startCoaching() {
    stopCoaching();
    coaching = setInterval(function () {
      if (busy || judging || !video.videoWidth) { return; }
      var turn = ++coachTurn;
      judging = true;
      grab(320, 30 * 1024).then(function (blob) {
        var data = new FormData();
        data.append("frame", blob, "coach.jpg");
        return post(qualityUrl, data);
      }).then(function (answer) {
        if (!busy && turn === coachTurn && answer && answer.message) {
          coach.textContent = answer.message;
        }
      }).catch(function () { /* coaching is optional */ }).then(function () {
        if (turn === coachTurn) { judging = false; }
      });
    }, 1500);
  }

  function stopCoaching() {
    if (coaching) { clearInterval(coaching); coaching = null; }
    coachTurn++;
    judging = false;
  }

  async function countdown(text, seconds) {
    for (var left = seconds; left > 0; left--) {
      instruction.textContent = text + " … " + left;
      await sleep(1000);
    }
    instruction.textContent = text;
  }

  async function capture() {
    if (!video.videoWidth) { say(texts.no_camera, false); return; }
    busy = true;
    stopCoaching();
    startButton.disabled = true;
    result.hidden = true;
    coach.textContent = "";
    try {
      var answer;
      while (true) {
        /* Follow the prompt on the screen, then take its frames: one looking straight,
         * two 0.4 s apart for a movement. */
        await countdown(prompt.text, prompt.index === 0 ? 3 : 2);
        var frames = [await grab(MAX_SIDE, MAX_BYTES)];
        if (prompt.index > 0) {
          await sleep(400);
          frames.push(await grab(MAX_SIDE, MAX_BYTES));
        }
        if (prompt.last) { instruction.textContent = texts.sending; }
        var data = new FormData();
        data.append("purpose", form.elements.purpose.value);
        data.append("challenge_id", prompt.challenge_id);
        data.append("step", prompt.index);
        data.append("nonce", prompt.nonce);
        if (form.elements.tester && form.elements.tester.checked) { data.append("tester", "1"); }
        frames.forEach(function (blob, n) { data.append("frames", blob, "frame" + n + ".jpg"); });
        answer = await post(form.action, data);
        if (answer.outcome === "next" && answer.prompt) {
          prompt = answer.prompt;
          continue;
        }
        break;
      }
      instruction.textContent = "";
      say(answer.message || texts.network, answer.outcome === "passed");
      if (typeof answer.failures_left === "number" && triesLeft) {
        triesLeft.textContent = texts.tries_left.replace("%(left)s", answer.failures_left);
      }
      if (answer.redirect) {
        await sleep(1500);
        window.location.assign(answer.redirect);
        return;
      }
      if (answer.challenge) {  /* a new challenge starts again from "look straight" */
        prompt = answer.challenge.prompt;
        form.elements.challenge_id.value = prompt.challenge_id;
        form.elements.step.value = prompt.index;
        form.elements.nonce.value = prompt.nonce;
      }
      startButton.textContent = texts.again;
    } catch (error) {
      say(texts.network, false);
    }
    busy = false;
    startButton.disabled = false;
    startCoaching();
  }

  if (!(navigator.mediaDevices && navigator.mediaDevices.getUserMedia && window.fetch &&
        window.Promise && HTMLCanvasElement.prototype.toBlob)) {
    return; /* the photo form stays */
  }
  camera.hidden = false;
  fallback.hidden = true;
  fallback.disabled = true;
  document.getElementById("show-fallback").addEventListener("click", function () {
    showFallback("");
  });
  navigator.mediaDevices.getUserMedia({
    video: { facingMode: "user", width: { ideal: 640 }, height: { ideal: 480 } },
    audio: false
  }).then(function (media) {
    stream = media;
    video.srcObject = media;
    startCoaching();
  }).catch(function () {
    showFallback(texts.no_camera);
  });
  startButton.addEventListener("click", function () { if (!busy) { capture(); } });
})();
