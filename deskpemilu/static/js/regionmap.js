// Draws the children of the current region from the light GeoJSON endpoint;
// clicking a shape opens that region's page. No tile layer: the desk may be offline.
(function () {
  "use strict";
  var el = document.getElementById("map");
  if (!el || !window.L) return;
  var map = L.map(el, { zoomSnap: 0.25, attributionControl: false });
  fetch(el.dataset.boundaries, { credentials: "same-origin" })
    .then(function (r) { if (!r.ok) throw new Error(r.status); return r.json(); })
    .then(function (data) {
      var layer = L.geoJSON(data, {
        style: function () {
          return { color: "#0b4f8a", weight: 1, fillColor: "#9ec5e8", fillOpacity: 0.55 };
        },
        onEachFeature: function (f, l) {
          l.bindTooltip(f.properties.nama + " · " + f.properties.tps + " TPS", { sticky: true });
          l.on("click", function () {
            window.location.href = el.dataset.detail.replace("__code__", f.properties.kode);
          });
          l.on("mouseover", function () { l.setStyle({ fillOpacity: 0.8 }); });
          l.on("mouseout", function () { l.setStyle({ fillOpacity: 0.55 }); });
        }
      }).addTo(map);
      if (layer.getLayers().length) map.fitBounds(layer.getBounds());
      el.dataset.loaded = String(layer.getLayers().length);
    })
    .catch(function (err) { el.textContent = "Peta tidak dapat dimuat (" + err + ")"; });
})();
