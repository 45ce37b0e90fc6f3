// Dispatch console: refresh the queue and unit board without reloading the page, and draw
// calls and units on the precinct map. No inline script (CSP); data from same-origin JSON.
(function () {
  "use strict";
  var panels = document.getElementById("panels");
  var busy = false;
  function editing() {
    var el = document.activeElement;
    return el && panels.contains(el) && (el.tagName === "SELECT" || el.tagName === "INPUT");
  }
  function refresh() {
    if (!panels || busy || editing() || document.hidden) { return; }
    busy = true;
    fetch(panels.dataset.url, { credentials: "same-origin", headers: { "X-Requested-With": "fetch" } })
      .then(function (r) { if (!r.ok) { throw new Error(r.status); } return r.text(); })
      .then(function (html) { if (!editing()) { panels.innerHTML = html; } })
      .catch(function () { /* keep the last good view; try again next tick */ })
      .then(function () { busy = false; drawFeed(); });
  }
  if (panels) { window.setInterval(refresh, 5000); }

  var el = document.getElementById("dispatch-map");
  if (!el || typeof L === "undefined") { return; }
  var map = L.map(el);
  map.attributionControl.setPrefix(false);
  map.setView([40.635, -74.09], 13);
  var layer = L.layerGroup().addTo(map);
  var colours = { critical: "#cf222e", serious: "#9a6700", non_critical: "#0b3d91" };
  fetch(el.dataset.boundaries, { credentials: "same-origin" })
    .then(function (r) { return r.json(); })
    .then(function (data) {
      var g = L.geoJSON(data, { style: function (f) { return f.properties.kind === "sector" ? { weight: 1, fillOpacity: 0.05 } : { weight: 2, fillOpacity: 0 }; },
        onEachFeature: function (f, l) { l.bindTooltip(f.properties.label, { sticky: true }); } }).addTo(map);
      if (g.getBounds().isValid()) { map.fitBounds(g.getBounds()); }
    });
  function drawFeed() {
    fetch(el.dataset.feed, { credentials: "same-origin" })
      .then(function (r) { return r.json(); })
      .then(function (data) {
        layer.clearLayers();
        data.calls.forEach(function (c) {
          L.circleMarker([c.lat, c.lon], { radius: 7, color: colours[c.priority] || "#333", fillOpacity: c.status === "pending" || c.status === "reopened" ? 0.9 : 0.3 })
            .bindTooltip(c.label + " (" + c.status + ")").addTo(layer);
        });
        data.units.forEach(function (u) {
          L.marker([u.lat, u.lon], { title: u.call_sign + " " + u.status, alt: u.call_sign })
            .bindTooltip(u.call_sign + " · " + u.status).addTo(layer);
        });
      })
      .catch(function () {});
  }
  drawFeed();
  var lat = document.getElementById("nc-lat"), lon = document.getElementById("nc-lon");
  map.on("click", function (e) {
    if (lat && lon) { lat.value = e.latlng.lat.toFixed(6); lon.value = e.latlng.lng.toFixed(6); }
  });
})();
