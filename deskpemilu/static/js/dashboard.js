// The situation dashboard: the map of the region's children coloured by status
// (no tile layer: the desk may be offline), incidents clustered on it, tiles,
// charts and the children's table. Clicking a shape drills down in place
// (kab/kota -> kecamatan -> desa); the URL follows (?wilayah=), so back works.
// Every few seconds it asks what changed (a small JSON) and, when something did,
// fetches the tiles, markers and colours again; new reports are listed as they come.
(function () {
  "use strict";
  const dataEl = document.getElementById("dashboard-data");
  const mapEl = document.getElementById("map");
  if (!dataEl || !mapEl || !window.L) return;
  const boot = JSON.parse(dataEl.textContent);
  const labels = boot.labels;
  const lang = document.documentElement.lang || "id";
  const number = new Intl.NumberFormat(lang);
  const clock = new Intl.DateTimeFormat(lang, {
    hour: "2-digit", minute: "2-digit", second: "2-digit", timeZone: "Asia/Jakarta",
  });
  const dayFormat = new Intl.DateTimeFormat(lang, { day: "numeric", month: "short", timeZone: "UTC" });
  // A whole date as the server writes it (DATE_FORMAT, "14 Feb 2024"): en-GB puts the
  // day first as the desk's English does.
  const fullDay = new Intl.DateTimeFormat(lang === "en" ? "en-GB" : lang, {
    day: "numeric", month: "short", year: "numeric", timeZone: "UTC",
  });
  const SEVERITY_COLOURS = { ringan: "#667085", sedang: "#eaaa08", berat: "#e04f16", kritis: "#7a0916" };
  const CATEGORY_COLOURS = [
    "#b42318", "#c4320a", "#dc6803", "#ca8504", "#4e5ba6", "#0e9384",
    "#7a2e0e", "#6938ef", "#c11574", "#2e90fa", "#15b79e", "#98a2b3",
  ];
  const form = document.getElementById("dash-filters");
  const state = {
    summary: boot.summary,
    code: boot.summary.region.code,
    period: Object.assign({}, boot.summary.period),
    marks: boot.marks || { event: null, incident: null },
    statusAt: boot.summary.status ? boot.summary.status.computed_at : null,
    countedAt: boot.summary.counted_at,
    seq: { summary: 0, shapes: 0, points: 0 },
    levels: {},
  };
  window.deskDashboard = { refreshes: 0, polls: 0 };

  // --- requests ---------------------------------------------------------------
  function endpoint(name, code, params) {
    const base = boot.urls[name].replace("__code__", encodeURIComponent(code));
    const query = new URLSearchParams();
    Object.entries(params || {}).forEach(([key, value]) => {
      if (value !== null && value !== undefined && value !== "") query.set(key, value);
    });
    const text = query.toString();
    return text ? base + (base.includes("?") ? "&" : "?") + text : base;
  }
  function getJSON(url) {
    return fetch(url, { credentials: "same-origin", headers: { Accept: "application/json" } })
      .then((r) => { if (!r.ok) throw new Error("HTTP " + r.status); return r.json(); });
  }
  function periodParams() {
    return { date_from: state.period.date_from, date_to: state.period.date_to, stage: state.period.stage };
  }
  // The date boxes are typed day/month/year (core/dateinput.py); the state, the URL
  // and the API keep ISO dates.
  function typedDay(iso) {
    const m = /^(\d{4})-(\d{2})-(\d{2})$/.exec(iso || "");
    return m ? m[3] + "/" + m[2] + "/" + m[1] : (iso || "");
  }
  function isoDay(typed) {
    const m = /^(\d{1,2})[/-](\d{1,2})[/-](\d{4})$/.exec((typed || "").trim());
    return m ? m[3] + "-" + m[2].padStart(2, "0") + "-" + m[1].padStart(2, "0") : (typed || "").trim();
  }
  function escapeHtml(text) {
    const span = document.createElement("span");
    span.textContent = text == null ? "" : String(text);
    return span.innerHTML;
  }
  function levelLabel(level) { return labels.levels[level] || "—"; }

  // --- map ----------------------------------------------------------------------
  // A finite zoom range: without a tile layer Leaflet's is unbounded, and the
  // marker clusters are built for every zoom level. No zoom animation: Leaflet
  // drops a new view asked for while one is animating (a quick drill-down).
  const map = L.map(mapEl, {
    zoomSnap: 0.25, attributionControl: false, minZoom: 6, maxZoom: 17, zoomAnimation: false,
  });
  map.setView([-6.4, 106.1], 8);
  window.deskDashboard.map = map;
  const cluster = L.markerClusterGroup({
    showCoverageOnHover: false,
    maxClusterRadius: 45,
    chunkedLoading: true,
    iconCreateFunction: (c) => L.divIcon({
      html: "<span>" + number.format(c.getChildCount()) + "</span>",
      className: "inc-cluster",
      iconSize: [34, 34],
    }),
  });
  map.addLayer(cluster);
  const pins = {};
  boot.order.severities.forEach((sev) => {
    pins[sev] = L.divIcon({ className: "inc-pin sev-pin-" + sev, iconSize: [14, 14] });
  });
  let shapes = null;
  let labels_ = null;

  function styleFor(code, level) {
    return {
      color: "#344054", weight: 1, fillOpacity: 0.72,
      fillColor: boot.colours[level || ""] || boot.colours[""],
      className: "region-shape r-" + code.replace(/\./g, "-"),
    };
  }
  function childLevel() { return state.summary.region.child_level; }
  function statusUrl() {
    const level = childLevel() || state.summary.region.level;
    return endpoint("status", state.code, { within: state.code, level: level });
  }
  function paintShape(layer) {
    const code = layer.feature.properties.kode;
    const level = state.levels[code] || "";
    layer.setStyle(styleFor(code, level));
    const element = layer.getElement();
    if (element) {
      element.setAttribute("data-code", code);
      element.setAttribute("data-level", level);
    }
    layer.setTooltipContent(layer.feature.properties.nama + " · " + levelLabel(level));
  }
  function onShapeClick(code) {
    if (childLevel()) drill(code);
    else window.location.href = boot.urls.region.replace("__code__", code);
  }
  function loadShapes(fit) {
    const my = ++state.seq.shapes;
    const depth = childLevel() ? 1 : 0;
    const outlines = getJSON(endpoint("boundaries", state.code, { depth: depth }));
    return Promise.all([outlines, getJSON(statusUrl())]).then(([geo, statuses]) => {
      if (my !== state.seq.shapes) return;
      state.levels = {};
      statuses.forEach((row) => { state.levels[row.code] = row.level; });
      if (shapes) map.removeLayer(shapes);
      shapes = L.geoJSON(geo, {
        style: (f) => styleFor(f.properties.kode, state.levels[f.properties.kode]),
        onEachFeature: (f, layer) => {
          layer.bindTooltip(f.properties.nama, { sticky: true });
          layer.on("click", () => onShapeClick(f.properties.kode));
          layer.on("mouseover", () => layer.setStyle({ fillOpacity: 0.9 }));
          layer.on("mouseout", () => layer.setStyle({ fillOpacity: 0.72 }));
        },
      }).addTo(map);
      shapes.bringToBack();
      shapes.eachLayer(paintShape);
      // Place names on the map (kab/kota on the province, kecamatan below it):
      // a label at the middle of each shape, not clickable, so clicks reach it.
      if (labels_) map.removeLayer(labels_);
      labels_ = L.layerGroup(shapes.getLayers().map((layer) => L.marker(layer.getBounds().getCenter(), {
        interactive: false, keyboard: false,
        icon: L.divIcon({ className: "region-label", html: "<span>" + escapeHtml(layer.feature.properties.nama) + "</span>", iconSize: null }),
      }))).addTo(map);
      const count = shapes.getLayers().length;
      if (count && fit) map.fitBounds(shapes.getBounds(), { padding: [8, 8] });
      mapEl.dataset.loaded = String(count);
      mapEl.dataset.code = state.code;
    });
  }
  function recolour() {
    if (!shapes) return Promise.resolve();
    return getJSON(statusUrl()).then((statuses) => {
      statuses.forEach((row) => { state.levels[row.code] = row.level; });
      shapes.eachLayer(paintShape);
    });
  }
  function popup(point) {
    const [id, , , sev, st, cat, exact] = point;
    const severity = boot.order.severities[sev];
    const status = boot.order.statuses[st];
    const category = boot.order.categories[cat];
    const link = boot.urls.incident.replace("__code__", id);
    return '<a href="' + link + '"><b>K' + String(id).padStart(6, "0") + "</b></a><br>" +
      escapeHtml(labels.categories[category]) + "<br>" +
      '<span class="badge sev-' + severity + '">' + escapeHtml(labels.severities[severity]) + "</span> " +
      '<span class="badge st-' + status + '">' + escapeHtml(labels.statuses[status]) + "</span>" +
      (exact ? "" : '<br><span class="muted">' + escapeHtml(boot.text.centre) + "</span>");
  }
  function loadPoints() {
    const my = ++state.seq.points;
    return getJSON(endpoint("points", state.code, periodParams())).then((data) => {
      if (my !== state.seq.points) return;
      cluster.clearLayers();
      cluster.addLayers(data.points.map((p) => {
        const marker = L.marker([p[1], p[2]], { icon: pins[boot.order.severities[p[3]]], keyboard: false });
        marker.bindPopup(() => popup(p));
        return marker;
      }));
      mapEl.dataset.points = String(data.points.length);
      const note = document.getElementById("points-note");
      note.textContent = data.truncated
        ? boot.text.truncated.replace("%s", number.format(data.limit))
        : boot.text.points.replace("%s", number.format(data.points.length));
    });
  }

  // --- tiles, header, table -----------------------------------------------------
  function valueAt(object, path) {
    return path.split(".").reduce((o, key) => (o == null ? o : o[key]), object);
  }
  function renderFields(summary) {
    document.querySelectorAll("[data-field]").forEach((node) => {
      const value = valueAt(summary, node.dataset.field);
      if (node.dataset.format === "day" && typeof value === "string" && value) {
        node.textContent = fullDay.format(new Date(value + "T00:00:00Z"));
        return;
      }
      node.textContent = value == null ? "—" : typeof value === "number" ? number.format(value) : value;
    });
  }
  function renderHead(summary) {
    const region = summary.region;
    const head = document.getElementById("region");
    head.dataset.code = region.code;
    head.dataset.level = region.level;
    document.getElementById("dash-name").textContent = region.name;
    document.getElementById("dash-kind").textContent = region.kind + " · " + region.code;
    const badge = document.getElementById("dash-level");
    const level = summary.status ? summary.status.level : "none";
    badge.className = "level lvl-" + level;
    badge.textContent = summary.status ? levelLabel(level) : boot.text.not_computed;
    badge.title = summary.status ? summary.status.reason : "";
    document.getElementById("dash-region-link").href = boot.urls.region.replace("__code__", region.code);
    head.querySelectorAll("[data-levels]").forEach((node) => {
      node.hidden = !node.dataset.levels.split(" ").includes(region.level);
    });
    const crumbs = document.getElementById("dash-crumbs");
    crumbs.hidden = !region.crumbs.length;
    crumbs.innerHTML = "";
    region.crumbs.forEach((c) => {
      const item = document.createElement(c.visible ? "a" : "span");
      item.textContent = c.name;
      if (c.visible) { item.href = "?wilayah=" + c.code; item.dataset.code = c.code; }
      crumbs.append(item, " › ");
    });
    const here = document.createElement("strong");
    here.textContent = region.name;
    crumbs.append(here);
    const fresh = document.getElementById("dash-fresh");
    const parts = [];
    if (summary.status) parts.push(boot.text.status_at.replace("%s", clock.format(new Date(summary.status.computed_at))));
    if (summary.counted_at) parts.push(boot.text.counted_at.replace("%s", clock.format(new Date(summary.counted_at))));
    fresh.textContent = parts.join(" · ");
    const list = document.getElementById("dash-list");
    const query = new URLSearchParams({ region: region.code, date_from: state.period.date_from, date_to: state.period.date_to });
    if (state.period.stage) query.set("stage", state.period.stage);
    list.href = boot.urls.incidents + "?" + query.toString();
  }
  function renderChildren(summary) {
    const card = document.getElementById("children-card");
    const body = document.querySelector("#children tbody");
    card.hidden = !summary.children.length;
    body.innerHTML = summary.children.map((c) =>
      '<tr data-code="' + c.code + '"><td>' + c.code + '</td><td><a href="' +
      boot.urls.region.replace("__code__", c.code) + '">' + escapeHtml(c.name) +
      '</a></td><td><span class="level lvl-' + (c.status || "none") + '">' + escapeHtml(levelLabel(c.status)) + "</span>" +
      (c.reason ? '<br><small class="muted reason">' + escapeHtml(c.reason) + "</small>" : "") +
      '</td><td class="num">' + number.format(c.incidents) + '</td><td class="num">' +
      number.format(c.significant) + '</td><td class="num">' + number.format(c.tps) + "</td></tr>"
    ).join("");
  }

  // --- charts ---------------------------------------------------------------------
  Chart.defaults.font.family = getComputedStyle(document.body).fontFamily;
  Chart.defaults.animation = false;
  const timeChart = new Chart(document.getElementById("chart-time"), {
    type: "bar",
    data: { labels: [], datasets: [] },
    options: {
      maintainAspectRatio: false,
      scales: { x: { stacked: true }, y: { stacked: true, beginAtZero: true, ticks: { precision: 0 } } },
      plugins: { legend: { position: "bottom", labels: { boxWidth: 10, font: { size: 11 } } } },
    },
  });
  const childChart = new Chart(document.getElementById("chart-children"), {
    type: "bar",
    data: { labels: [], datasets: [] },
    options: {
      indexAxis: "y",
      maintainAspectRatio: false,
      scales: { x: { stacked: true, beginAtZero: true, ticks: { precision: 0 } }, y: { stacked: true, ticks: { autoSkip: false, font: { size: 10 } } } },
      plugins: { legend: { position: "bottom", labels: { boxWidth: 10, font: { size: 11 } } } },
      onClick: (event, elements) => {
        if (elements.length && childLevel()) drill(state.summary.children[elements[0].index].code);
      },
    },
  });
  function renderCharts(summary) {
    const timeline = summary.timeline;
    timeChart.data.labels = timeline.buckets.map((b) => dayFormat.format(new Date(b + "T00:00:00Z")));
    timeChart.data.datasets = boot.order.categories
      .filter((c) => timeline.series[c])
      .map((c) => ({
        label: labels.categories[c],
        data: timeline.series[c],
        backgroundColor: CATEGORY_COLOURS[boot.order.categories.indexOf(c) % CATEGORY_COLOURS.length],
      }));
    timeChart.update();
    const children = summary.children;
    childChart.canvas.parentNode.style.height = Math.max(220, 22 * children.length + 70) + "px";
    childChart.data.labels = children.map((c) => c.name);
    childChart.data.datasets = boot.order.severities.map((s) => ({
      label: labels.severities[s],
      data: children.map((c) => c.by_severity[s]),
      backgroundColor: SEVERITY_COLOURS[s],
    }));
    childChart.update();
  }

  function render(summary) {
    state.summary = summary;
    state.statusAt = summary.status ? summary.status.computed_at : null;
    state.countedAt = summary.counted_at;
    renderHead(summary);
    renderFields(summary);
    renderChildren(summary);
    renderCharts(summary);
  }

  // --- loading ---------------------------------------------------------------------
  function loadSummary() {
    const my = ++state.seq.summary;
    return getJSON(endpoint("summary", state.code, periodParams())).then((summary) => {
      if (my === state.seq.summary) render(summary);
    });
  }
  function refreshAll(fit) {
    window.deskDashboard.refreshes += 1;
    return loadSummary()
      .then(() => Promise.all([loadShapes(fit), loadPoints()]))
      .catch(showError);
  }
  function refreshData() {
    window.deskDashboard.refreshes += 1;
    return Promise.all([loadSummary(), loadPoints(), recolour()]).catch(showError);
  }
  function showError(error) {
    document.getElementById("live-state").textContent = boot.text.failed + " (" + error.message + ")";
  }

  // --- navigation: drill, filters, back --------------------------------------------
  function pageUrl() {
    const query = new URLSearchParams({ wilayah: state.code });
    Object.entries(periodParams()).forEach(([k, v]) => { if (v) query.set(k, v); });
    return window.location.pathname + "?" + query.toString();
  }
  function drill(code) {
    if (code === state.code) return;
    state.code = code;
    history.pushState({ code: code, period: state.period }, "", pageUrl());
    form.elements.wilayah.value = code;
    refreshAll(true);
  }
  window.addEventListener("popstate", (event) => {
    const query = new URLSearchParams(window.location.search);
    state.code = (event.state && event.state.code) || query.get("wilayah") || boot.summary.region.code;
    state.period = (event.state && event.state.period) || Object.assign({}, boot.summary.period);
    form.elements.wilayah.value = state.code;
    form.elements.date_from.value = typedDay(state.period.date_from);
    form.elements.date_to.value = typedDay(state.period.date_to);
    form.elements.stage.value = state.period.stage || "";
    refreshAll(true);
  });
  document.addEventListener("click", (event) => {
    const link = event.target.closest("#dash-crumbs a[data-code]");
    if (!link || event.ctrlKey || event.metaKey || event.shiftKey) return;
    event.preventDefault();
    drill(link.dataset.code);
  });
  form.elements.stage.addEventListener("change", () => {
    const option = form.elements.stage.selectedOptions[0];
    if (option && option.dataset.from) {
      form.elements.date_from.value = typedDay(option.dataset.from);
      form.elements.date_to.value = typedDay(option.dataset.to || option.dataset.from);
    }
  });
  form.addEventListener("submit", (event) => {
    event.preventDefault();
    state.period = {
      date_from: isoDay(form.elements.date_from.value),
      date_to: isoDay(form.elements.date_to.value),
      stage: form.elements.stage.value ? Number(form.elements.stage.value) : null,
    };
    history.pushState({ code: state.code, period: state.period }, "", pageUrl());
    loadSummary().then(() => {
      state.period = Object.assign({}, state.summary.period);
      form.elements.date_from.value = typedDay(state.period.date_from);
      form.elements.date_to.value = typedDay(state.period.date_to);
      return loadPoints();
    }).catch(showError);
  });

  // --- live updates: poll a small "what changed" endpoint -------------------------
  function showNew(items) {
    const list = document.getElementById("new-incidents");
    const empty = document.getElementById("no-new");
    if (empty) empty.remove();
    items.forEach((item) => {
      const li = document.createElement("li");
      li.className = "new-item fresh";
      li.dataset.id = item.id;
      li.innerHTML = '<a href="' + boot.urls.incident.replace("__code__", item.id) + '">' + item.ref +
        '</a> <span class="badge sev-' + item.severity + '">' + escapeHtml(labels.severities[item.severity]) +
        "</span> " + escapeHtml(item.title) + ' <span class="muted">· ' + escapeHtml(item.region) + " · " +
        clock.format(new Date(item.occurred_at)) + "</span>";
      list.prepend(li);
      setTimeout(() => li.classList.remove("fresh"), 15000);
    });
    while (list.children.length > 30) list.lastElementChild.remove();
  }
  let timer = null;
  let polling = false;
  function poll() {
    if (polling) return;
    if (document.hidden) return schedule();
    polling = true;
    window.deskDashboard.polls += 1;
    const params = { event: state.marks.event, incident: state.marks.incident };
    getJSON(endpoint("changes", state.code, params))
      .then((data) => {
        if (data.new.length) showNew(data.new);
        const moved = data.changed || data.status_at !== state.statusAt || data.counted_at !== state.countedAt;
        state.marks = { event: data.event, incident: data.incident };
        document.getElementById("live-state").textContent = boot.text.checked.replace("%s", clock.format(new Date()));
        if (moved) return refreshData();
      })
      .catch(showError)
      .then(() => { polling = false; schedule(); });
  }
  function schedule() {
    clearTimeout(timer);
    timer = setTimeout(poll, boot.poll_seconds * 1000);
  }
  document.addEventListener("visibilitychange", () => {
    if (!document.hidden) { clearTimeout(timer); poll(); }
  });

  // --- start -------------------------------------------------------------------------
  renderHead(state.summary);
  renderCharts(state.summary);
  loadShapes(true).catch((error) => { mapEl.dataset.error = error.message; showError(error); });
  loadPoints().catch(showError);
  schedule();
})();
