// The Export menu: builds GET /api/cases/ID/export with the format, the view and, on the map
// page, the map's current filters; the server names the download CASE-VIEW-YYYY-MM-DD.EXT.
"use strict";
(() => {
  const form = document.getElementById("export-form");
  if (!form) return;
  const caseId = form.closest("[data-case]").dataset.case;
  const iso = (ms) => new Date(ms).toISOString().slice(0, 10);

  function exportUrl() {
    const params = new URLSearchParams();
    params.set("format", document.getElementById("export-format").value);
    params.set("view", document.getElementById("export-view").value);
    if (document.getElementById("export-redact").checked) params.set("redact", "1");
    const map = window.causalmap;
    if (map && map.state) {
      const all = document.querySelectorAll("#agency-filter input").length;
      const chosen = [...map.state.agencies].sort();
      if (chosen.length < all) for (const a of chosen) params.append("agency", a);
      if (map.state.from) params.set("from", iso(map.state.from));
      if (map.state.to) params.set("to", iso(map.state.to));
      if (map.state.episode) params.set("episode", map.state.episode);
    }
    const hideLow = document.getElementById("gaps-hide-low");
    if (hideLow && hideLow.checked) params.set("hide_low", "1");
    return `/api/cases/${encodeURIComponent(caseId)}/export?${params}`;
  }

  form.addEventListener("submit", (ev) => {
    ev.preventDefault();
    const link = cm.el("a", {href: exportUrl(), download: ""});
    document.body.append(link);
    link.click();
    link.remove();
    cm.say("Preparing the export; your browser will save it.");
  });
  window.causalmapExportUrl = exportUrl;
})();
