// The cases page: create a case through the API, then open its records.
"use strict";
document.getElementById("new-case").addEventListener("submit", async (ev) => {
  ev.preventDefault();
  const form = ev.target;
  const result = await cm.send("POST", "/api/cases", {id: form.id.value, title: form.title.value});
  if (result.ok) { location.href = "/cases/" + encodeURIComponent(form.id.value) + "/records"; }
  else { cm.showProblem(document.getElementById("new-case-errors"), result.body); }
});
