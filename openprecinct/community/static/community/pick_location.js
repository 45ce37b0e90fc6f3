// Tip and request forms: tapping the map fills the latitude and longitude fields (4 decimals).
(function () {
  "use strict";
  var map = window.openprecinctMap;
  var lat = document.getElementById("latitude");
  var lon = document.getElementById("longitude");
  if (!map || !lat || !lon || typeof L === "undefined") { return; }
  var marker = null;
  function place(latlng) {
    if (marker) { marker.setLatLng(latlng); } else { marker = L.marker(latlng).addTo(map); }
  }
  map.on("click", function (e) {
    lat.value = e.latlng.lat.toFixed(4);
    lon.value = e.latlng.lng.toFixed(4);
    place(e.latlng);
  });
  if (lat.value && lon.value) { place(L.latLng(parseFloat(lat.value), parseFloat(lon.value))); }
})();
