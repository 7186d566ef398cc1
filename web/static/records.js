// The records page: tables of every kind of item, with add, edit and delete through the
// API (version-checked), and the chronology import with its row errors.
"use strict";
(() => {
  const FORMS = JSON.parse(document.getElementById("forms-data").textContent);
  const CASE_ID = JSON.parse(document.getElementById("case-id").textContent);
  const base = `/api/cases/${encodeURIComponent(CASE_ID)}`;
  const COLUMNS = {
    agencies: ["id", "name", "sector"], events: ["id", "date", "agency", "kind", "description"],
    decisions: ["id", "date", "agency", "taken", "description"], factors: ["id", "category", "valence", "description"],
    links: ["id", "cause", "effect", "strength", "confidence", "sources"], episodes: ["id", "title", "rating", "start", "end"],
    findings: ["id", "category", "valence", "priority", "statement"], recommendations: ["id", "type", "owner", "status", "text"],
  };
  const show = (v) => v === null || v === undefined ? "" : Array.isArray(v) ? v.map(show).join("; ")
    : typeof v === "object" ? `${v.node} ${v.id}` : typeof v === "boolean" ? (v ? "yes" : "no") : String(v);

  async function render(section) {
    const wrap = document.querySelector(`section[data-section="${section}"] .table-wrap`);
    const r = await cm.send("GET", `${base}/${section}`);
    cm.clear(wrap);
    if (!r.ok) { cm.showProblem(wrap, r.body); return; }
    if (!r.body.length) { wrap.append(cm.el("p", {text: "None yet."})); return; }
    const cols = COLUMNS[section];
    const body = cm.el("tbody");
    for (const item of r.body) {
      const row = cm.el("tr", {"data-id": item.id});
      for (const c of cols) row.append(cm.el("td", {text: c === "description" || c === "statement" || c === "text" ? cm.short(show(item[c]), 110) : show(item[c])}));
      row.append(cm.el("td", {},
        cm.el("button", {type: "button", class: "secondary", "aria-label": `Edit ${item.id}`, text: "Edit", onclick: () => edit(section, item)}), " ",
        cm.el("button", {type: "button", class: "danger", "aria-label": `Delete ${item.id}`, text: "Delete", onclick: () => remove(section, item)})));
      body.append(row);
    }
    const head = cm.el("tr", {}, ...cols.map(c => cm.el("th", {scope: "col", text: c.replace("_", " ")})), cm.el("th", {scope: "col", text: "Actions"}));
    wrap.append(cm.el("table", {class: "data"}, cm.el("caption", {text: `${r.body.length} ${section}`}), cm.el("thead", {}, head), body));
  }

  const dialog = document.getElementById("editor");
  const form = document.getElementById("editor-form");
  let current = null;
  async function open(section, item) {
    current = {section, item};
    document.getElementById("editor-title").textContent = item ? `Edit ${item.id}` : `Add to ${section}`;
    cm.clear(document.getElementById("editor-errors"));
    await cm.buildForm(form, CASE_ID, FORMS[section], item, !item, section);
    dialog.showModal();
    form.querySelector("input, select, textarea")?.focus();
  }
  const edit = (section, item) => open(section, item);
  async function remove(section, item) {
    if (!confirm(`Delete ${item.id}? This cannot be undone.`)) return;
    const r = await cm.send("DELETE", `${base}/${section}/${encodeURIComponent(item.id)}?version=${item.version}`);
    if (r.ok) {
      const links = r.body.also_removed.causal_links;
      cm.say(`Deleted ${item.id}${links ? ` and the ${links} causal link${links === 1 ? "" : "s"} it had` : ""}.`);
      cm.forget(); render(section); if (links) render("links");
    }
    else { alert(`${r.body.title}: ${r.body.detail}`); }
  }
  document.getElementById("editor-save").addEventListener("click", async () => {
    const {section, item} = current;
    const body = cm.readForm(form, FORMS[section]);
    if (item) body.version = item.version;
    const r = item ? await cm.send("PUT", `${base}/${section}/${encodeURIComponent(item.id)}`, body)
                   : await cm.send("POST", `${base}/${section}`, body);
    if (r.ok) { dialog.close(); cm.say(`Saved ${r.body.id}.`); cm.forget(); render(section); }
    else cm.showProblem(document.getElementById("editor-errors"), r.body);
  });
  document.getElementById("editor-cancel").addEventListener("click", () => dialog.close());
  for (const button of document.querySelectorAll("button.add")) button.addEventListener("click", () => open(button.dataset.section, null));

  document.getElementById("import-form").addEventListener("submit", async (ev) => {
    ev.preventDefault();
    const out = document.getElementById("import-result");
    cm.clear(out);
    out.append(cm.el("p", {text: "Checking every row…"}));
    const r = await cm.send("POST", `${base}/chronology`, new FormData(ev.target));
    cm.clear(out);
    if (r.ok) {
      const counts = (o) => Object.entries(o).map(([k, n]) => `${n} ${k}`).join(", ");
      out.append(cm.el("p", {class: "ok", text: `Imported. Created: ${counts(r.body.created)}. Updated: ${counts(r.body.updated)}.`}));
      cm.forget();
      for (const s of Object.keys(COLUMNS)) render(s);
    } else {
      out.classList.add("errors");
      cm.showProblem(out, r.body);
    }
  });
  for (const s of Object.keys(COLUMNS)) render(s);
})();
