// wirewatch live map: regions and incidents on a world map served entirely by the worker (no internet).
// Data: GET /regions, /rules, /taxonomy, /countries and /places, GET /incidents, then GET /incidents/stream
// (server-sent events; the browser resumes with Last-Event-ID). One incident — a story, its near-duplicates
// and every region and rule they matched — is one marker and one list item. Every text from a story is put
// in the page with textContent, never as HTML.
"use strict";

const COLORS = {1: "#77aa88", 2: "#ccbb33", 3: "#ee8833", 4: "#dd4422", 5: "#990099"};
const map = L.map("map", {worldCopyJump: true, minZoom: 2, maxZoom: 12}).setView([33, 40], 4);
map.createPane("labels").style.zIndex = 450;  // above the regions, below the markers
map.getPane("labels").style.pointerEvents = "none";
const incidents = new Map();  // incident_id → latest incident
const markers = new Map();    // incident_id → Leaflet marker
const cluster = L.markerClusterGroup({maxClusterRadius: 40, showCoverageOnHover: false, spiderfyOnMaxZoom: true});
map.addLayer(cluster);
const list = document.getElementById("alerts");
const statusEl = document.getElementById("status");
const $ = (id) => document.getElementById(id);
const filters = {region: $("f-region"), rule: $("f-rule"), type: $("f-type"), minSev: $("minsev"),
                 window: $("f-window"), retracted: $("showretracted")};

function el(tag, attrs, ...children) {
  const node = document.createElement(tag);
  for (const [k, v] of Object.entries(attrs || {})) {
    if (k === "class") node.className = v; else if (k.startsWith("on")) node.addEventListener(k.slice(2), v);
    else node.setAttribute(k, v);
  }
  for (const c of children) node.append(c instanceof Node ? c : document.createTextNode(c == null ? "" : String(c)));
  return node;
}

async function getJSON(url, retried) {
  const resp = await fetch(url, {headers: authHeaders()});
  if (resp.status === 401 && !retried) {  // WIREWATCH_READ_TOKEN is set: ask once, keep it for the session
    const token = window.prompt("This wirewatch needs a token to read alerts:");
    if (token) { sessionStorage.setItem("wirewatch-token", token); return getJSON(url, true); }
  }
  if (!resp.ok) throw new Error(`${url}: HTTP ${resp.status}`);
  return resp.json();
}

function withToken(url) {
  const token = sessionStorage.getItem("wirewatch-token");
  return token ? `${url}${url.includes("?") ? "&" : "?"}token=${encodeURIComponent(token)}` : url;
}

function authHeaders() {
  const token = sessionStorage.getItem("wirewatch-token");
  return token ? {Authorization: `Bearer ${token}`} : {};
}

function writeToken(what) {
  let token = sessionStorage.getItem("wirewatch-token");
  if (!token) {
    token = window.prompt(`Bearer token (WIREWATCH_INGEST_TOKEN) to ${what}:`);
    if (token) sessionStorage.setItem("wirewatch-token", token);
  }
  return token;
}

// A write (acknowledge, region): the token asked for once; a refused token is forgotten.
async function write(method, url, body, what) {
  if (!writeToken(what)) return null;
  const resp = await fetch(url, {method, headers: {...authHeaders(), "Content-Type": "application/json"},
                                 body: body == null ? undefined : JSON.stringify(body)});
  if (resp.status === 401 || resp.status === 403) sessionStorage.removeItem("wirewatch-token");
  if (!resp.ok) {
    let message = String(resp.status);
    try { message = (await resp.json()).error || message; } catch (err) { /* not JSON */ }
    window.alert(`${what} failed: ${message}`);
    return null;
  }
  return resp.json();
}

function fillSelect(select, values) {  // [[value, label]], keeping the choice
  const chosen = select.value;
  select.replaceChildren(el("option", {value: ""}, "all"), ...values.map(([v, label]) => el("option", {value: v}, label)));
  select.value = values.some(([v]) => v === chosen) ? chosen : "";
}

