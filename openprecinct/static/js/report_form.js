// The report form: pick the location on the map, and validate as the officer types.
(function () {
  "use strict";
  var form = document.getElementById("report-form");
  if (!form) { return; }
  var lat = document.getElementById("id_latitude");
  var lon = document.getElementById("id_longitude");
  var picker = document.getElementById("picker");
  if (picker && typeof L !== "undefined") {
    var map = L.map(picker);
    map.attributionControl.setPrefix(false);
    map.setView([40.62, -74.10], 12);  // Staten Island until the data arrive: layers need a view
    var marker = null;
    var place = function (latlng) {
      if (marker) { marker.setLatLng(latlng); } else { marker = L.marker(latlng).addTo(map); }
      lat.value = latlng.lat.toFixed(6);
      lon.value = latlng.lng.toFixed(6);
      validate();
    };
    fetch(picker.dataset.boundaries, { credentials: "same-origin" })
      .then(function (r) { return r.json(); })
      .then(function (data) {
        var layer = L.geoJSON(data, { style: function (f) { return f.properties.kind === "sector" ? { weight: 1, fillOpacity: 0.08 } : { weight: 2, fillOpacity: 0 }; } }).addTo(map);
        var own = data.features.filter(function (f) { return f.properties.kind === "precinct" && String(f.properties.precinct) === picker.dataset.precinct; });
        map.fitBounds(own.length ? L.geoJSON(own).getBounds() : layer.getBounds());
        if (lat.value && lon.value) { place(L.latLng(Number(lat.value), Number(lon.value))); }
      });
    map.on("click", function (e) { place(e.latlng); });
  }
  var timer = null;
  var touched = {};
  function validate() {
    var body = new FormData(form);
    fetch(form.dataset.validate, { method: "POST", body: body, credentials: "same-origin",
      headers: { "X-CSRFToken": body.get("csrfmiddlewaretoken") } })
      .then(function (r) { return r.ok ? r.json() : null; })
      .then(function (result) {
        if (!result) { return; }  // e.g. the request was cut off by leaving the page
        Array.prototype.forEach.call(form.querySelectorAll(".field-error"), function (p) {
          var name = p.id.slice(4);
          var errors = result.errors[name];
          p.textContent = errors && touched[name] ? errors.join(" ") : "";
          var input = form.elements[name];
          if (input && input.setAttribute) { input.setAttribute("aria-invalid", errors && touched[name] ? "true" : "false"); }
        });
        var hint = document.getElementById("category-hint");
        if (hint) { hint.textContent = result.compstat_category ? "Counts in CompStat as: " + result.compstat_category : ""; }
      })
      .catch(function () { /* validation as you type is a help; the server checks on save */ });
  }
  form.addEventListener("input", function (e) {
    if (e.target.name) { touched[e.target.name] = true; }
    if (e.target.name === "latitude" || e.target.name === "longitude") { touched.latitude = touched.longitude = true; }
    clearTimeout(timer);
    timer = setTimeout(validate, 300);
  });
  form.addEventListener("change", function (e) { if (e.target.name) { touched[e.target.name] = true; } validate(); });
})();
