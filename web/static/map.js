// The causal map (vis-network) and the multi-agency timeline (SVG), kept in step.
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
  const state = {colour: "agency", layout: "time", search: "", agencies: new Set(model.agencies.map(a => a.id)),
    kinds: new Set(["event", "decision", "factor"]), episode: "", from: null, to: null, upTo: null,
    known: null, gapMarks: new Set(), linkMode: null, selected: null};

  const dayOf = (iso) => iso ? Date.parse(iso.length === 4 ? iso + "-01-01" : iso.length === 7 ? iso + "-01" : iso) : null;
  const lane = Object.fromEntries(model.agencies.map((a, i) => [a.id, i]));
  const byId = Object.fromEntries(model.nodes.map(n => [n.id, n]));
  const agencyById = Object.fromEntries(model.agencies.map(a => [a.id, a]));
  let minDay = Infinity, maxDay = -Infinity;
  for (const n of model.nodes) { const d = dayOf(n.date); if (d !== null) { minDay = Math.min(minDay, d); maxDay = Math.max(maxDay, d); } }
  if (!isFinite(minDay)) { minDay = maxDay = Date.now(); }
  const spanDays = Math.max(1, (maxDay - minDay) / DAY);
  const pxPerDay = Math.max(1.5, Math.min(12, 2400 / spanDays));

  function textOn(hex) {
    const c = [1, 3, 5].map(i => parseInt(hex.slice(i, i + 2), 16) / 255).map(v => v <= 0.03928 ? v / 12.92 : ((v + 0.055) / 1.055) ** 2.4);
    const L = 0.2126 * c[0] + 0.7152 * c[1] + 0.0722 * c[2];
    return (L + 0.05) / 0.05 > 1.05 / (L + 0.05) ? "#000000" : "#FFFFFF";
  }
  function timePosition(n) {
    if (n.kind === "factor") return null;
    return {x: ((dayOf(n.date) ?? minDay) - minDay) / DAY * pxPerDay, y: (lane[n.agency] ?? 0) * 90 + (n.kind === "decision" ? 35 : 0)};
  }
  function factorPositions() {
    const out = {}, byFactor = {};
    for (const e of model.edges) if (e.from.startsWith("factor:")) (byFactor[e.from] = byFactor[e.from] || []).push(e.to);
    // Factors have no date: each sits above the earliest thing it contributed to; factors
    // linked to nothing line up at the left, so no two share a spot.
    let linked = 0, loose = 0;
    for (const n of model.nodes.filter(n => n.kind === "factor")) {
      const xs = (byFactor[n.id] || []).map(t => byId[t]).filter(Boolean).map(m => timePosition(m)?.x ?? 0);
      if (xs.length) { out[n.id] = {x: Math.min(...xs) - 60 - (linked % 3) * 45, y: -140 - (linked % 4) * 55}; linked++; }
      else { out[n.id] = {x: -220 - (loose % 4) * 130, y: -140 - Math.floor(loose / 4) * 55}; loose++; }
    }
    return out;
  }
  function styled(n) {
    const colour = state.colour === "agency" ? n.colorAgency : n.colorCategory;
    const marked = state.gapMarks.has(n.id);
    const known = state.known && n.kind !== "factor" ? state.known.has(n.id) : true;
    return {id: n.id, label: n.label, title: n.title, shape: n.shape, size: n.kind === "factor" ? 16 : 12,
      color: {background: colour, border: marked ? "#A4161A" : "#333333", highlight: {background: colour, border: "#000000"}},
      borderWidth: marked ? 5 : 1, shapeProperties: {borderDashes: n.borderDashes || (n.kind === "decision" && n.taken === false) ? [4, 3] : false},
      font: {color: "#1a1a1a", size: 12, background: "rgba(255,255,255,0.8)"}, opacity: known ? 1 : 0.15};
  }
  const nodes = new vis.DataSet(model.nodes.map(styled));
  const toEdge = (e, i) => ({id: e.id || `e${i}`, from: e.from, to: e.to, title: e.title, arrows: "to", width: e.width,
    dashes: e.confidence === "low" ? [3, 3] : e.dashes, color: {color: e.color}, relation: e.relation, linkId: e.linkId});
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
      if (!(n.id.toLowerCase().includes(q) || (n.title || "").toLowerCase().includes(q))) return false;
    }
    return true;
  }
  const nodeView = new vis.DataView(nodes, {filter: (item) => visible(byId[item.id])});
  const network = new vis.Network($("network"), {nodes: nodeView, edges}, {
    physics: {enabled: false, stabilization: {iterations: 250, updateInterval: 50}, barnesHut: {gravitationalConstant: -6000, springLength: 140}},
    interaction: {hover: true, keyboard: {enabled: true, bindToWindow: false}, multiselect: true, tooltipDelay: 150},
    edges: {smooth: false}, layout: {improvedLayout: model.nodes.length < 300},
  });
  window.causalmap = {network, nodes, edges, state, ready: false};

  function applyLayout() {
    const fixed = state.layout === "time";
    if (fixed) {
      const factors = factorPositions();
      nodes.update(model.nodes.map(n => ({id: n.id, ...(timePosition(n) || factors[n.id]), fixed: false})));
      network.setOptions({physics: {enabled: false}});
      network.fit();
      markReady();
    } else if (model.layout_saved) {
      nodes.update(model.nodes.filter(n => n.x !== undefined).map(n => ({id: n.id, x: n.x, y: n.y})));
      network.setOptions({physics: {enabled: false}});
      network.fit();
      markReady();
    } else {
      // Large maps get a shorter settling run: physics stops once laid out, and a panel
      // can drag nodes and keep the positions.
      network.setOptions({physics: {enabled: true}});
      network.stabilize(model.nodes.length > 1000 ? 60 : 250);
    }
  }
  network.on("stabilizationIterationsDone", () => { network.setOptions({physics: {enabled: false}}); network.fit(); markReady(); });
  function markReady() { window.causalmap.ready = true; document.body.dataset.mapReady = "true"; }

  function restyle() { nodes.update(model.nodes.map(styled)); renderLegend(); }
  function refilter() { nodeView.refresh(); renderTable(); renderTimeline(); }

  // -- legend (always visible) ------------------------------------------------------
  function renderLegend() {
    const box = $("legend"); cm.clear(box);
    const list = cm.el("ul");
    const entries = state.colour === "agency" ? model.agencies.map(a => [a.color, a.name + (a.dashed ? " (dashed border)" : "")])
      : model.categories.map(c => [c.color, c.label]).concat([["#BBBBBB", "no category (events, decisions)"]]);
    for (const [colour, label] of entries) list.append(cm.el("li", {}, cm.el("span", {class: "swatch", style: `background:${colour}`}), label));
    box.append(cm.el("strong", {text: state.colour === "agency" ? "Colour: agency" : "Colour: typology category"}), list,
      cm.el("p", {text: "Shapes: ● event · ★ incident or outcome · ■ decision (dashed: not taken) · ◆ contributory factor. Lines: solid arrow = contributed to (thicker = stronger; dotted = low confidence) · grey dots = responds to · purple dashes = another agency's account · thin grey = made at."}));
  }

  // -- controls ----------------------------------------------------------------------
  for (const r of document.querySelectorAll("input[name=colour]")) r.addEventListener("change", () => { state.colour = r.value; restyle(); });
  for (const r of document.querySelectorAll("input[name=layout]")) r.addEventListener("change", () => { state.layout = r.value; applyLayout(); });
  $("save-layout").addEventListener("click", async () => {
    const positions = network.getPositions();
    const body = Object.fromEntries(Object.entries(positions).map(([k, p]) => [k, {x: p.x, y: p.y}]));
    const r = await cm.send("PUT", `${base}/layout`, {positions: body});
    if (r.ok) { model.layout_saved = true; for (const n of model.nodes) if (body[n.id]) Object.assign(n, body[n.id]); cm.say(`Kept the positions of ${r.body.saved} nodes.`); }
    else cm.say(r.body.detail);
  });
  $("search").addEventListener("input", (ev) => { state.search = ev.target.value.trim(); refilter(); });
  const agencyBox = $("agency-filter");
  for (const a of model.agencies) {
    const box = cm.el("input", {type: "checkbox", value: a.id, checked: true});
    box.addEventListener("change", () => { box.checked ? state.agencies.add(a.id) : state.agencies.delete(a.id); refilter(); });
    agencyBox.append(cm.el("label", {}, box, " ", cm.el("span", {class: "swatch", style: `background:${a.color}`}), a.name));
    $("know-agency").append(cm.el("option", {value: a.id, text: a.name}));
  }
  for (const box of document.querySelectorAll("#kind-filter input")) box.addEventListener("change", () => { box.checked ? state.kinds.add(box.value) : state.kinds.delete(box.value); refilter(); });
  for (const e of model.episodes) $("episode-filter").append(cm.el("option", {value: e.id, text: `${e.title} (${e.rating || "not rated"})`}));
  $("episode-filter").addEventListener("change", (ev) => { state.episode = ev.target.value; refilter(); });
  $("from").addEventListener("change", (ev) => { state.from = ev.target.value ? Date.parse(ev.target.value) : null; refilter(); });
  $("to").addEventListener("change", (ev) => { state.to = ev.target.value ? Date.parse(ev.target.value) : null; refilter(); });
  const slider = $("slider");
  slider.max = Math.ceil(spanDays); slider.value = slider.max;
  const sliderLabel = () => { $("slider-date").textContent = new Date(minDay + slider.value * DAY).toISOString().slice(0, 10); };
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
    cm.say(`${agencyById[k.agency].name} on ${k.date}: ${k.known} events known, ${k.not_known} not (faded).`);
  });
  $("know-clear").addEventListener("click", () => { state.known = null; restyle(); renderTimeline(); renderTable(); });

  // -- details and selection, shared by the map, the timeline and the table ------------------
  function select(id, focus = true) {
    state.selected = id;
    if (nodeView.get(id)) { network.selectNodes([id]); if (focus) network.focus(id, {scale: Math.max(network.getScale(), 0.8)}); }
    showDetails(id); highlightTimeline([id]);
  }
  function showDetails(id) {
    const n = byId[id], box = $("details"); cm.clear(box);
    if (!n) return;
    const dl = cm.el("dl");
    const rows = [["Kind", n.kind === "event" ? `event: ${n.eventKind.replace(/_/g, " ")}` : n.kind], ["Date", n.date], ["Agency", n.agency ? agencyById[n.agency]?.name : null],
      ["Category", n.category], ["Valence", n.valence], ["Episodes", (n.episodes || []).join(", ")], ["Disputed", n.disputed ? "yes" : null]];
    for (const [k, v] of rows) if (v) dl.append(cm.el("dt", {text: k}), cm.el("dd", {text: v}));
    box.append(cm.el("h3", {text: n.id}), cm.el("p", {text: (n.title || "").split("\n").slice(1).join(" ")}), dl);
    const links = cm.el("ul");
    for (const e of model.edges.filter(e => e.from === id || e.to === id)) {
      const other = e.from === id ? e.to : e.from;
      const verb = {CONTRIBUTED_TO: "contributed to", RESPONDS_TO: "responds to", ACCOUNT_OF: "is an account of", MADE_AT: "made at"}[e.relation];
      const text = e.from === id ? `${verb} ${other}` : `${other} ${verb} this`;
      links.append(cm.el("li", {}, cm.el("button", {type: "button", class: "secondary", text, onclick: () => select(other)})));
    }
    if (links.childElementCount) box.append(cm.el("h4", {text: "Links"}), links);
  }
  network.on("click", (params) => {
    if (!params.nodes.length) return;
    const id = params.nodes[0];
    if (state.linkMode) return linkClick(id);
    select(id, false);
  });

  // -- gaps: the list lives in gaps.js; the map marks and focuses what it asks for ----------
  function highlightEvents(refs, explanation) {
    const ids = refs.filter(i => byId[i]);
    state.gapMarks = new Set(ids); restyle();
    network.selectNodes(ids.filter(i => nodeView.get(i)));
    if (ids.length) network.fit({nodes: ids.filter(i => nodeView.get(i)), animation: false});
    highlightTimeline(ids);
    document.body.dataset.highlighted = ids.join(" ");
    cm.say(`Highlighted ${ids.length} event${ids.length === 1 ? "" : "s"}: ${explanation}`);
  }
  function markEvents(refs) { state.gapMarks = new Set(refs); restyle(); }

  // -- add a causal link on the map ----------------------------------------------------------------
  $("add-link").addEventListener("click", () => {
    state.linkMode = {cause: null};
    cm.say("Click the cause on the map, then the effect. Or press Escape to stop.");
  });
  document.addEventListener("keydown", (ev) => { if (ev.key === "Escape" && state.linkMode) { state.linkMode = null; cm.say("Stopped adding a link."); } });
  const dialog = $("editor");
  function refOf(id) { return {node: id.split(":")[0], id: id.slice(id.indexOf(":") + 1)}; }
  async function linkClick(id) {
    if (byId[id].kind !== "event" && byId[id].kind !== "decision" && byId[id].kind !== "factor") return;
    if (!state.linkMode.cause) { state.linkMode.cause = id; cm.say(`Cause: ${id}. Now click the effect.`); return; }
    const record = {id: "cl-" + Date.now().toString(36), cause: refOf(state.linkMode.cause), effect: refOf(id), strength: "moderate", confidence: "medium", sources: []};
    state.linkMode = null;
    await openLinkForm(record);
  }
  async function openLinkForm(record) {
    cm.clear($("editor-errors"));
    await cm.buildForm($("editor-form"), CASE_ID, FORMS.links, record, true);
    dialog.showModal();
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
    cm.say(`Added the causal link ${r.body.id}.`);
  });

  // -- the table alternative --------------------------------------------------------------------
  function renderTable() {
    const wrap = $("node-table-wrap"); if (wrap.classList.contains("hidden")) return;
    cm.clear(wrap);
    const body = cm.el("tbody");
    const shown = model.nodes.filter(visible).sort((a, b) => (a.date || "").localeCompare(b.date || "") || a.id.localeCompare(b.id));
    const knowing = state.known !== null;
    for (const n of shown) {
      const row = cm.el("tr", {}, cm.el("td", {text: n.date || ""}), cm.el("td", {text: n.agency ? agencyById[n.agency]?.name : ""}),
        cm.el("td", {text: n.kind === "event" ? n.eventKind.replace(/_/g, " ") : n.kind}),
        cm.el("td", {}, cm.el("button", {type: "button", class: "secondary", text: (n.title || "").split("\n").slice(1).join(" "), onclick: () => select(n.id)})),
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
      comms.append(cm.el("tr", {}, cm.el("td", {text: c.date}), cm.el("td", {text: agencyById[c.from].name}),
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

  // -- the timeline: one lane per agency, communications as arrows ------------------------------------
  const SVG = "http://www.w3.org/2000/svg";
  function svg(tag, attrs = {}) { const n = document.createElementNS(SVG, tag); for (const [k, v] of Object.entries(attrs)) n.setAttribute(k, v); return n; }
  const LANE = 34, LEFT = 190;
  const tx = (iso) => LEFT + ((dayOf(iso) - minDay) / DAY) * pxPerDay * 0.6 + 10;
  function renderTimeline() {
    const box = $("timeline"); cm.clear(box);
    const width = LEFT + spanDays * pxPerDay * 0.6 + 40, height = model.agencies.length * LANE + 30;
    const root = svg("svg", {width, height, role: "img", "aria-label": "Timeline: one lane per agency; arrows are communications; red dashed arrows were never answered; grey bands are silent periods."});
    const defs = svg("defs");
    for (const [id, colour] of [["arrow", "#555"], ["arrow-bad", "#A4161A"]]) {
      const m = svg("marker", {id, viewBox: "0 0 10 10", refX: 9, refY: 5, markerWidth: 6, markerHeight: 6, orient: "auto-start-reverse"});
      m.append(svg("path", {d: "M 0 0 L 10 5 L 0 10 z", fill: colour})); defs.append(m);
    }
    root.append(defs);
    model.agencies.forEach((a, i) => {
      const y = i * LANE + 20;
      root.append(svg("line", {x1: LEFT, x2: width, y1: y, y2: y, stroke: "#ddd"}));
      const label = svg("text", {x: 4, y: y + 4}); label.textContent = a.name; root.append(label);
    });
    for (const s of model.silences) {
      const y = lane[s.agency] * LANE + 20;
      const rect = svg("rect", {x: tx(s.start), y: y - 10, width: Math.max(2, tx(s.end) - tx(s.start)), height: 20, fill: "#9ca3af", opacity: 0.35});
      const t = svg("title"); t.textContent = `${agencyById[s.agency].name} silent from ${s.start} to ${s.end}`; rect.append(t); root.append(rect);
    }
    for (const c of model.communications) {
      if (!state.agencies.has(c.from) || !visible(byId["event:" + c.event] || {kind: "event"})) continue;
      const x = tx(c.date), y1 = lane[c.from] * LANE + 20, y2 = lane[c.to] * LANE + 20;
      const line = svg("line", {x1: x, x2: x + 6, y1, y2: y2 + (y2 > y1 ? -7 : 7), stroke: c.unanswered ? "#A4161A" : "#555",
        "stroke-width": c.unanswered ? 2 : 1, "stroke-dasharray": c.unanswered ? "4 3" : "", "marker-end": `url(#${c.unanswered ? "arrow-bad" : "arrow"})`});
      const t = svg("title"); t.textContent = `${c.date}: ${c.kind.replace(/_/g, " ")} from ${agencyById[c.from].name} to ${agencyById[c.to].name}${c.unanswered ? " (never answered)" : ""}`;
      line.append(t); root.append(line);
    }
    for (const n of model.nodes) {
      if (n.kind !== "event" || !visible(n)) continue;
      const circle = svg("circle", {cx: tx(n.date), cy: lane[n.agency] * LANE + 20, r: 5, fill: n.colorAgency, stroke: "#333", "data-node": n.id, tabindex: 0,
        opacity: state.known && !state.known.has(n.id) ? 0.15 : 1});
      const t = svg("title"); t.textContent = n.title; circle.append(t);
      circle.addEventListener("click", () => select(n.id));
      circle.addEventListener("keydown", (ev) => { if (ev.key === "Enter" || ev.key === " ") { ev.preventDefault(); select(n.id); } });
      root.append(circle);
    }
    box.append(root);
    highlightTimeline(state.selected ? [state.selected] : [...state.gapMarks]);
  }
  function highlightTimeline(ids) {
    const wanted = new Set(ids);
    for (const c of document.querySelectorAll("#timeline circle")) {
      const on = wanted.has(c.dataset.node);
      c.setAttribute("stroke-width", on ? 3 : 1); c.setAttribute("r", on ? 8 : 5); c.setAttribute("stroke", on ? "#000" : "#333");
      if (on) c.classList.add("selected"); else c.classList.remove("selected");
    }
  }
  network.on("selectNode", (p) => { if (!state.linkMode) { showDetails(p.nodes[0]); highlightTimeline(p.nodes); } });

  renderLegend(); renderTimeline(); applyLayout();
  cmGaps.start({base, mark: markEvents, focus: highlightEvents, agencyName: (id) => agencyById[id]?.name});
})();
