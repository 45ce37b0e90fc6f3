// Public drone flight log: draws published flight paths on the precinct map (js/map.js).
(function () {
  "use strict";
  var el = document.getElementById("map");
  if (!el || !el.dataset.flights || typeof L === "undefined") { return; }
  function draw(map) {
    fetch(el.dataset.flights, { credentials: "same-origin" })
      .then(function (r) { return r.json(); })
      .then(function (data) {
        L.geoJSON(data, {
          style: { color: "#cf222e", weight: 2 },
          pointToLayer: function (f, latlng) { return L.circleMarker(latlng, { radius: 5, color: "#cf222e" }); },
          onEachFeature: function (f, lyr) {
            var p = f.properties;
            lyr.bindTooltip(p.launched + " · " + p.purpose + " · " + p.outcome);
          }
        }).addTo(map);
        el.dataset.flightsLoaded = String(data.features.length);
      });
  }
  if (window.openprecinctMap) { draw(window.openprecinctMap); }
})();
