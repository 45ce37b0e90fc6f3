// Public crime map: the precinct's bundled outlines (no remote tiles) and the published points.
(function () {
  "use strict";
  var el = document.getElementById("portal-map");
  var outline = document.getElementById("portal-boundaries");
  if (!el || !outline || typeof L === "undefined") { return; }
  var map = L.map(el, { zoomSnap: 0.25 });
  map.attributionControl.setPrefix(false);
  map.attributionControl.addAttribution("Boundaries: NYPD");
  map.setView([40.63, -74.09], 13);
  var shapes = L.geoJSON(JSON.parse(outline.textContent), {
    style: function (f) {
      return f.properties.kind === "precinct"
        ? { color: "#0b3d91", weight: 2, fillOpacity: 0.03 }
        : { color: "#57606a", weight: 1, dashArray: "4 3", fillOpacity: 0 };
    },
    onEachFeature: function (f, layer) { layer.bindTooltip(f.properties.label, { sticky: true }); }
  }).addTo(map);
  if (shapes.getLayers().length) { map.fitBounds(shapes.getBounds(), { padding: [8, 8] }); }
  function text(s) { var d = document.createElement("span"); d.textContent = s; return d.innerHTML; }
  fetch(el.dataset.points, { credentials: "same-origin" })
    .then(function (r) { return r.json(); })
    .then(function (data) {
      L.geoJSON(data, {
        pointToLayer: function (f, latlng) {
          var offset = f.properties.precision === "offset";
          return L.circleMarker(latlng, {
            radius: 5, weight: 2, color: offset ? "#8a3ffc" : "#0b3d91",
            fillColor: offset ? "#ffffff" : "#0b3d91", fillOpacity: offset ? 0.6 : 0.8
          });
        },
        onEachFeature: function (f, layer) {
          var p = f.properties;
          layer.bindPopup(text(p.category) + "<br>" + text(p.date) + (p.hour ? " around " + text(p.hour) : "") +
            "<br>" + (p.precision === "offset" ? "moved 100–250 m to protect the people involved" : "placed at the centre of its block"));
        }
      }).addTo(map);
      el.dataset.loaded = String(data.features.length);
    });
})();
