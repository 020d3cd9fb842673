// Results dashboard: the choropleth of sheet progress (Leaflet, no tile layer: the
// desk may be offline) and the digit charts (Chart.js), from data in the page.
(function () {
  "use strict";

  function colour(share) {
    if (share <= 0) return "#f2f4f7";
    if (share < 0.25) return "#c7e9c0";
    if (share < 0.75) return "#74c476";
    if (share < 1) return "#31a354";
    return "#006d2c";
  }

  function pct(share) {
    return (share * 100).toLocaleString(document.documentElement.lang || "id", {
      maximumFractionDigits: 1
    }) + " %";
  }

  function progressMap() {
    var el = document.getElementById("progress-map");
    if (!el || !window.L) return;
    var map = L.map(el, { zoomSnap: 0.25, attributionControl: false });
    var get = function (url) {
      return fetch(url, { credentials: "same-origin" }).then(function (r) {
        if (!r.ok) throw new Error(r.status);
        return r.json();
      });
    };
    Promise.all([get(el.dataset.boundaries), get(el.dataset.progress)])
      .then(function (both) {
        var byCode = {};
        both[1].areas.forEach(function (a) { byCode[a.code] = a; });
        var layer = L.geoJSON(both[0], {
          style: function (f) {
            var a = byCode[f.properties.kode] || { share: 0 };
            return { color: "#344054", weight: 1, fillColor: colour(a.share), fillOpacity: 0.85 };
          },
          onEachFeature: function (f, l) {
            var a = byCode[f.properties.kode] || { with_sheet: 0, tps_total: f.properties.tps, share: 0 };
            l.bindTooltip(
              f.properties.nama + " · " + a.with_sheet + " / " + a.tps_total + " TPS (" + pct(a.share) + ")",
              { sticky: true }
            );
            l.on("click", function () {
              window.location.href = el.dataset.detail.replace("__code__", f.properties.kode);
            });
          }
        }).addTo(map);
        if (layer.getLayers().length) map.fitBounds(layer.getBounds());
        el.dataset.loaded = String(layer.getLayers().length);
      })
      .catch(function (err) { el.textContent = "Peta tidak dapat dimuat (" + err + ")"; });
  }

  function digitCharts() {
    var data = document.getElementById("digit-data");
    if (!data || !window.Chart) return;
    var digits = JSON.parse(data.textContent);
    var words = JSON.parse(document.getElementById("chart-words").textContent);
    [["last_digit", "chart-last-digit"], ["second_digit", "chart-second-digit"]].forEach(function (pair) {
      var canvas = document.getElementById(pair[1]);
      var d = digits[pair[0]];
      if (!canvas || !d) return;
      new Chart(canvas, {
        type: "bar",
        data: {
          labels: ["0", "1", "2", "3", "4", "5", "6", "7", "8", "9"],
          datasets: [
            { label: words.observed + " (n = " + d.sample + ")", data: d.observed, backgroundColor: "#0b4f8a" },
            { label: words.expected, data: d.expected, backgroundColor: "#d0d5dd" }
          ]
        },
        options: {
          animation: false,
          maintainAspectRatio: false,
          scales: {
            x: { title: { display: true, text: words.digit } },
            y: { beginAtZero: true, ticks: { callback: function (v) { return Math.round(v * 100) + "%"; } } }
          },
          plugins: { legend: { position: "bottom" } }
        }
      });
      canvas.dataset.drawn = "1";
    });
  }

  progressMap();
  digitCharts();
})();