// -- base map: Natural Earth countries (world-atlas, vendored) ----------------------------------
let countryShapes = new Map();  // ISO 3166-1 numeric ("368") → GeoJSON Feature
const baseMap = getJSON("/static/vendor/countries-50m.json").then((topo) => {
  const countries = topojson.feature(topo, topo.objects.countries);
  countryShapes = new Map(countries.features.filter((f) => f.id != null).map((f) => [String(f.id), f]));
  L.geoJSON(countries, {style: {color: "#8a9aa8", weight: 0.6, fillColor: "#f4f1ea", fillOpacity: 1},
                        interactive: false}).addTo(map).bringToBack();
}).catch((err) => console.error("base map:", err));

// -- place labels: the largest cities of the gazetteer, more as one zooms in --------------------------
const labelLayer = L.layerGroup().addTo(map);
let places = [];
const LABELS_AT_ZOOM = [0, 0, 25, 60, 150, 350, 600];  // zoom → how many of the largest; beyond: all
function drawLabels() {
  labelLayer.clearLayers();
  const zoom = map.getZoom();
  const count = zoom < LABELS_AT_ZOOM.length ? LABELS_AT_ZOOM[zoom] : places.length;
  const bounds = map.getBounds().pad(0.2);
  for (const p of places.slice(0, count)) {
    if (!bounds.contains([p.lat, p.lon])) continue;
    const icon = L.divIcon({className: `place-label${p.rank <= 25 ? " big" : ""}`, html: el("span", {}, p.name),
                            iconSize: null, iconAnchor: [2, 8]});
    L.marker([p.lat, p.lon], {icon, pane: "labels", interactive: false, keyboard: false}).addTo(labelLayer);
  }
}
map.on("zoomend moveend", drawLabels);

// -- regions: shapes, boxes, circles and countries; drawn ones editable ---------------------------
const regionLayer = L.layerGroup().addTo(map);
const drawnItems = new L.FeatureGroup().addTo(map);  // the regions the draw toolbar may edit or delete
let countryNumbers = {};
let editing = false;
const REGION_STYLE = {color: "#2255aa", weight: 1.5, fillOpacity: 0.06, dashArray: "4 3"};

async function loadRegions() {
  if (editing) return;  // never redraw under the analyst's edit
  await baseMap;
  const body = await getJSON("/regions");
  regionLayer.clearLayers();
  drawnItems.clearLayers();
  const ul = document.getElementById("regions");
  ul.replaceChildren();
  const origins = body.origins || {};
  for (const f of body.regions) {
    const p = f.properties || {};
    const label = `${p.name || p.id} (${p.id})`;
    const keep = (layer, editable) => {
      layer.regionFeature = f;
      layer.bindTooltip(label);
      (editable ? drawnItems : regionLayer).addLayer(layer);
    };
    if (f.geometry) {
      L.geoJSON(f.geometry, {style: REGION_STYLE}).eachLayer((layer) => keep(layer, f.geometry.type === "Polygon"));
    }
    if (p.bbox) {
      const [w, s, e, n] = p.bbox;
      const boxes = w < e ? [[w, e]] : [[w, 180], [-180, e]];
      for (const [a, b] of boxes) keep(L.rectangle([[s, a], [n, b]], REGION_STYLE), false);
    }
    if (p.circle) keep(L.circle([p.circle.lat, p.circle.lon], {...REGION_STYLE, radius: p.circle.radius_km * 1000}), true);
    for (const cc of p.country_codes || []) {
      const shape = countryNumbers[cc] && countryShapes.get(countryNumbers[cc].numeric);
      if (shape) keep(L.geoJSON(shape, {style: {...REGION_STYLE, dashArray: "2 4"}}), false);
    }
    const forms = [p.country_codes && p.country_codes.length ? `countries ${p.country_codes.join(", ")}` : "",
                   p.admin1 && p.admin1.length ? `divisions ${p.admin1.join(", ")}` : ""].filter(Boolean).join("; ");
    ul.append(el("li", {"data-region-id": p.id}, label, forms ? ` — ${forms}` : "",
                 origins[p.id] ? el("span", {class: "meta"}, ` [${origins[p.id]}]`) : ""));
  }
  fillSelect(filters.region, body.regions.map((f) => [f.properties.id, f.properties.name || f.properties.id]));
}

