// wirewatch live map: regions and alerts on a world map served entirely by the worker (no internet).
// Data: GET /regions, GET /alerts, then GET /alerts/stream (server-sent events; the browser resumes with
// Last-Event-ID). Every text from a story is put in the page with textContent, never as HTML.
"use strict";

const COLORS = {1: "#77aa88", 2: "#ccbb33", 3: "#ee8833", 4: "#dd4422", 5: "#990099"};
const map = L.map("map", {worldCopyJump: true, minZoom: 2}).setView([33, 40], 4);
const markers = new Map();   // alert_id → Leaflet layer
const alerts = new Map();    // alert_id → latest alert record
const list = document.getElementById("alerts");
const statusEl = document.getElementById("status");
const minSev = document.getElementById("minsev");
const showRetracted = document.getElementById("showretracted");

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

// -- base map: Natural Earth countries (world-atlas, vendored) ----------------------------------
getJSON("/static/vendor/countries-50m.json").then((topo) => {
  const countries = topojson.feature(topo, topo.objects.countries);
  L.geoJSON(countries, {style: {color: "#8a9aa8", weight: 0.6, fillColor: "#f4f1ea", fillOpacity: 1},
                        interactive: false}).addTo(map).bringToBack();
}).catch((err) => console.error("base map:", err));

// -- regions --------------------------------------------------------------------------------------
const regionLayer = L.layerGroup().addTo(map);
async function loadRegions() {
  const body = await getJSON("/regions");
  regionLayer.clearLayers();
  const ul = document.getElementById("regions");
  ul.replaceChildren();
  for (const f of body.regions) {
    const p = f.properties || {};
    const style = {color: "#2255aa", weight: 1.5, fillOpacity: 0.06, dashArray: "4 3"};
    const label = `${p.name || p.id} (${p.id})`;
    if (f.geometry) L.geoJSON(f.geometry, {style}).bindTooltip(label).addTo(regionLayer);
    if (p.bbox) {
      const [w, s, e, n] = p.bbox;
      const boxes = w < e ? [[w, e]] : [[w, 180], [-180, e]];
      for (const [a, b] of boxes) L.rectangle([[s, a], [n, b]], style).bindTooltip(label).addTo(regionLayer);
    }
    if (p.circle) L.circle([p.circle.lat, p.circle.lon], {...style, radius: p.circle.radius_km * 1000})
      .bindTooltip(label).addTo(regionLayer);
    const forms = [p.country_codes && p.country_codes.length ? `countries ${p.country_codes.join(", ")}` : "",
                   p.admin1 && p.admin1.length ? `divisions ${p.admin1.join(", ")}` : ""].filter(Boolean).join("; ");
    ul.append(el("li", {}, label, forms ? ` — ${forms}` : ""));
  }
}

// -- alerts ---------------------------------------------------------------------------------------
function where(alert) {
  const p = (alert.event && alert.event.place) || (alert.places || [])[0];
  if (p && p.lat != null && p.lon != null) return [p.lat, p.lon];
  for (const q of alert.places || []) if (q.lat != null && q.lon != null) return [q.lat, q.lon];
  return null;
}

function visible(alert) {
  return (alert.severity || 1) >= Number(minSev.value) && (alert.status !== "retracted" || showRetracted.checked);
}

