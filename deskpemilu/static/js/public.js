// The public status map (/publik/): regions coloured by status, from the JSON
// the page carries (no inline script, for the Content-Security-Policy).
(function () {
  "use strict";
  var el = document.getElementById("public-map");
  if (!el || !window.L) return;
  var data = JSON.parse(document.getElementById("public-map-data").textContent);
  var outlines = JSON.parse(document.getElementById("public-outlines").textContent);
  var map = L.map(el, { zoomSnap: 0.25, attributionControl: false, scrollWheelZoom: false });
  var layer = L.geoJSON(outlines, {
    style: function (f) {
      var level = data.levels[f.properties.kode] || "";
      return { color: "#344054", weight: 1, fillOpacity: 0.72, fillColor: data.colours[level] || data.colours[""] };
    },
    onEachFeature: function (f, l) {
      var level = data.levels[f.properties.kode] || "";
      l.bindTooltip(f.properties.nama + " · " + (data.labels[level] || "—"), { sticky: true });
    }
  }).addTo(map);
  // The kab/kota names on the map, at the middle of each shape.
  layer.getLayers().forEach(function (l) {
    var label = document.createElement("span");
    label.textContent = l.feature.properties.nama;
    L.marker(l.getBounds().getCenter(), {
      interactive: false, keyboard: false,
      icon: L.divIcon({ className: "region-label", html: label.outerHTML, iconSize: null })
    }).addTo(map);
  });
  if (layer.getLayers().length) map.fitBounds(layer.getBounds());
  el.dataset.loaded = String(layer.getLayers().length);
})();