async function loadFilters() {
  const [rules, taxonomy] = await Promise.all([getJSON("/rules"), getJSON("/taxonomy")]);
  fillSelect(filters.rule, rules.rules.map((r) => [r.id, r.name || r.id]));
  fillSelect(filters.type, taxonomy.types.map((t) => [t.id, t.id.replaceAll("_", " ")]));
}

// The region a drawn or edited layer stands for, as a GeoJSON Feature for PUT /regions/{id}.
function wrapLon(lon) { return ((lon + 180) % 360 + 360) % 360 - 180; }
function regionFeature(layer, id, name, base) {
  const props = {...((base && base.properties) || {}), id, name};
  let geometry = base ? base.geometry : null;
  if (layer instanceof L.Circle) {
    const c = layer.getLatLng();
    props.circle = {lat: c.lat, lon: wrapLon(c.lng), radius_km: Math.round(layer.getRadius()) / 1000};
  } else {
    geometry = layer.toGeoJSON().geometry;
    geometry.coordinates = geometry.coordinates.map((ring) => ring.map(([lon, lat]) => [wrapLon(lon), lat]));
  }
  return {type: "Feature", geometry, properties: props};
}

map.addControl(new L.Control.Draw({
  draw: {polyline: false, marker: false, circlemarker: false, polygon: {allowIntersection: false, showArea: false},
         rectangle: {showArea: false}, circle: {}},
  edit: {featureGroup: drawnItems, remove: true},
}));
map.on(L.Draw.Event.CREATED, async (e) => {
  const id = window.prompt("New region's id (1–128 of A–Z a–z 0–9 . _ : -):");
  if (!id) return;
  const name = window.prompt("Its name:", id) || id;
  drawnItems.addLayer(e.layer);
  await write("PUT", `/regions/${encodeURIComponent(id)}`, regionFeature(e.layer, id, name, null), "saving the region");
  await loadRegions().catch((err) => console.error("regions:", err));
});
map.on("draw:editstart draw:deletestart", () => { editing = true; });
map.on("draw:editstop draw:deletestop", () => {
  editing = false;
  loadRegions().catch((err) => console.error("regions:", err));
});
map.on(L.Draw.Event.EDITED, async (e) => {
  const layers = [];
  e.layers.eachLayer((layer) => layers.push(layer));
  for (const layer of layers) {
    const f = layer.regionFeature;
    if (!f) continue;
    await write("PUT", `/regions/${encodeURIComponent(f.properties.id)}`,
                regionFeature(layer, f.properties.id, f.properties.name || f.properties.id, f), "saving the region");
  }
});
map.on(L.Draw.Event.DELETED, async (e) => {
  const ids = new Set();
  e.layers.eachLayer((layer) => { if (layer.regionFeature) ids.add(layer.regionFeature.properties.id); });
  for (const id of ids) await write("DELETE", `/regions/${encodeURIComponent(id)}`, null, `deleting region ${id}`);
});

// -- incidents ------------------------------------------------------------------------------------
function where(inc) {
  if (inc.location) return [inc.location.lat, inc.location.lon];
  for (const q of inc.places || []) if (q.lat != null && q.lon != null) return [q.lat, q.lon];
  return null;
}

