// Forecast cells and Gi* spots over the precinct's sectors (vector only, no tiles).
(function () {
  "use strict";
  var el = document.getElementById("analysis-map");
  var layersEl = document.getElementById("analysis-layers");
  if (!el || !layersEl || typeof L === "undefined") { return; }
  var cells = JSON.parse(layersEl.textContent);
  var bounds = JSON.parse(document.getElementById("analysis-boundaries").textContent);
  var map = L.map(el);
  map.setView([40.62, -74.10], 12);  // Staten Island until the data are drawn
  map.attributionControl.setPrefix(false);
  var top = Math.max.apply(null, cells.features.map(function (f) { return f.properties.expected; }).concat([0.001]));
  var outline = L.geoJSON(bounds, { style: function (f) { return f.properties.kind === "sector" ? { color: "#57606a", weight: 1, fillOpacity: 0, dashArray: "4 3" } : { color: "#0b3d91", weight: 2, fillOpacity: 0 }; },
    onEachFeature: function (f, l) { if (f.properties.kind === "sector") { l.bindTooltip(f.properties.label); } } }).addTo(map);
  L.geoJSON(cells, {
    style: function (f) {
      var p = f.properties;
      var colour = p.gi === "hot" ? "#cf222e" : (p.gi === "cold" ? "#1f6feb" : "#8c959f");
      return { color: colour, weight: p.gi ? 2 : 0.5, fillColor: "#bf8700", fillOpacity: p.flagged ? 0.25 + 0.6 * p.expected / top : 0 };
    },
    onEachFeature: function (f, l) {
      var p = f.properties;
      l.bindTooltip("cell " + p.cell + ": " + p.expected.toFixed(2) + " expected, " + p.past + " past" + (p.gi ? ", Gi* " + p.gi + " spot" : ""));
    }
  }).addTo(map);
  map.fitBounds(outline.getBounds());
  el.dataset.loaded = String(cells.features.length);
})();
