// The queries page: runs the chosen named query through the API and draws its rows as a
// table, a bar chart (counts) or a small graph (paths). Values enter the page through
// textContent and attributes only; vis-network draws labels on a canvas as plain text.
"use strict";
(() => {
  const query = JSON.parse(document.getElementById("query-data").textContent);
  const form = document.getElementById("query-form");
  const el = cm.el;
  const columnType = Object.fromEntries(query.columns.map((c) => [c.name, c.type]));
  const PATH_COLUMNS = ["steps", "sectors", "ids"];

  function parameters() {
    const params = new URLSearchParams();
    for (const p of query.parameters) {
      const field = form.elements[p.name];
      if (!field) continue;
      const values = field.multiple ? Array.from(field.selectedOptions, (o) => o.value) : [field.value];
      for (const v of values) if (v !== "") params.append(p.name, v);
    }
    return params;
  }

  function caseLink(id) { return el("a", {href: "/cases/" + encodeURIComponent(id), text: id}); }

  function cell(column, value) {
    if (value === null || value === undefined) return el("td", {text: "–"});
    const type = columnType[column];
    if (type === "case") return el("td", {}, caseLink(value));
    if (column === "case_ids" && Array.isArray(value)) {
      const td = el("td");
      value.forEach((id, i) => { if (i) td.append(", "); td.append(caseLink(id)); });
      return td;
    }
    if (Array.isArray(value)) {
      return el("td", {text: value.map((v) => v ?? "–").join(PATH_COLUMNS.includes(column) ? " › " : ", ")});
    }
    return el("td", {text: String(value)});
  }

  function drawTable(result) {
    const holder = document.getElementById("result-table");
    cm.clear(holder);
    const head = el("tr", {}, ...result.columns.map((c) => el("th", {scope: "col", text: c.replaceAll("_", " ")})));
    const body = el("tbody", {}, ...result.rows.map((row) => el("tr", {}, ...result.columns.map((c) => cell(c, row[c])))));
    holder.append(el("table", {class: "data", id: "rows"}, el("caption", {text: query.title}), el("thead", {}, head), body));
  }

  function label(row, columns) {
    return columns.map((c) => Array.isArray(row[c]) ? row[c].map((v) => v ?? "–").join(" › ") : String(row[c] ?? "–")).join(" · ");
  }

  function drawBars(result) {
    const chart = document.getElementById("chart");
    cm.clear(chart);
    if (query.shape !== "counts" || !result.rows.length) return;
    const value = result.columns.find((c) => columnType[c] === "int");
    const names = result.columns.filter((c) => columnType[c] !== "int" && c !== "case_ids" && c !== "board_names");
    const rows = result.rows.slice(0, 40);
    const top = Math.max(...rows.map((r) => r[value] || 0), 1);
    const bars = el("div", {class: "bars", role: "img", "aria-label": `Bar chart of ${value} (the table below has the same figures)`});
    for (const r of rows) {
      const bar = el("div", {class: "bar", text: String(r[value])});
      bar.style.width = `${Math.max(4, (100 * (r[value] || 0)) / top)}%`;
      bars.append(el("div", {class: "bar-row"}, el("span", {text: label(r, names)}), el("div", {}, bar)));
    }
    chart.append(el("h3", {text: `${value.replaceAll("_", " ")}${result.rows.length > 40 ? " (the first 40)" : ""}`}), bars);
  }

  function drawPaths(result) {
    const holder = document.getElementById("path-graph");
    holder.classList.toggle("hidden", query.shape !== "paths" || !result.rows.length || typeof vis === "undefined");
    if (holder.classList.contains("hidden")) return;
    const nodes = new Map();
    const edges = new Map();
    for (const row of result.rows.slice(0, 300)) {
      const steps = row.steps.map((s, i) => (row.sectors && row.sectors[i] ? `${s}\n${row.sectors[i]}` : s));
      steps.forEach((s, i) => { const n = nodes.get(s); nodes.set(s, {id: s, label: s, level: n ? Math.min(n.level, i) : i}); });
      for (let i = 1; i < steps.length; i++) {
        const key = `${steps[i - 1]}→${steps[i]}`;
        const e = edges.get(key) || {id: key, from: steps[i - 1], to: steps[i], value: 0};
        e.value += 1; e.title = `${e.value} path(s)`; edges.set(key, e);
      }
    }
    // eslint-disable-next-line no-new
    new vis.Network(holder, {nodes: new vis.DataSet([...nodes.values()]), edges: new vis.DataSet([...edges.values()])}, {
      layout: {hierarchical: {direction: "LR", levelSeparation: 190, nodeSpacing: 80}},
      physics: false, nodes: {shape: "box", font: {size: 13}}, edges: {arrows: "to", scaling: {min: 1, max: 8}},
      interaction: {dragNodes: true, zoomView: true},
    });
  }

  form.addEventListener("submit", async (ev) => {
    ev.preventDefault();
    const errors = document.getElementById("query-errors");
    cm.clear(errors);
    const url = `/api/queries/${encodeURIComponent(query.name)}?${parameters().toString()}`;
    cm.say("Running the query…");
    const answer = await cm.send("GET", url);
    const results = document.getElementById("results");
    if (!answer.ok) { results.classList.add("hidden"); cm.showProblem(errors, answer.body); return; }
    const result = answer.body;
    results.classList.remove("hidden");
    document.getElementById("download-csv").href = url + "&format=csv";
    document.getElementById("download-json").href = url + "&format=json";
    const refreshed = result.refreshed && result.refreshed.length
      ? ` ${result.refreshed.length} changed case(s) were analysed again first.` : "";
    document.getElementById("result-summary").textContent =
      `${result.rows.length} row${result.rows.length === 1 ? "" : "s"}.${refreshed}`;
    drawBars(result);
    drawPaths(result);
    drawTable(result);
    cm.say(`${result.rows.length} rows`);
    results.scrollIntoView({block: "start"});
  });
})();
