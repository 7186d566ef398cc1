// Shared helpers. User-supplied text only ever enters the page through textContent or
// attribute values, never innerHTML, so nothing a user types can run as code.
"use strict";
const cm = (() => {
  function el(tag, attrs = {}, ...children) {
    const node = document.createElement(tag);
    for (const [k, v] of Object.entries(attrs)) {
      if (v === null || v === undefined || v === false) continue;
      if (k === "text") node.textContent = v;
      else if (k.startsWith("on")) node.addEventListener(k.slice(2), v);
      else node.setAttribute(k, v === true ? "" : v);
    }
    for (const c of children) if (c !== null && c !== undefined) node.append(c);
    return node;
  }
  async function send(method, url, body) {
    const init = {method, headers: {"Accept": "application/json", "X-Causalmap": "1",
                                    "X-CSRF-Token": document.querySelector("meta[name=csrf-token]").content}};
    if (body instanceof FormData) init.body = body;
    else if (body !== undefined) { init.body = JSON.stringify(body); init.headers["Content-Type"] = "application/json"; }
    let response;
    try { response = await fetch(url, init); }
    catch (e) { return {ok: false, status: 0, body: {title: "No connection", detail: "The server could not be reached; check that causalmap is running."}}; }
    let parsed = null;
    try { parsed = await response.json(); } catch (e) { parsed = {title: "Unexpected answer", detail: "The server's answer could not be read."}; }
    return {ok: response.ok, status: response.status, body: parsed};
  }
  function clear(node) { while (node.firstChild) node.removeChild(node.firstChild); }
  function showProblem(node, problem) {
    clear(node);
    node.append(el("p", {text: (problem.title ? problem.title + ": " : "") + (problem.detail || "")}));
    if (problem.errors && problem.errors.length) {
      const body = el("tbody");
      for (const e of problem.errors) {
        body.append(el("tr", {}, el("td", {text: e.row ?? ""}), el("td", {text: e.column ?? ""}),
          el("td", {text: typeof e.value === "object" && e.value !== null ? JSON.stringify(e.value) : (e.value ?? "")}),
          el("td", {text: e.message})));
      }
      node.append(el("table", {class: "data errors-table"},
        el("caption", {text: "What to fix"}),
        el("thead", {}, el("tr", {}, el("th", {scope: "col", text: "Row"}), el("th", {scope: "col", text: "Column"}),
          el("th", {scope: "col", text: "Value"}), el("th", {scope: "col", text: "What would be right"}))), body));
    }
  }
  function say(message) { const s = document.getElementById("status"); s.textContent = message; setTimeout(() => { if (s.textContent === message) s.textContent = ""; }, 6000); }

  // Options for the reference fields of the forms, loaded once per page.
  const optionCache = {};
  async function options(caseId, section) {
    if (!optionCache[section]) {
      const r = await send("GET", `/api/cases/${encodeURIComponent(caseId)}/${section}`);
      optionCache[section] = r.ok ? r.body : [];
    }
    return optionCache[section];
  }
  function forget() { for (const k of Object.keys(optionCache)) delete optionCache[k]; }
  const short = (t, n = 60) => { t = (t || "").replace(/\s+/g, " "); return t.length > n ? t.slice(0, n - 1) + "…" : t; };
  const describe = (r) => r.description || r.statement || r.title || r.name || r.text || r.id;
  async function refOptions(caseId, type) {
    const groups = {agency: ["agencies"], agencies: ["agencies"], event: ["events"], events: ["events"],
      node: ["events", "decisions", "factors"], nodes: ["events", "decisions", "factors"],
      evidence: ["episodes", "factors", "events"], findings: ["findings"]}[type];
    const nodeName = {events: "event", decisions: "decision", factors: "factor", episodes: "episode"};
    const out = [];
    for (const section of groups) {
      for (const r of await options(caseId, section)) {
        const mixed = ["node", "nodes", "evidence"].includes(type);
        out.push({value: mixed ? `${nodeName[section]}:${r.id}` : r.id,
                  label: `${mixed ? nodeName[section] + " " : ""}${r.id}${r.date ? " (" + r.date + ")" : ""}: ${short(describe(r))}`});
      }
    }
    return out;
  }
  const MULTI = ["agencies", "events", "nodes", "evidence", "findings"];
  const MIXED = ["node", "nodes", "evidence"];

  // Ids are generated for new items, never invented by the user: a short prefix of the
  // kind and a time-based suffix; the server makes a new agency's id from its name, by the
  // rule a chronology's import uses.
  const ID_PREFIX = {events: "ev", decisions: "dec", factors: "f", episodes: "kpe", findings: "fd",
    recommendations: "rec", links: "cl"};
  const newId = (section) => `${ID_PREFIX[section] || "item"}-${Date.now().toString(36)}${Math.floor(Math.random() * 1296).toString(36).padStart(2, "0")}`;

  // Build a labelled form from a field spec; fill it from a record.
  async function buildForm(form, caseId, fields, record, isNew, section = null) {
    clear(form);
    for (const f of fields) {
      const id = `field-${f.name}`;
      const label = el("label", {for: id, text: f.label + (f.required ? " (required)" : "")});
      let input;
      let value = record ? record[f.name] : (f.default ?? null);
      if (f.type === "textarea" || f.type === "lines") {
        input = el("textarea", {id, name: f.name, rows: 3});
        input.value = f.type === "lines" ? (value || []).join("\n") : (value ?? "");
      } else if (f.type === "checkbox") {
        input = el("input", {id, name: f.name, type: "checkbox"});
        input.checked = !!value;
      } else if (f.type === "select") {
        input = el("select", {id, name: f.name}, el("option", {value: "", text: "(not set)"}));
        for (const o of f.options) input.append(el("option", {value: o.value, text: o.label}));
        input.value = value ?? "";
      } else if (["agency", "event", "node"].includes(f.type) || MULTI.includes(f.type)) {
        const multi = MULTI.includes(f.type);
        input = el("select", {id, name: f.name, multiple: multi, size: multi ? 5 : null});
        if (!multi) input.append(el("option", {value: "", text: "(choose)"}));
        const chosen = new Set((multi ? (value || []) : [value]).filter(Boolean)
          .map(v => typeof v === "object" ? `${v.node}:${v.id}` : v));
        for (const o of await refOptions(caseId, f.type)) {
          const opt = el("option", {value: o.value, text: o.label});
          opt.selected = chosen.has(o.value);
          input.append(opt);
        }
      } else {
        input = el("input", {id, name: f.name, type: "text"});
        input.value = value ?? "";
      }
      if (f.required && f.type !== "checkbox") input.required = true;
      if (f.name === "id") {
        input.readOnly = true;
        if (isNew) {
          label.textContent = "Id (made for you)";
          if (section === "agencies") input.placeholder = "made from the name when saved";
          else if (!input.value) input.value = newId(section);
        }
      }
      form.append(el("div", {class: "field"}, label, input));
    }
  }
  function readForm(form, fields) {
    const body = {};
    for (const f of fields) {
      const input = form.elements[f.name];
      if (f.type === "checkbox") body[f.name] = input.checked;
      else if (f.type === "lines") body[f.name] = input.value.split("\n").map(s => s.trim()).filter(Boolean);
      else if (MULTI.includes(f.type)) {
        const values = [...input.selectedOptions].map(o => o.value);
        body[f.name] = MIXED.includes(f.type) ? values.map(v => ({node: v.split(":")[0], id: v.slice(v.indexOf(":") + 1)})) : values;
      } else if (f.type === "node") {
        const v = input.value;
        body[f.name] = v ? {node: v.split(":")[0], id: v.slice(v.indexOf(":") + 1)} : null;
      } else body[f.name] = input.value === "" ? null : input.value;
    }
    return body;
  }
  return {el, send, clear, showProblem, say, buildForm, readForm, forget, short, describe};
})();
