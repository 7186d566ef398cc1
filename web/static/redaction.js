// The case's redaction list on the Overview: rows of term and replacement, saved in one PUT.
"use strict";
(() => {
  const form = document.getElementById("redaction-form");
  if (!form) return;
  const body = form.querySelector("tbody");
  const url = `/api/cases/${encodeURIComponent(form.dataset.case)}/redactions`;

  function row(term = "", replacement = "") {
    const n = body.children.length + 1;
    const remove = cm.el("button", {type: "button", class: "secondary", text: "Remove",
      "aria-label": `Remove term ${n}`, onclick: () => tr.remove()});
    const tr = cm.el("tr", {},
      cm.el("td", {}, cm.el("input", {name: "term", value: term, "aria-label": `Term ${n}`})),
      cm.el("td", {}, cm.el("input", {name: "replacement", value: replacement, "aria-label": `Replacement ${n}`})),
      cm.el("td", {}, remove));
    body.append(tr);
    return tr;
  }
  for (const t of JSON.parse(document.getElementById("redaction-data").textContent)) row(t.term, t.replacement);
  document.getElementById("redaction-add").addEventListener("click", () => row().querySelector("input").focus());
  form.addEventListener("submit", async (ev) => {
    ev.preventDefault();
    const terms = [...body.querySelectorAll("tr")].map(tr => ({
      term: tr.querySelector("[name=term]").value, replacement: tr.querySelector("[name=replacement]").value}))
      .filter(t => t.term.trim() || t.replacement.trim());
    const result = await cm.send("PUT", url, {terms});
    const errors = document.getElementById("redaction-errors");
    if (result.ok) { cm.clear(errors); cm.say(`Saved the redaction list: ${result.body.terms.length} terms.`); }
    else cm.showProblem(errors, result.body);
  });
})();