function visible(inc) {
  const minutes = Number(filters.window.value);
  return (inc.status !== "retracted" || filters.retracted.checked)
    && (inc.severity || 1) >= Number(filters.minSev.value)
    && (!filters.region.value || inc.regions.some((r) => r.id === filters.region.value))
    && (!filters.rule.value || inc.rules.includes(filters.rule.value))
    && (!filters.type.value || inc.types.includes(filters.type.value))
    && (!minutes || Date.parse(inc.updated_at) >= Date.now() - minutes * 60000);
}

// The evidence sentence with the trigger words in <mark> (offsets count code points, as Python does).
function evidence(inc) {
  const chars = Array.from(inc.evidence || "");
  const t = inc.evidence_trigger;
  const box = el("div", {class: "evidence"});
  if (t && t.start >= 0 && t.start < t.end && t.end <= chars.length) {
    box.append("“", chars.slice(0, t.start).join(""), el("mark", {}, chars.slice(t.start, t.end).join("")),
               chars.slice(t.end).join(""), "”");
  } else {
    box.append(`“${chars.join("")}”`);
  }
  return box;
}

function ackInfo(inc) {
  if (!inc.acknowledged_by) return "";
  return `acknowledged by ${inc.acknowledged_by} at ${inc.acknowledged_at}` + (inc.ack_note ? ` — ${inc.ack_note}` : "");
}

function popupFor(inc) {
  const ev = inc.event;
  const loc = inc.location;
  const box = el("div", {class: "popup", "data-incident-id": inc.incident_id},
    el("h3", {}, inc.headline || inc.story_uri),
    el("div", {}, `severity ${inc.severity} · ${inc.status}` + (inc.types.length ? ` · ${inc.types.join(", ")}` : "")),
    ev ? el("div", {}, `${ev.type} (${ev.modality})` + (ev.fatalities != null ? ` · ${ev.fatalities} dead` : "")
                       + (ev.date ? ` · ${ev.date}` : "")) : "",
    loc ? el("div", {class: "where"}, `at ${loc.name || "?"}` + (loc.source === "story" ? " (the story's place)" : "")) : "",
    inc.evidence ? evidence(inc) : "",
    el("div", {}, "matched:"),
    el("ul", {class: "matched"},
       ...inc.alerts.map((a) => el("li", {}, `${a.region_name}` + (a.rule_id ? ` · rule ${a.rule_id}` : "")
                                             + ` · sev ${a.severity || "-"} · ${a.status}`))),
    el("div", {}, "story: ", el("code", {}, `${inc.story_uri} v${inc.story_version}`),
       inc.stories.length > 1 ? ` and ${inc.stories.length - 1} more` : ""),
    inc.acknowledged_by ? el("div", {class: "ackinfo"}, ackInfo(inc)) : "");
  if (inc.status === "active" || inc.status === "updated") {
    const by = el("input", {class: "ack-by", placeholder: "your name", value: localStorage.getItem("wirewatch-by") || ""});
    const note = el("input", {class: "ack-note", placeholder: "note (optional)", maxlength: "2000"});
    box.append(el("div", {class: "ackform"}, by, note,
      el("button", {class: "ack", onclick: () => acknowledge(inc.incident_id, by.value.trim(), note.value.trim())},
         "Acknowledge")));
  }
  return box;
}

async function acknowledge(id, by, note) {
  if (by) localStorage.setItem("wirewatch-by", by);
  const body = {};
  if (by) body.by = by;
  if (note) body.note = note;
  await write("POST", `/incidents/${encodeURIComponent(id)}/ack`, body, "acknowledging");
}

function removeShown(id) {
  const old = markers.get(id);
  if (old) { cluster.removeLayer(old); markers.delete(id); }
  const item = list.querySelector(`li[data-incident-id="${CSS.escape(id)}"]`);
  if (item) item.remove();
}