function popupFor(alert) {
  const ev = alert.event;
  const box = el("div", {class: "popup", "data-alert-id": alert.alert_id},
    el("h3", {}, alert.headline || alert.story_uri),
    el("div", {}, `severity ${alert.severity || "-"} · ${alert.status} · region ${alert.region_name}`
                  + (alert.rule_id ? ` · rule ${alert.rule_id}` : "")),
    ev ? el("div", {}, `${ev.type} (${ev.modality})` + (ev.place ? ` at ${ev.place.name || ev.place.text}` : "")
                       + (ev.fatalities != null ? ` · ${ev.fatalities} dead` : "") + (ev.date ? ` · ${ev.date}` : ""))
       : el("div", {}, (alert.match_reasons || []).join("; ")),
    alert.evidence ? el("div", {class: "evidence"}, `“${alert.evidence}”`) : "",
    el("div", {}, "story: ", el("code", {}, `${alert.story_uri} v${alert.story_version}`)),
    el("div", {}, el("a", {href: `/alerts?limit=1000`, target: "_blank"}, "alerts JSON")));
  if (alert.status === "active" || alert.status === "updated") {
    box.append(el("button", {class: "ack", onclick: () => acknowledge(alert.alert_id)}, "Acknowledge"));
  }
  return box;
}

async function acknowledge(id) {
  let token = sessionStorage.getItem("wirewatch-token");
  if (!token) {
    token = window.prompt("Bearer token (WIREWATCH_INGEST_TOKEN) to acknowledge alerts:");
    if (!token) return;
    sessionStorage.setItem("wirewatch-token", token);
  }
  const resp = await fetch(`/alerts/${encodeURIComponent(id)}/ack`, {method: "POST", headers: authHeaders()});
  if (resp.status === 401) sessionStorage.removeItem("wirewatch-token");
  if (!resp.ok) window.alert(`acknowledging failed: ${(await resp.json()).error || resp.status}`);
}

function show(alert) {
  alerts.set(alert.alert_id, alert);
  const old = markers.get(alert.alert_id);
  if (old) { map.removeLayer(old); markers.delete(alert.alert_id); }
  const item = document.querySelector(`li[data-alert-id="${CSS.escape(alert.alert_id)}"]`);
  if (item) item.remove();
  if (!visible(alert)) { updateCount(); return; }
  const pos = where(alert);
  const sev = alert.severity || 1;
  if (pos) {
    const marker = L.circleMarker(pos, {radius: 5 + sev * 2, color: "#222", weight: 1,
                                        fillColor: alert.status === "retracted" ? "#999" : COLORS[sev],
                                        fillOpacity: alert.status === "active" || alert.status === "updated" ? 0.9 : 0.4});
    marker.bindPopup(() => popupFor(alerts.get(alert.alert_id)));
    marker.addTo(map);
    markers.set(alert.alert_id, marker);
  }
  const li = el("li", {class: `sev${sev} ${alert.status}`, "data-alert-id": alert.alert_id,
                       onclick: () => { const m = markers.get(alert.alert_id);
                                        if (m) { map.panTo(m.getLatLng()); m.openPopup(); } }},
    el("div", {}, alert.headline || alert.story_uri),
    el("div", {class: "meta"}, `${alert.event ? alert.event.type : "mention"} · sev ${sev} · ${alert.region_name}`
                               + ` · ${alert.status} · ${alert.created_at}`));
  list.prepend(li);
  updateCount();
}

function updateCount() { document.getElementById("count").textContent = String(list.children.length); }

function redraw() { for (const a of [...alerts.values()].reverse()) show(a); }
minSev.addEventListener("change", redraw);
showRetracted.addEventListener("change", redraw);

async function start() {
  await loadRegions().catch((err) => console.error("regions:", err));
  const recent = await getJSON("/alerts?limit=500");
  for (const a of recent.alerts.reverse()) show(a);
  const stream = new EventSource(withToken(`/alerts/stream?after=${recent.seq}`));
  stream.addEventListener("open", () => { statusEl.textContent = "live"; statusEl.className = "status live"; });
  stream.addEventListener("error", () => { statusEl.textContent = "reconnecting…"; statusEl.className = "status down"; });
  stream.addEventListener("alert", (msg) => show(JSON.parse(msg.data)));
  setInterval(() => loadRegions().catch(() => {}), 30000);  // regions change at run time too
}
start().catch((err) => { statusEl.textContent = `error: ${err.message}`; statusEl.className = "status down"; });
