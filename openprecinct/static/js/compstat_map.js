// Sectors shaded by year-to-date change of the seven major felonies.
(function () {
  "use strict";
  var el = document.getElementById("sector-map");
  var data = document.getElementById("sector-map-data");
  if (!el || !data || typeof L === "undefined") { return; }
  var geo = JSON.parse(data.textContent);
  function colour(pct) {
    if (pct === null || pct === undefined) { return "#d0d7de"; }
    if (pct > 25) { return "#b42318"; } if (pct > 5) { return "#f97066"; }
    if (pct < -25) { return "#1849a9"; } if (pct < -5) { return "#84adff"; }
    return "#f2f4f7";
  }
  var map = L.map(el);
  map.attributionControl.setPrefix(false);
  map.setView([40.62, -74.10], 12);  // Staten Island until the data arrive: layers need a view
  var layer = L.geoJSON(geo, {
    style: function (f) {
      if (f.properties.kind === "precinct") { return { color: "#0b3d91", weight: 2, fillOpacity: 0 }; }
      return { color: "#57606a", weight: 1, fillColor: colour(f.properties.ytd_pct_change), fillOpacity: 0.75 };
    },
    onEachFeature: function (f, l) {
      if (f.properties.kind !== "sector") { return; }
      var p = f.properties.ytd_pct_change;
      l.bindTooltip(f.properties.label + ": " + (p === null || p === undefined ? "no change figure" : (p > 0 ? "+" : "") + p.toFixed(1) + "% YTD"), { sticky: true });
    }
  }).addTo(map);
  map.fitBounds(layer.getBounds());
})();
