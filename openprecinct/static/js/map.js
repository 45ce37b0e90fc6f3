// Precinct map: vector boundaries only, no remote tiles. Data URLs come from data- attributes.
(function () {
  "use strict";
  var el = document.getElementById("map");
  if (!el || typeof L === "undefined") { return; }
  var map = L.map(el, { zoomSnap: 0.25, attributionControl: true });
  map.attributionControl.setPrefix(false);
  map.attributionControl.addAttribution("Boundaries: NYPD");
  map.setView([40.62, -74.10], 12);  // Staten Island until the data arrive: layers need a view
  var precinct = el.dataset.precinct;
  var colours = ["#1f6feb", "#2da44e", "#bf8700", "#cf222e", "#8250df", "#0a7f8f"];
  function style(feature) {
    var p = feature.properties;
    if (p.kind === "precinct") {
      var own = String(p.precinct) === precinct;
      return { color: own ? "#0b3d91" : "#8c959f", weight: own ? 3 : 1, fillOpacity: own ? 0.04 : 0.12, fillColor: "#8c959f" };
    }
    var i = p.label.charCodeAt(p.label.length - 1) % colours.length;
    return { color: colours[i], weight: 1, fillColor: colours[i], fillOpacity: 0.18, dashArray: "4 3" };
  }
  fetch(el.dataset.boundaries, { credentials: "same-origin" })
    .then(function (r) { return r.json(); })
    .then(function (data) {
      var layer = L.geoJSON(data, {
        style: style,
        onEachFeature: function (feature, lyr) { lyr.bindTooltip(feature.properties.label, { sticky: true }); }
      }).addTo(map);
      var own = data.features.filter(function (f) { return f.properties.kind === "precinct" && String(f.properties.precinct) === precinct; });
      map.fitBounds(own.length ? L.geoJSON(own).getBounds() : layer.getBounds(), { padding: [10, 10] });
      el.dataset.loaded = String(data.features.length);
    });
  if (el.dataset.stations) {
    fetch(el.dataset.stations, { credentials: "same-origin" })
      .then(function (r) { return r.json(); })
      .then(function (data) {
        L.geoJSON(data, {
          pointToLayer: function (f, latlng) { return L.circleMarker(latlng, { radius: 6, color: "#0b3d91", fillOpacity: 0.9 }); },
          onEachFeature: function (f, lyr) { var p = f.properties; lyr.bindPopup("Precinct " + p.PRECINCT + " station house<br>" + p.NUM + " " + p.STREET); }
        }).addTo(map);
      });
  }
  window.openprecinctMap = map;
})();