function render(inc) {
  removeShown(inc.incident_id);
  if (!visible(inc)) return;
  const pos = where(inc);
  const sev = inc.severity || 1;
  if (pos) {
    const size = 10 + sev * 3;
    const icon = L.divIcon({className: `incident-marker msev${sev} ${inc.status}`, iconSize: [size, size],
                            html: el("span", {title: inc.headline || ""})});
    const marker = L.marker(pos, {icon, riseOnHover: true});
    marker.bindPopup(() => popupFor(incidents.get(inc.incident_id)), {maxWidth: 360});
    cluster.addLayer(marker);
    markers.set(inc.incident_id, marker);
  }
  const regions = inc.regions.map((r) => r.name).join(", ");
  const li = el("li", {class: `sev${sev} ${inc.status}`, "data-incident-id": inc.incident_id,
                       onclick: () => focusOn(inc.incident_id)},
    el("div", {}, inc.headline || inc.story_uri),
    el("div", {class: "meta"}, `${inc.types.join(", ") || "mention"} · sev ${sev} · ${regions}`
                               + (inc.rules.length ? ` · rules ${inc.rules.join(", ")}` : "")
                               + ` · ${inc.status} · ${inc.updated_at}`),
    inc.acknowledged_by ? el("div", {class: "ackinfo"}, ackInfo(inc)) : "");
  list.prepend(li);
}

function focusOn(id) {
  const m = markers.get(id);
  if (!m) return;
  cluster.zoomToShowLayer(m, () => m.openPopup());
}

function updateCount() { document.getElementById("count").textContent = String(list.children.length); }

function show(inc) {
  // incidents that merged into this one: gone as items of their own
  const ids = new Set(inc.alerts.map((a) => a.alert_id));
  for (const [id, other] of incidents) {
    if (id !== inc.incident_id && other.alerts.some((a) => ids.has(a.alert_id))) { incidents.delete(id); removeShown(id); }
  }
  incidents.set(inc.incident_id, inc);
  const open = document.querySelector(`.leaflet-popup-content .popup[data-incident-id="${CSS.escape(inc.incident_id)}"]`);
  render(inc);
  const marker = markers.get(inc.incident_id);
  if (open && marker) {  // an open popup shows the incident's new state
    if (cluster.getVisibleParent(marker) === marker) marker.openPopup(); else focusOn(inc.incident_id);
  }
  updateCount();
}

function redraw() {
  list.replaceChildren();
  cluster.clearLayers();
  markers.clear();
  for (const inc of [...incidents.values()].sort((a, b) => a.seq - b.seq)) render(inc);
  updateCount();
}
for (const f of Object.values(filters)) f.addEventListener("change", redraw);
setInterval(() => { if (Number(filters.window.value)) redraw(); }, 60000);  // the time window moves on

document.getElementById("fit").addEventListener("click", () => {
  const bounds = cluster.getBounds();
  if (bounds.isValid()) map.fitBounds(bounds, {padding: [30, 30], maxZoom: 9});
});

async function start() {
  countryNumbers = (await getJSON("/countries").catch(() => ({countries: {}}))).countries;
  await loadRegions().catch((err) => console.error("regions:", err));
  loadFilters().catch((err) => console.error("filters:", err));
  getJSON("/places?limit=1000").then((body) => { places = body.places; drawLabels(); })
    .catch((err) => console.error("place labels:", err));
  const recent = await getJSON("/incidents?limit=500");
  for (const inc of recent.incidents.reverse()) show(inc);
  const stream = new EventSource(withToken(`/incidents/stream?after=${recent.seq}`));
  stream.addEventListener("open", () => { statusEl.textContent = "live"; statusEl.className = "status live"; });
  stream.addEventListener("error", () => { statusEl.textContent = "reconnecting…"; statusEl.className = "status down"; });
  stream.addEventListener("incident", (msg) => show(JSON.parse(msg.data)));
  setInterval(() => {  // regions and rules change at run time too
    loadRegions().catch(() => {});
    loadFilters().catch(() => {});
  }, 30000);
}
start().catch((err) => { statusEl.textContent = `error: ${err.message}`; statusEl.className = "status down"; });
