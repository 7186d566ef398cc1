// The case overview: save the review details (version-checked) through the API.
"use strict";
document.getElementById("case-form").addEventListener("submit", async (ev) => {
  ev.preventDefault();
  const form = ev.target, body = {version: Number(form.dataset.version), trigger: {}, methodology: {}};
  for (const el of form.elements) {
    if (!el.name) continue;
    const [group, key] = el.name.includes(".") ? el.name.split(".") : [null, el.name];
    if (group) body[group][key] = el.value; else body[key] = el.value;
  }
  const result = await cm.send("PUT", `/api/cases/${encodeURIComponent(form.dataset.caseId)}`, body);
  if (result.ok) { form.dataset.version = result.body.version; cm.say("Saved the review details."); cm.clear(document.getElementById("case-errors")); }
  else { cm.showProblem(document.getElementById("case-errors"), result.body); }
});
