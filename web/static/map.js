// The causal map (vis-network) and the multi-agency timeline (SVG), kept in step.
// Positions come from the server's time layout (causalmap.render.layout), the same the
// diagram exports draw; the page only draws lanes, the date axis and the overview.
"use strict";
(async () => {
  const CASE_ID = JSON.parse(document.getElementById("case-id").textContent);
  const base = `/api/cases/${encodeURIComponent(CASE_ID)}`;
  const FORMS = JSON.parse(document.getElementById("forms-data").textContent);
  const $ = (id) => document.getElementById(id);
  const DAY = 86400000;
  const response = await cm.send("GET", `${base}/map`);
  if (!response.ok) { cm.showProblem($("details"), response.body); return; }
  let model = response.body;
  const L = model.layout;
  const state = {colour: "agency", layout: "time", search: "", agencies: new Set(model.agencies.map(a => a.id)),
    kinds: new Set(["event", "decision", "factor"]), episode: "", from: null, to: null, upTo: null,
    known: null, gapMarks: new Set(), linkMode: null, selected: null, focus: null, focusLanes: new Set(), detail: "full"};

  const dayOf = (iso) => iso ? Date.parse(iso.length === 4 ? iso + "-01-01" : iso.length === 7 ? iso + "-01" : iso) : null;
  const byId = Object.fromEntries(model.nodes.map(n => [n.id, n]));
  const agencyById = Object.fromEntries(model.agencies.map(a => [a.id, a]));
  const episodeById = Object.fromEntries(model.episodes.map(e => [e.id, e]));
  let minDay = Infinity, maxDay = -Infinity;
  for (const n of model.nodes) { const d = dayOf(n.date); if (d !== null) { minDay = Math.min(minDay, d); maxDay = Math.max(maxDay, d); } }
  if (!isFinite(minDay)) { minDay = maxDay = Date.now(); }
  const spanDays = Math.max(1, (maxDay - minDay) / DAY);
  const ORIGIN = Date.parse(L.origin);
  const xOfDay = (ms) => L.x_origin + (ms - ORIGIN) / DAY * L.px_per_day;
  const dayOfX = (x) => ORIGIN + (x - L.x_origin) / L.px_per_day * DAY;
  const words = (n) => `${n.kind === "factor" ? "" : n.dateText + " · "}${n.agencyName ? n.agencyName + " · " : ""}${n.kindText}`;
  const about = (n) => `${words(n)}: ${cm.short(n.description, 70)}`;

  // -- nodes: boxes of the layout's size, labels by level of detail ------------------------------
  const PAD = L.padding, READABLE = 9, SHORT = 5;
  const OPENING = 1;  // the first view draws labels at their full 12 px (at least 9 px is readable)
  const MIN_READABLE = READABLE / L.font_size;
  function detailFor(scale) { const px = L.font_size * scale; return px >= READABLE ? "full" : px >= SHORT ? "short" : "none"; }
  function labelFor(n) {
    if (state.detail === "full") return n.lines.join("\n");
    if (state.detail === "short") return n.lines[0] + (n.lines.length > 1 ? "..." : "");
    return " ";
  }
  function tooltip(n) {  // a DOM node: vis-network shows it as it is, user text as text
    const box = cm.el("div", {class: "map-tip"});
    box.append(cm.el("strong", {text: words(n)}), cm.el("br"), n.description);
    return box;
  }
  function faded(n) {
    if (state.known && n.kind !== "factor" && !state.known.has(n.id)) return true;
    return state.focus !== null && !state.focus.has(n.id);
  }
  function styled(n) {
    const colour = state.colour === "agency" ? n.colorAgency : n.colorCategory;
    const marked = state.gapMarks.has(n.id);
    const fill = tint(colour);
    return {id: n.id, label: labelFor(n), shape: "box", margin: PAD,
      // No maximum: vis-network would wrap the server's lines again (and it shrinks the
      // maximum by the margins on every update). The lines already fit: they are measured
      // with Arial's metrics to boxWidth - 2 * PAD on the server.
      widthConstraint: {minimum: n.boxWidth - 2 * PAD},
      chosen: {node: true, label: false},  // no bold label when selected: it would be wider
      heightConstraint: {minimum: n.boxHeight - 2 * PAD, valign: "middle"},
      color: {background: fill, border: n.harm ? "#A4161A" : marked ? "#A4161A" : colour,
        highlight: {background: fill, border: "#000000"}, hover: {background: fill, border: "#000000"}},
      borderWidth: n.harm || marked ? 4 : 2, borderWidthSelected: 4,
      shapeProperties: {borderRadius: n.radius, borderDashes: n.pattern === "dashed" || (n.kind === "decision" && n.taken === false) ? [6, 4] : n.pattern === "dotted" ? [2, 3] : false},
      font: {color: "#111111", size: L.font_size, face: "Arial", bold: {color: "#111111"}, multi: false},
      opacity: faded(n) ? 0.18 : 1};
  }
  function tint(hex) {
    const c = [1, 3, 5].map(i => parseInt(hex.slice(i, i + 2), 16));
    return "#" + c.map(v => Math.round(v + (255 - v) * 0.78).toString(16).padStart(2, "0")).join("");
  }
  const nodes = new vis.DataSet(model.nodes.map(n => ({...styled(n), title: tooltip(n), x: n.timeX, y: n.timeY, fixed: {x: true, y: true}})));
  const toEdge = (e, i) => ({id: e.id || `e${i}`, from: e.from, to: e.to, title: e.title, arrows: "to", width: e.width,
    dashes: e.confidence === "low" ? [3, 3] : e.dashes, color: {color: e.color, opacity: 1}, relation: e.relation, linkId: e.linkId});
  const edges = new vis.DataSet(model.edges.map(toEdge));
  function visible(n) {
    if (!state.kinds.has(n.kind)) return false;
    if (n.agency && !state.agencies.has(n.agency)) return false;
    if (state.episode && !(n.episodes || []).includes(state.episode)) return false;
    const d = dayOf(n.date);
    if (d !== null) {
      if (state.from && d < state.from) return false;
      if (state.to && d > state.to) return false;
      if (state.upTo !== null && d > state.upTo) return false;
    }
    if (state.search) {
      const q = state.search.toLowerCase();
      if (!(n.id.toLowerCase().includes(q) || about(n).toLowerCase().includes(q) || n.description.toLowerCase().includes(q))) return false;
    }
    return true;
  }
  const nodeView = new vis.DataView(nodes, {filter: (item) => visible(byId[item.id])});
  const network = new vis.Network($("network"), {nodes: nodeView, edges}, {
    physics: {enabled: false, stabilization: {iterations: 250, updateInterval: 50}, barnesHut: {gravitationalConstant: -6000, springLength: 140}},
    interaction: {hover: true, keyboard: {enabled: true, bindToWindow: false}, multiselect: true, tooltipDelay: 150, zoomSpeed: 0.6},
    nodes: {scaling: {label: {drawThreshold: 2}}},
    edges: {smooth: false, color: {inherit: false}}, layout: {improvedLayout: false},
  });
  window.causalmap = {network, nodes, edges, state, layout: L, ready: false};

  // -- lanes, factor band and date axis: drawn on the canvas, headers kept in view -------------------
  const LEVEL_GAP = {year: 0, month: 46, day: 30};  // px on screen a tick needs to be drawn
  const spacing = {year: 365 * L.px_per_day, month: 30.4 * L.px_per_day, day: L.px_per_day};
  const levelsAt = (scale) => Object.keys(LEVEL_GAP).filter(l => spacing[l] * scale >= LEVEL_GAP[l]);
  network.on("beforeDrawing", (ctx) => {
    if (state.layout !== "time") return;
    const scale = network.getScale(), view = network.getViewPosition();
    const w = network.canvas.frame.canvas.clientWidth / scale, left = view.x - w / 2, right = view.x + w / 2;
    ctx.save();
    if (L.factor_band.bottom > L.factor_band.top) {
      ctx.fillStyle = "#f4f0fa"; ctx.fillRect(left, L.factor_band.top, right - left, L.factor_band.bottom - L.factor_band.top);
    }
    model.agencies.forEach((a, i) => {
      const lane = L.lanes[i];
      ctx.fillStyle = state.focusLanes.has(lane.agency) ? "#fff3c4" : i % 2 ? "#f6f7f9" : "#ffffff";
      ctx.fillRect(left, lane.top, right - left, lane.bottom - lane.top);
      ctx.strokeStyle = "#d0d5dd"; ctx.lineWidth = 1 / scale;
      ctx.beginPath(); ctx.moveTo(left, lane.top); ctx.lineTo(right, lane.top); ctx.stroke();
    });
    const levels = levelsAt(scale);
    for (const t of L.ticks) {
      if (t.x < left || t.x > right || !levels.includes(t.level)) continue;
      ctx.strokeStyle = t.level === "year" ? "#98a2b3" : t.level === "month" ? "#d0d5dd" : "#eaecf0";
      ctx.lineWidth = (t.level === "year" ? 2 : 1) / scale;
      ctx.beginPath(); ctx.moveTo(t.x, 0); ctx.lineTo(t.x, L.height); ctx.stroke();
    }
    ctx.restore();
  });
  const AXIS = 38, HEADER = 176;
  network.on("afterDrawing", (ctx) => {
    drawOverview();
    if (state.layout !== "time") return;
    const scale = network.getScale(), canvas = network.canvas.frame.canvas;
    const width = canvas.clientWidth, height = canvas.clientHeight, ratio = canvas.width / width;
    ctx.save();
    ctx.setTransform(ratio, 0, 0, ratio, 0, 0);
    // Lane headers: agency names stay at the left whatever the pan.
    ctx.fillStyle = "rgba(255,255,255,0.97)"; ctx.fillRect(0, AXIS, HEADER, height - AXIS);
    ctx.strokeStyle = "#98a2b3"; ctx.lineWidth = 1; ctx.beginPath(); ctx.moveTo(HEADER, AXIS); ctx.lineTo(HEADER, height); ctx.stroke();
    ctx.textBaseline = "top";
    const rows = [...(L.factor_band.bottom > 0 ? [{name: "Contributory factors", sector: "no date; above what they feed", top: 0, bottom: L.factor_band.bottom, color: "#7b5ea7", pattern: "solid"}] : []),
      ...L.lanes.map((lane) => ({...lane, sector: lane.sector.replace(/_/g, " ")}))];
    for (const lane of rows) {
      const top = network.canvasToDOM({x: 0, y: lane.top}).y, bottom = network.canvasToDOM({x: 0, y: lane.bottom}).y;
      if (Math.min(bottom, height) - Math.max(top, AXIS) < 24) continue;
      const y = Math.max(top, AXIS) + 4;
      if (state.focusLanes.has(lane.agency)) { ctx.fillStyle = "#fff3c4"; ctx.fillRect(0, Math.max(top, AXIS), HEADER, bottom - Math.max(top, AXIS)); }
      ctx.fillStyle = lane.color; ctx.fillRect(6, y, 10, Math.max(10, Math.min(bottom - y - 4, 40)));
      if (lane.pattern !== "solid") {
        ctx.strokeStyle = "#111"; ctx.setLineDash(lane.pattern === "dashed" ? [4, 3] : [1, 2]); ctx.lineWidth = 2;
        ctx.strokeRect(6, y, 10, Math.max(10, Math.min(bottom - y - 4, 40))); ctx.setLineDash([]);
      }
      ctx.strokeStyle = "#d0d5dd"; ctx.beginPath(); ctx.moveTo(0, top); ctx.lineTo(HEADER, top); ctx.stroke();
      ctx.fillStyle = "#111"; ctx.font = "bold 13px Arial";
      wrapText(ctx, lane.name, 22, y, HEADER - 26, 16, 2);
      ctx.fillStyle = "#475467"; ctx.font = "11px Arial";
      if (bottom - y > 44) ctx.fillText(lane.sector, 22, y + 34, HEADER - 26);
    }
    // The date axis along the top: years, then months and days as the zoom allows.
    ctx.fillStyle = "rgba(255,255,255,0.96)"; ctx.fillRect(0, 0, width, AXIS);
    ctx.strokeStyle = "#98a2b3"; ctx.beginPath(); ctx.moveTo(0, AXIS); ctx.lineTo(width, AXIS); ctx.stroke();
    const levels = levelsAt(scale), finest = levels[levels.length - 1];
    const leftDay = dayOfX(network.DOMtoCanvas({x: HEADER, y: 0}).x);
    ctx.fillStyle = "#111"; ctx.font = "bold 13px Arial";
    const yearTickNear = L.ticks.some(t => t.level === "year" && Math.abs(network.canvasToDOM({x: t.x, y: 0}).x - HEADER) < 50);
    if (!yearTickNear) ctx.fillText(String(new Date(Math.max(leftDay, minDay)).getUTCFullYear()), 6, 4);
    for (const t of L.ticks) {
      if (!levels.includes(t.level)) continue;
      const x = network.canvasToDOM({x: t.x, y: 0}).x;
      if (x < HEADER || x > width) continue;
      ctx.strokeStyle = "#475467"; ctx.beginPath(); ctx.moveTo(x, t.level === "year" ? 0 : 20); ctx.lineTo(x, AXIS); ctx.stroke();
      if (t.level === "year") { ctx.font = "bold 13px Arial"; ctx.fillText(t.label, x + 3, 4); }
      else if (t.level === finest || t.level === "month") {
        ctx.font = "12px Arial";
        ctx.fillText(t.level === "month" ? t.label.split(" ")[0] : t.label.split(" ")[0], x + 3, 22);
      }
    }
    ctx.restore();
  });
  function wrapText(ctx, text, x, y, width, lineHeight, maxLines) {
    const parts = text.split(/\s+/); let line = "", lines = 0;
    for (const word of parts) {
      const next = line ? line + " " + word : word;
      if (ctx.measureText(next).width > width && line) {
        if (++lines === maxLines) { ctx.fillText(line + "…", x, y, width); return; }
        ctx.fillText(line, x, y, width); y += lineHeight; line = word;
      } else line = next;
    }
    ctx.fillText(line, x, y, width);
  }
  network.on("zoom", () => {
    const level = detailFor(network.getScale());
    if (level !== state.detail) { state.detail = level; nodes.update(model.nodes.map(n => ({id: n.id, label: labelFor(n)}))); }
    syncTimeline();
  });
  network.on("dragEnd", syncTimeline);

  // -- the overview: the whole case small, the current view as a frame ---------------------------------
  const overview = $("overview"), ovCtx = overview.getContext("2d");
  let ovImage = null;
  function overviewScale() { return {sx: overview.width / L.width, sy: overview.height / Math.max(1, L.height)}; }
  function paintOverview() {
    const img = document.createElement("canvas"); img.width = overview.width; img.height = overview.height;
    const c = img.getContext("2d"), {sx, sy} = overviewScale();
    c.fillStyle = "#fff"; c.fillRect(0, 0, img.width, img.height);
    L.lanes.forEach((lane, i) => { c.fillStyle = i % 2 ? "#eef0f3" : "#fafafa"; c.fillRect(0, lane.top * sy, img.width, (lane.bottom - lane.top) * sy); });
    for (const n of model.nodes) {
      if (!visible(n)) continue;
      c.fillStyle = n.harm ? "#A4161A" : n.colorAgency;
      c.fillRect((n.timeX - n.boxWidth / 2) * sx, (n.timeY - n.boxHeight / 2) * sy, Math.max(2, n.boxWidth * sx), Math.max(2, n.boxHeight * sy));
    }
    ovImage = img;
  }
  function drawOverview() {
    if (state.layout !== "time") { overview.hidden = true; return; }
    overview.hidden = false;
    if (!ovImage) paintOverview();
    ovCtx.drawImage(ovImage, 0, 0);
    const {sx, sy} = overviewScale(), canvas = network.canvas.frame.canvas;
    const a = network.DOMtoCanvas({x: 0, y: 0}), b = network.DOMtoCanvas({x: canvas.clientWidth, y: canvas.clientHeight});
    ovCtx.strokeStyle = "#A4161A"; ovCtx.lineWidth = 2;
    ovCtx.strokeRect(a.x * sx, a.y * sy, (b.x - a.x) * sx, (b.y - a.y) * sy);
  }
  function overviewGo(ev) {
    const r = overview.getBoundingClientRect(), {sx, sy} = overviewScale();
    const x = (ev.clientX - r.left) * (overview.width / r.width) / sx, y = (ev.clientY - r.top) * (overview.height / r.height) / sy;
    network.moveTo({position: {x, y}, scale: network.getScale()}); syncTimeline();
  }
  let ovDragging = false;
  overview.addEventListener("pointerdown", (ev) => { ovDragging = true; overview.setPointerCapture(ev.pointerId); overviewGo(ev); });
  overview.addEventListener("pointermove", (ev) => { if (ovDragging) overviewGo(ev); });
  overview.addEventListener("pointerup", () => { ovDragging = false; });
  overview.addEventListener("keydown", (ev) => {
    const step = {ArrowLeft: [-1, 0], ArrowRight: [1, 0], ArrowUp: [0, -1], ArrowDown: [0, 1]}[ev.key];
    if (!step) return;
    ev.preventDefault();
    const scale = network.getScale(), canvas = network.canvas.frame.canvas, p = network.getViewPosition();
    network.moveTo({position: {x: p.x + step[0] * canvas.clientWidth / scale / 3, y: p.y + step[1] * canvas.clientHeight / scale / 3}, scale});
    syncTimeline();
  });

  // -- the first view: readable labels, the weeks before the harm ------------------------------------
  function openingView() {
    const scale = OPENING;
    const harms = model.nodes.filter(n => n.kind === "event" && n.harm).sort((a, b) => (a.eventKind === "outcome") - (b.eventKind === "outcome") || a.timeX - b.timeX);
    const target = harms.length ? harms[harms.length - 1] : model.nodes.filter(n => n.kind === "event").sort((a, b) => a.timeX - b.timeX)[0];
    const canvas = network.canvas.frame.canvas;
    const w = canvas.clientWidth / scale, h = canvas.clientHeight / scale;
    if (!target) { network.moveTo({position: {x: L.width / 2, y: L.height / 2}, scale}); return; }
    // The harm sits three quarters across, so the lead-up to it is in view.
    const x = harms.length ? target.timeX - w * 0.25 + (HEADER / scale) * 0.5 : target.timeX + w / 2 - (HEADER + 40) / scale;
    const y = Math.min(Math.max(target.timeY, h / 2 - AXIS / scale), Math.max(h / 2, L.height - h / 2));
    network.moveTo({position: {x, y}, scale});
  }

  function applyLayout(first = false) {
    ovImage = null;
    if (state.layout === "time") {
      // The nodes were made at their places: only a switch back from the free layout moves them.
      if (!first) nodes.update(model.nodes.map(n => ({id: n.id, x: n.timeX, y: n.timeY, fixed: {x: true, y: true}})));
      network.setOptions({physics: {enabled: false}});
      openingView();
      markReady();
    } else if (model.layout_saved) {
      nodes.update(model.nodes.filter(n => n.x !== undefined).map(n => ({id: n.id, x: n.x, y: n.y, fixed: false})));
      network.setOptions({physics: {enabled: false}});
      network.fit();
      markReady();
    } else {
      // Large maps get a shorter settling run: physics stops once laid out, and a panel
      // can drag nodes and keep the positions.
      nodes.update(model.nodes.map(n => ({id: n.id, fixed: false})));
      network.setOptions({physics: {enabled: true}});
      network.stabilize(model.nodes.length > 1000 ? 60 : 250);
    }
  }
  network.on("stabilizationIterationsDone", () => { network.setOptions({physics: {enabled: false}}); network.fit(); markReady(); });
  function markReady() { window.causalmap.ready = true; document.body.dataset.mapReady = "true"; }

  function restyle() {
    nodes.update(model.nodes.map(styled));
    const on = (e) => state.focus === null || (state.focus.has(e.from) && state.focus.has(e.to));
    edges.update(edges.get().map(e => ({id: e.id, color: {color: e.color.color, opacity: on(e) ? 1 : 0.12}})));
    renderLegend();
  }
  function refilter() { nodeView.refresh(); ovImage = null; network.redraw(); renderTable(); renderTimeline(); }

  // -- legend (always visible) ------------------------------------------------------
  function renderLegend() {
    const box = $("legend"); cm.clear(box);
    const list = cm.el("ul");
    const entries = state.colour === "agency" ? model.agencies.map(a => [a.color, a.name + (a.pattern !== "solid" ? ` (${a.pattern} border)` : ""), a.pattern])
      : model.categories.map(c => [c.color, c.label, "solid"]).concat([["#BBBBBB", "no category (events, decisions)", "solid"]]);
    for (const [colour, label, pattern] of entries) list.append(cm.el("li", {}, cm.el("span", {class: `swatch pattern-${pattern}`, style: `background:${colour}`}), label));
    box.append(cm.el("strong", {text: state.colour === "agency" ? "Agencies (one lane each)" : "Typology categories"}), list,
      cm.el("p", {class: "hint", text: "Dark red thick border: harm or outcome. Square corners: decision (dashed: not taken). Contributory factors: the band at the top. Arrows: contributed to (thicker = stronger; dotted = low confidence)."}));
  }
  document.querySelectorAll("input[name=colour]").forEach(r => r.addEventListener("change", () => { state.colour = r.value; restyle(); }));
  document.querySelectorAll("input[name=layout]").forEach(r => r.addEventListener("change", () => { state.layout = r.value; applyLayout(); }));
  $("save-layout").addEventListener("click", async () => {
    const positions = network.getPositions();
    const r = await cm.send("PUT", `${base}/layout`, {positions: Object.fromEntries(Object.entries(positions).map(([k, p]) => [k, [p.x, p.y]]))});
    if (r.ok) { model.layout_saved = true; for (const [k, p] of Object.entries(positions)) { byId[k].x = p.x; byId[k].y = p.y; } cm.say(`Kept the positions of ${r.body.saved} items.`); }
    else cm.say(r.body.detail);
  });
  $("search").addEventListener("input", (ev) => { state.search = ev.target.value.trim(); refilter(); });
  const agencyBox = $("agency-filter");
  for (const a of model.agencies) {
    const box = cm.el("input", {type: "checkbox", value: a.id, checked: true});
    box.addEventListener("change", () => { box.checked ? state.agencies.add(a.id) : state.agencies.delete(a.id); refilter(); });
    agencyBox.append(cm.el("label", {}, box, " ", cm.el("span", {class: `swatch pattern-${a.pattern}`, style: `background:${a.color}`}), a.name));
    $("know-agency").append(cm.el("option", {value: a.id, text: a.name}));
  }
  for (const box of document.querySelectorAll("#kind-filter input")) box.addEventListener("change", () => { box.checked ? state.kinds.add(box.value) : state.kinds.delete(box.value); refilter(); });
  for (const e of model.episodes) $("episode-filter").append(cm.el("option", {value: e.id, text: `${e.title} (${e.rating || "not rated"})`}));
  $("episode-filter").addEventListener("change", (ev) => { state.episode = ev.target.value; refilter(); });
  $("from").addEventListener("change", (ev) => { state.from = ev.target.value ? Date.parse(ev.target.value) : null; refilter(); });
  $("to").addEventListener("change", (ev) => { state.to = ev.target.value ? Date.parse(ev.target.value) : null; refilter(); });
  const slider = $("slider");
  slider.max = Math.ceil(spanDays); slider.value = slider.max;
  const longDate = (ms) => new Date(ms).toLocaleDateString("en-GB", {day: "numeric", month: "long", year: "numeric", timeZone: "UTC"});
  const sliderLabel = () => { $("slider-date").textContent = longDate(minDay + slider.value * DAY); };
  sliderLabel();
  slider.addEventListener("input", () => { state.upTo = minDay + Number(slider.value) * DAY; sliderLabel(); refilter(); });
  let player = null;
  $("play").addEventListener("click", () => {
    if (player) { clearInterval(player); player = null; $("play").textContent = "Play"; return; }
    if (Number(slider.value) >= Number(slider.max)) slider.value = 0;
    $("play").textContent = "Pause";
    player = setInterval(() => {
      slider.value = Math.min(Number(slider.max), Number(slider.value) + Math.max(1, Math.round(spanDays / 60)));
      slider.dispatchEvent(new Event("input"));
      if (Number(slider.value) >= Number(slider.max)) { clearInterval(player); player = null; $("play").textContent = "Play"; }
    }, 250);
  });

  // -- knowledge -----------------------------------------------------------------------
  $("know-date").value = new Date(maxDay).toISOString().slice(0, 10);
  $("know-show").addEventListener("click", async () => {
    const r = await cm.send("GET", `${base}/analysis?which=knowledge&agency=${encodeURIComponent($("know-agency").value)}&date=${$("know-date").value}`);
    if (!r.ok) { cm.say(r.body.detail); return; }
    const k = r.body.knowledge;
    state.known = new Set(k.events.filter(e => e.known).map(e => "event:" + e.id));
    for (const n of model.nodes) if (n.kind === "decision" && n.agency === k.agency && dayOf(n.date) <= Date.parse(k.date)) state.known.add(n.id);
    restyle(); renderTimeline(); renderTable();
    cm.say(`${agencyById[k.agency].name} on ${longDate(Date.parse(k.date))}: ${k.known} events known, ${k.not_known} not (faded).`);
  });
  $("know-clear").addEventListener("click", () => { state.known = null; restyle(); renderTimeline(); renderTable(); });

  // -- focus: an item's causes and effects, the rest faded ----------------------------------------
  const CHAIN = new Set(["CONTRIBUTED_TO", "MADE_AT", "RESPONDS_TO"]);
  function chainOf(id) {
    const out = new Set([id]);
    for (const [from, to] of [["from", "to"], ["to", "from"]]) {
      const queue = [id], seen = new Set([id]);
      while (queue.length) {
        const at = queue.shift();
        for (const e of model.edges) {
          if (!CHAIN.has(e.relation) || e[from] !== at || seen.has(e[to])) continue;
          seen.add(e[to]); out.add(e[to]); queue.push(e[to]);
        }
      }
    }
    return out;
  }
  function focusOn(ids, lanes = []) {
    state.focus = ids === null ? null : new Set(ids);
    state.focusLanes = new Set(lanes);
    document.body.dataset.focus = ids === null ? "" : [...state.focus].sort().join(" ");
    $("focus-clear").hidden = ids === null;
    restyle(); network.redraw();
  }
  $("focus-clear").addEventListener("click", () => { focusOn(null); state.gapMarks = new Set(); restyle(); cm.say("Showing everything again."); });

  // -- details and selection, shared by the map, the timeline and the table ------------------
  function select(id, move = true) {
    state.selected = id;
    focusOn([...chainOf(id)]);
    if (nodeView.get(id)) {
      network.selectNodes([id]);
      if (move) network.moveTo({position: network.getPositions([id])[id], scale: Math.max(network.getScale(), OPENING)});
    }
    showDetails(id); highlightTimeline([id]); syncTimeline();
  }
  function showDetails(id) {
    const n = byId[id], box = $("details"); cm.clear(box);
    if (!n) return;
    const dl = cm.el("dl");
    const category = model.categories.find(c => c.id === n.category);
    const rows = [["What", n.kindText], ["Date", n.kind === "factor" ? null : n.dateText], ["Agency", n.agencyName],
      ["Category", category ? category.label : null], ["Valence", n.valence],
      ["Key practice episodes", (n.episodes || []).map(e => episodeById[e]?.title || e).join("; ")], ["Disputed", n.disputed ? "yes" : null]];
    for (const [k, v] of rows) if (v) dl.append(cm.el("dt", {text: k}), cm.el("dd", {text: v}));
    box.append(cm.el("h3", {text: `${n.kindText[0].toUpperCase()}${n.kindText.slice(1)}${n.kind === "factor" ? "" : ", " + n.dateText}`}),
      cm.el("p", {text: n.description}), dl);
    const links = cm.el("ul");
    for (const e of model.edges.filter(e => e.from === id || e.to === id)) {
      const other = byId[e.from === id ? e.to : e.from];
      if (!other) continue;
      const verb = {CONTRIBUTED_TO: ["Contributed to", "Contributed to this"], RESPONDS_TO: ["Responds to", "Responds to this"],
        ACCOUNT_OF: ["Is an account of", "An account of this"], MADE_AT: ["Made at", "Decision made here"]}[e.relation][e.from === id ? 0 : 1];
      links.append(cm.el("li", {}, cm.el("button", {type: "button", class: "secondary link-button", text: `${verb}: ${about(other)}`, onclick: () => select(other.id)})));
    }
    if (links.childElementCount) box.append(cm.el("h4", {text: "Causes, effects and links (shown on the map; the rest is faded)"}), links);
    box.append(cm.el("p", {class: "hint", text: `Reference for forms and exports: ${n.id}`}));
  }
  network.on("click", (params) => {
    if (!params.nodes.length) { if (!state.linkMode && state.focus !== null && !params.edges.length) focusOn(null); return; }
    const id = params.nodes[0];
    if (state.linkMode) return linkClick(id);
    select(id, false);
  });

  // -- gaps: the list lives in gaps.js; the map marks and focuses what it asks for ----------
  function highlightEvents(refs, explanation, gap) {
    const ids = refs.filter(i => byId[i]);
    // The agencies involved: the gap's own list, else those of its events.
    const agencies = gap && gap.agencies ? gap.agencies : [...new Set(ids.map(i => byId[i].agency).filter(Boolean))];
    state.gapMarks = new Set(ids);
    focusOn(ids, agencies);
    network.selectNodes(ids.filter(i => nodeView.get(i)));
    if (ids.length) showGap(explanation, agencies, ids);
    highlightTimeline(ids);
    document.body.dataset.highlighted = ids.join(" ");
    cm.say(`Highlighted ${ids.length} event${ids.length === 1 ? "" : "s"}: ${explanation}`);
  }
  function showGap(explanation, agencies, ids) {
    // Frame the gap's events at a readable zoom (labels at 9 px or more).
    const xs = ids.map(i => byId[i].timeX), ys = ids.map(i => byId[i].timeY);
    const canvas = network.canvas.frame.canvas;
    const fit = Math.min((canvas.clientWidth - HEADER - 80) / Math.max(1, Math.max(...xs) - Math.min(...xs) + 200),
      (canvas.clientHeight - AXIS - 60) / Math.max(1, Math.max(...ys) - Math.min(...ys) + 80));
    const scale = Math.max(MIN_READABLE, Math.min(1.2, fit));
    network.moveTo({position: {x: (Math.max(...xs) + Math.min(...xs)) / 2 - HEADER / 2 / scale, y: (Math.max(...ys) + Math.min(...ys)) / 2}, scale});
    const box = $("details"); cm.clear(box);
    box.append(cm.el("h3", {text: "Gap between agencies"}), cm.el("p", {text: explanation}),
      cm.el("h4", {text: "Agencies involved"}), cm.el("ul", {}, ...agencies.map(a => cm.el("li", {text: agencyById[a]?.name || a}))),
      cm.el("h4", {text: "Events"}), cm.el("ul", {}, ...ids.map(i => cm.el("li", {}, cm.el("button", {type: "button", class: "secondary link-button", text: about(byId[i]), onclick: () => select(i)})))));
    syncTimeline();
  }
  function markEvents(refs) { state.gapMarks = new Set(refs); restyle(); }

  // -- add a causal link: from searchable lists, or by clicking cause then effect ------------------------
  const newLinkId = () => "cl-" + Date.now().toString(36) + Math.floor(Math.random() * 1296).toString(36).padStart(2, "0");
  $("add-link").addEventListener("click", () => openLinkForm({id: newLinkId(), cause: state.selected ? refOf(state.selected) : null,
    effect: null, strength: "moderate", confidence: "medium", sources: []}));
  $("pick-link").addEventListener("click", () => {
    state.linkMode = {cause: null};
    cm.say("Click the cause on the map, then the effect. Or press Escape to stop.");
  });
  document.addEventListener("keydown", (ev) => { if (ev.key === "Escape" && state.linkMode) { state.linkMode = null; cm.say("Stopped adding a link."); } });
  const dialog = $("editor");
  function refOf(id) { return {node: id.split(":")[0], id: id.slice(id.indexOf(":") + 1)}; }
  async function linkClick(id) {
    if (!byId[id]) return;
    if (!state.linkMode.cause) { state.linkMode.cause = id; cm.say(`Cause: ${about(byId[id])}. Now click the effect.`); return; }
    const record = {id: newLinkId(), cause: refOf(state.linkMode.cause), effect: refOf(id), strength: "moderate", confidence: "medium", sources: []};
    state.linkMode = null;
    await openLinkForm(record);
  }
  async function openLinkForm(record) {
    cm.clear($("editor-errors"));
    await cm.buildForm($("editor-form"), CASE_ID, FORMS.links, record, true, "links");
    const form = $("editor-form");
    for (const name of ["cause", "effect"]) {
      const select = form.elements[name];
      for (const option of select.options) if (byId[option.value]) option.textContent = about(byId[option.value]);
      select.size = 6;
      const filter = cm.el("input", {type: "search", id: `filter-${name}`, placeholder: "type words, a date or an agency", "aria-controls": select.id,
        "aria-label": `Search the list of ${name}s`});
      filter.addEventListener("input", () => {
        const q = filter.value.trim().toLowerCase();
        let first = null;
        for (const option of select.options) {
          option.hidden = !!q && !option.textContent.toLowerCase().includes(q);
          if (!option.hidden && option.value && !first) first = option;
        }
        if (first && (select.selectedIndex < 0 || select.options[select.selectedIndex].hidden)) select.value = first.value;
      });
      filter.addEventListener("keydown", (ev) => { if (ev.key === "ArrowDown") { ev.preventDefault(); select.focus(); } });
      select.before(filter);
    }
    dialog.showModal();
    (record.cause ? $("filter-effect") : $("filter-cause")).focus();
  }
  $("editor-cancel").addEventListener("click", () => dialog.close());
  $("editor-save").addEventListener("click", async () => {
    const body = cm.readForm($("editor-form"), FORMS.links);
    const r = await cm.send("POST", `${base}/links`, body);
    if (!r.ok) { cm.showProblem($("editor-errors"), r.body); return; }
    dialog.close();
    const fresh = await cm.send("GET", `${base}/map`);
    if (fresh.ok) {
      model.edges = fresh.body.edges;
      edges.clear();
      edges.add(model.edges.map(toEdge));
    }
    const cause = byId[`${body.cause.node}:${body.cause.id}`], effect = byId[`${body.effect.node}:${body.effect.id}`];
    cm.say(`Added the causal link: ${cause ? cm.short(cause.description, 40) : ""} contributed to ${effect ? cm.short(effect.description, 40) : ""}.`);
  });

  // -- the table alternative --------------------------------------------------------------------
  function renderTable() {
    const wrap = $("node-table-wrap"); if (wrap.classList.contains("hidden")) return;
    cm.clear(wrap);
    const body = cm.el("tbody");
    const shown = model.nodes.filter(visible).sort((a, b) => (a.date || "").localeCompare(b.date || "") || a.id.localeCompare(b.id));
    const knowing = state.known !== null;
    for (const n of shown) {
      const row = cm.el("tr", {}, cm.el("td", {text: n.kind === "factor" ? "" : n.dateText}), cm.el("td", {text: n.agencyName || ""}),
        cm.el("td", {text: n.kindText}),
        cm.el("td", {}, cm.el("button", {type: "button", class: "secondary", text: n.description, onclick: () => select(n.id)})),
        knowing ? cm.el("td", {text: n.kind === "factor" ? "" : (state.known.has(n.id) ? "known" : "not known")}) : null);
      body.append(row);
    }
    const heads = ["Date", "Agency", "Kind", "Description"].concat(knowing ? ["Known then"] : []);
    wrap.append(cm.el("table", {class: "data"}, cm.el("caption", {text: `${shown.length} items on the map (filters apply)`}),
      cm.el("thead", {}, cm.el("tr", {}, ...heads.map(t => cm.el("th", {scope: "col", text: t})))), body));
    // The timeline's arrows as a table: every communication, and whether it was answered.
    const comms = cm.el("tbody");
    let count = 0;
    for (const c of model.communications) {
      if (!state.agencies.has(c.from) || !visible(byId["event:" + c.event] || {kind: "event"})) continue;
      count++;
      comms.append(cm.el("tr", {}, cm.el("td", {text: byId["event:" + c.event]?.dateText || c.date}), cm.el("td", {text: agencyById[c.from].name}),
        cm.el("td", {text: agencyById[c.to].name}), cm.el("td", {text: c.kind.replace(/_/g, " ")}),
        cm.el("td", {text: c.unanswered ? "never answered" : ""})));
    }
    wrap.append(cm.el("table", {class: "data", id: "communications-table"}, cm.el("caption", {text: `${count} communications between agencies (the timeline's arrows)`}),
      cm.el("thead", {}, cm.el("tr", {}, ...["Date", "From", "To", "Kind", "Answered?"].map(t => cm.el("th", {scope: "col", text: t})))), comms));
  }
  $("table-toggle").addEventListener("click", (ev) => {
    const showing = $("node-table-wrap").classList.toggle("hidden") === false;
    $("network").classList.toggle("hidden", showing);
    ev.target.setAttribute("aria-pressed", String(showing));
    ev.target.textContent = showing ? "Show the map" : "Show as a table";
    renderTable();
  });

  // -- the timeline: the map's date axis, one lane per agency, communications as arrows ------------------
  const SVG = "http://www.w3.org/2000/svg";
  function svg(tag, attrs = {}) { const n = document.createElementNS(SVG, tag); for (const [k, v] of Object.entries(attrs)) n.setAttribute(k, v); return n; }
  const LANE = 30, TL = 0.5, TL_PAD = 12;  // the timeline is the map's axis at half scale
  const tlX = (mapX) => TL_PAD + (mapX - L.left) * TL;
  const laneIndex = Object.fromEntries(L.lanes.map((lane, i) => [lane.agency, i]));
  const tlDate = (iso) => tlX(xOfDay(dayOf(iso)));
  let tlOrder = [], tlActive = null;
  function renderTimeline() {
    const names = $("timeline-names"), axis = $("timeline-axis"), body = $("timeline-body");
    cm.clear(names); cm.clear(axis); cm.clear(body);
    const width = tlX(L.width) + TL_PAD, height = L.lanes.length * LANE + 8;
    L.lanes.forEach((lane) => names.append(cm.el("div", {class: "tl-name", style: `height:${LANE}px`},
      cm.el("span", {class: `swatch pattern-${lane.pattern}`, style: `background:${lane.color}`}), lane.name)));
    axis.setAttribute("width", width); axis.setAttribute("height", 26);
    const step = spacing.month * TL >= 40 ? "month" : "year";
    for (const t of L.ticks) {
      if (t.level === "day" || (step === "year" && t.level !== "year")) continue;
      const x = tlX(t.x);
      axis.append(svg("line", {x1: x, x2: x, y1: t.level === "year" ? 0 : 14, y2: 26, stroke: "#475467"}));
      const label = svg("text", {x: x + 3, y: t.level === "year" ? 11 : 23, "font-weight": t.level === "year" ? "bold" : "normal"});
      label.textContent = t.level === "year" ? t.label : t.label.split(" ")[0]; axis.append(label);
    }
    body.setAttribute("width", width); body.setAttribute("height", height);
    const defs = svg("defs");
    for (const [id, colour] of [["arrow", "#555"], ["arrow-bad", "#A4161A"]]) {
      const m = svg("marker", {id, viewBox: "0 0 10 10", refX: 9, refY: 5, markerWidth: 6, markerHeight: 6, orient: "auto-start-reverse"});
      m.append(svg("path", {d: "M 0 0 L 10 5 L 0 10 z", fill: colour})); defs.append(m);
    }
    body.append(defs);
    L.lanes.forEach((lane, i) => {
      body.append(svg("rect", {x: 0, y: i * LANE, width, height: LANE, fill: i % 2 ? "#f6f7f9" : "#ffffff"}));
    });
    for (const t of L.ticks) if (t.level === "year") body.append(svg("line", {x1: tlX(t.x), x2: tlX(t.x), y1: 0, y2: height, stroke: "#d0d5dd"}));
    const mid = (agency) => (laneIndex[agency] ?? 0) * LANE + LANE / 2;
    for (const s of model.silences) {
      const rect = svg("rect", {x: tlDate(s.start), y: mid(s.agency) - 10, width: Math.max(2, tlDate(s.end) - tlDate(s.start)), height: 20, fill: "#9ca3af", opacity: 0.35});
      const t = svg("title"); t.textContent = `${agencyById[s.agency].name} silent from ${longDate(Date.parse(s.start))} to ${longDate(Date.parse(s.end))}`; rect.append(t); body.append(rect);
    }
    for (const c of model.communications) {
      if (!state.agencies.has(c.from) || !visible(byId["event:" + c.event] || {kind: "event"})) continue;
      const x = tlX(byId["event:" + c.event]?.timeX ?? xOfDay(dayOf(c.date))), y1 = mid(c.from), y2 = mid(c.to);
      const line = svg("line", {x1: x, x2: x + 6, y1, y2: y2 + (y2 > y1 ? -7 : 7), stroke: c.unanswered ? "#A4161A" : "#555",
        "stroke-width": c.unanswered ? 2 : 1, "stroke-dasharray": c.unanswered ? "4 3" : "", "marker-end": `url(#${c.unanswered ? "arrow-bad" : "arrow"})`});
      const t = svg("title"); t.textContent = `${byId["event:" + c.event]?.dateText || c.date}: ${c.kind.replace(/_/g, " ")} from ${agencyById[c.from].name} to ${agencyById[c.to].name}${c.unanswered ? " (never answered)" : ""}`;
      line.append(t); body.append(line);
    }
    tlOrder = [];
    for (const n of model.nodes) {
      if (n.kind !== "event" || !visible(n)) continue;
      const circle = svg("circle", {cx: tlX(n.timeX), cy: mid(n.agency), r: n.harm ? 7 : 5, fill: n.harm ? "#A4161A" : n.colorAgency, stroke: "#333",
        "data-node": n.id, id: `tl-${n.id.replace(/[^A-Za-z0-9_-]/g, "_")}`, role: "option", "aria-label": about(n),
        opacity: state.known && !state.known.has(n.id) ? 0.15 : 1});
      const t = svg("title"); t.textContent = about(n); circle.append(t);
      circle.addEventListener("click", () => { tlActive = n.id; select(n.id); });
      body.append(circle); tlOrder.push(n);
    }
    tlOrder.sort((a, b) => a.timeX - b.timeX || (laneIndex[a.agency] ?? 0) - (laneIndex[b.agency] ?? 0) || a.id.localeCompare(b.id));
    highlightTimeline(state.selected ? [state.selected] : [...state.gapMarks]);
  }
  // One tab stop: arrow keys move through the events (left/right in time, up/down across lanes).
  const tlBody = $("timeline-body");
  tlBody.addEventListener("keydown", (ev) => {
    if (!tlOrder.length) return;
    let i = tlOrder.findIndex(n => n.id === tlActive);
    const current = tlOrder[i];
    if (ev.key === "ArrowRight") i = Math.min(tlOrder.length - 1, i + 1);
    else if (ev.key === "ArrowLeft") i = i < 0 ? 0 : Math.max(0, i - 1);
    else if (ev.key === "Home") i = 0;
    else if (ev.key === "End") i = tlOrder.length - 1;
    else if ((ev.key === "ArrowDown" || ev.key === "ArrowUp") && current) {
      const dir = ev.key === "ArrowDown" ? 1 : -1, lane = laneIndex[current.agency];
      const others = tlOrder.filter(n => dir * ((laneIndex[n.agency] ?? 0) - lane) > 0);
      if (others.length) {
        const nearestLane = dir > 0 ? Math.min(...others.map(n => laneIndex[n.agency])) : Math.max(...others.map(n => laneIndex[n.agency]));
        const candidates = others.filter(n => laneIndex[n.agency] === nearestLane);
        const best = candidates.reduce((a, b) => Math.abs(b.timeX - current.timeX) < Math.abs(a.timeX - current.timeX) ? b : a);
        i = tlOrder.indexOf(best);
      }
    } else if ((ev.key === "Enter" || ev.key === " ") && current) { ev.preventDefault(); select(current.id); return; }
    else return;
    ev.preventDefault();
    if (i < 0) i = 0;
    tlActive = tlOrder[i].id;
    highlightTimeline([tlActive]);
    const circle = document.querySelector(`#timeline-body circle[data-node="${CSS.escape(tlActive)}"]`);
    tlBody.setAttribute("aria-activedescendant", circle.id);
    scrollTimelineTo(Number(circle.getAttribute("cx")));
    cm.say(about(tlOrder[i]));
  });
  tlBody.addEventListener("focus", () => { if (!tlActive && tlOrder.length) { tlActive = (tlOrder.find(n => n.id === state.selected) || tlOrder[0]).id; highlightTimeline([tlActive]); } });
  function scrollTimelineTo(x) {
    const box = $("timeline");
    const names = $("timeline-names").offsetWidth;
    box.scrollLeft = Math.max(0, x - (box.clientWidth - names) / 2);
  }
  function syncTimeline() {  // the timeline shows the dates the map shows
    if (state.layout !== "time") return;
    scrollTimelineTo(tlX(network.getViewPosition().x));
    drawOverview();
  }
  function highlightTimeline(ids) {
    const wanted = new Set(ids);
    for (const c of document.querySelectorAll("#timeline-body circle")) {
      const on = wanted.has(c.dataset.node);
      c.setAttribute("stroke-width", on ? 3 : 1); c.setAttribute("r", on ? 8 : (byId[c.dataset.node].harm ? 7 : 5)); c.setAttribute("stroke", on ? "#000" : "#333");
      if (on) c.classList.add("selected"); else c.classList.remove("selected");
    }
  }
  network.on("selectNode", (p) => { if (!state.linkMode) { showDetails(p.nodes[0]); highlightTimeline(p.nodes); } });

  renderLegend(); renderTimeline(); applyLayout(true); syncTimeline();
  cmGaps.start({base, mark: markEvents, focus: highlightEvents, agencyName: (id) => agencyById[id]?.name});
})();
