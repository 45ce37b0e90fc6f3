// Polls a background job's status and updates its progress page (no inline script: CSP).
(function () {
  "use strict";
  var box = document.getElementById("job");
  if (!box || box.dataset.finished === "1") { return; }
  var url = box.dataset.statusUrl;
  var delay = 1000;
  function text(id, value) { var el = document.getElementById(id); if (el) { el.textContent = value; } }
  function show(id, on) { var el = document.getElementById(id); if (el) { el.hidden = !on; } }
  function render(s) {
    text("job-status", s.status_label);
    var bar = document.getElementById("job-progress");
    if (bar && s.percent !== null) { bar.value = s.percent; bar.textContent = s.percent + "%"; }
    text("job-count", s.total ? (s.done + " of " + s.total) : (s.done ? String(s.done) : ""));
    text("job-error", s.error || "");
    show("job-error", !!s.error);
    if (s.result) {
      var body = document.getElementById("job-result-rows");
      body.replaceChildren();
      Object.keys(s.result).sort().forEach(function (key) {
        var tr = document.createElement("tr");
        var th = document.createElement("th");
        th.scope = "row";
        th.textContent = key;
        var td = document.createElement("td");
        var v = s.result[key];
        td.textContent = (typeof v === "object" && v !== null) ? JSON.stringify(v) : String(v);
        tr.append(th, td);
        body.append(tr);
      });
      show("job-result", true);
    }
    show("job-file", !!s.has_file);
  }
  function poll() {
    fetch(url, { credentials: "same-origin", headers: { "Accept": "application/json" } })
      .then(function (r) { if (!r.ok) { throw new Error(r.status); } return r.json(); })
      .then(function (s) {
        render(s);
        if (!s.finished) { delay = Math.min(5000, delay * 1.2); window.setTimeout(poll, delay); }
      })
      .catch(function () { delay = Math.min(15000, delay * 2); window.setTimeout(poll, delay); });
  }
  window.setTimeout(poll, delay);
})();
