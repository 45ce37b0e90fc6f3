// A record's location on the precinct's sector map (vector only, no tiles).
(function () {
  "use strict";
  var el = document.getElementById("map");
  if (!el || typeof L === "undefined" || !el.dataset.point) { return; }
  var parts = el.dataset.point.split(",").map(Number);
  var map = L.map(el);
  map.attributionControl.setPrefix(false);
  map.setView([40.62, -74.10], 12);  // Staten Island until the data arrive: layers need a view
  fetch(el.dataset.boundaries, { credentials: "same-origin" })
    .then(function (r) { return r.json(); })
    .then(function (data) {
      L.geoJSON(data, { style: function (f) { return f.properties.kind === "sector" ? { weight: 1, fillOpacity: 0.08 } : { weight: 2, fillOpacity: 0 }; },
        onEachFeature: function (f, l) { l.bindTooltip(f.properties.label, { sticky: true }); } }).addTo(map);
      L.circleMarker([parts[0], parts[1]], { radius: 8, color: "#cf222e", fillOpacity: 0.8 }).addTo(map);
      map.setView([parts[0], parts[1]], 15);
    });
})();
