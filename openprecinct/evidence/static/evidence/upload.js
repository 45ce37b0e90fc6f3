// Resumable evidence upload: open a session, PUT 8 MB chunks with Content-Range, resume from
// the offset the server reports. No inline script (CSP): URLs come from data- attributes.
(function () {
  "use strict";
  var form = document.getElementById("evidence-upload");
  if (!form) { return; }
  var CHUNK = 8 * 1024 * 1024;
  var status = document.getElementById("evidence-status");
  var bar = document.getElementById("evidence-progress");
  function csrf() { return form.querySelector("[name=csrfmiddlewaretoken]").value; }
  function say(text) { status.textContent = text; }
  function key(file) { return "evidence-upload:" + file.name + ":" + file.size + ":" + file.lastModified; }
  async function start(file) {
    var saved = localStorage.getItem(key(file));
    if (saved) {
      var r = await fetch(saved, { credentials: "same-origin" });
      if (r.ok) { var s = await r.json(); if (s.status === "open") { return { url: saved, offset: s.offset }; } }
    }
    var data = new FormData(form);
    data.append("filename", file.name);
    data.append("content_type", file.type || "application/octet-stream");
    data.append("size", String(file.size));
    var res = await fetch(form.dataset.startUrl, { method: "POST", body: data, credentials: "same-origin", headers: { "X-CSRFToken": csrf() } });
    var body = await res.json();
    if (!res.ok) { throw new Error(body.error || "The upload could not start."); }
    localStorage.setItem(key(file), body.url);
    return { url: body.url, offset: 0 };
  }
  async function send(file, session) {
    var offset = session.offset;
    while (offset < file.size) {
      var end = Math.min(offset + CHUNK, file.size);
      var res = await fetch(session.url, {
        method: "PUT", body: file.slice(offset, end), credentials: "same-origin",
        headers: { "Content-Range": "bytes " + offset + "-" + (end - 1) + "/" + file.size, "X-CSRFToken": csrf(), "Content-Type": "application/octet-stream" }
      });
      var body = await res.json();
      if (res.status === 409 && typeof body.offset === "number") { offset = body.offset; continue; }
      if (!res.ok) { localStorage.removeItem(key(file)); throw new Error(body.error || "The upload failed."); }
      if (res.status === 201) { localStorage.removeItem(key(file)); return body; }
      offset = body.offset;
      bar.value = Math.round(100 * offset / file.size);
      say(Math.round(100 * offset / file.size) + "% sent");
    }
  }
  form.addEventListener("submit", async function (event) {
    event.preventDefault();
    var file = document.getElementById("evidence-file").files[0];
    if (!file) { say("Choose a file."); return; }
    try {
      var done = await send(file, await start(file));
      bar.value = 100;
      say("Stored. SHA-256 " + done.sha256);
      window.location.assign(done.url);
    } catch (err) { say(err.message + " Choose the same file again to resume."); }
  });
})();
