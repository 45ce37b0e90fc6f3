// The officer's sector map: the precinct's sectors, the unit's own sector highlighted.
(function () {
  "use strict";
  var el = document.getElementById("sector-map");
  if (!el || typeof L === "undefined") { return; }
  var map = L.map(el);
  map.attributionControl.setPrefix(false);
  map.setView([40.635, -74.09], 13);
  var mine = el.dataset.sector;
  fetch(el.dataset.boundaries, { credentials: "same-origin" })
    .then(function (r) { return r.json(); })
    .then(function (data) {
      var g = L.geoJSON(data, {
        style: function (f) {
          if (f.properties.kind !== "sector") { return { weight: 2, fillOpacity: 0 }; }
          return f.properties.sector === mine ? { weight: 3, color: "#cf222e", fillOpacity: 0.15 } : { weight: 1, fillOpacity: 0.05 };
        },
        onEachFeature: function (f, l) { l.bindTooltip(f.properties.label, { permanent: f.properties.kind === "sector" }); }
      }).addTo(map);
      if (g.getBounds().isValid()) { map.fitBounds(g.getBounds()); }
    });
})();
