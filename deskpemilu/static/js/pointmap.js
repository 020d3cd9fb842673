// A reported point on a small map: the outline of the place it lies in (light
// GeoJSON from the desk) and a circle at the point. No tile layer: the desk may be
// offline. Used by the message page for a location sent by WhatsApp or Telegram.
(function () {
  "use strict";
  var el = document.getElementById("message-map");
  if (!el || !window.L) return;
  var lat = parseFloat(el.dataset.lat), lng = parseFloat(el.dataset.lng);
  if (isNaN(lat) || isNaN(lng)) return;
  var map = L.map(el, { zoomSnap: 0.25, attributionControl: false });
  var point = L.circleMarker([lat, lng], {
    radius: 8, color: "#b00020", weight: 2, fillColor: "#ff5252", fillOpacity: 0.9
  }).addTo(map).bindTooltip(el.dataset.label || "", { permanent: false });
  map.setView([lat, lng], 14);
  if (!el.dataset.boundaries) { el.dataset.loaded = "0"; return; }
  fetch(el.dataset.boundaries, { credentials: "same-origin" })
    .then(function (r) { if (!r.ok) throw new Error(r.status); return r.json(); })
    .then(function (data) {
      var layer = L.geoJSON(data, {
        style: function () {
          return { color: "#0b4f8a", weight: 1, fillColor: "#9ec5e8", fillOpacity: 0.35 };
        },
        onEachFeature: function (f, l) { l.bindTooltip(f.properties.nama, { sticky: true }); }
      }).addTo(map);
      point.bringToFront();
      if (layer.getLayers().length) map.fitBounds(layer.getBounds().extend([lat, lng]));
      el.dataset.loaded = String(layer.getLayers().length);
    })
    .catch(function () { el.dataset.loaded = "0"; });
})();
