// The gap list panel of the map page: what the analysis found between agencies, grouped by
// story (a pair of agencies, a meeting), ordered by the ranking's score, filterable by type,
// agency and severity, and marked on the map. The map hands in how to mark and focus events;
// this file owns which gaps are listed and which are marked: only those the list shows.
"use strict";
const cmGaps = (() => {
  function start({base, mark, focus, agencyName}) {
    const $ = (id) => document.getElementById(id);
    const name = (id) => (agencyName && agencyName(id)) || id;
    let gaps = [], stories = {};
    const eventRefs = (g) => g.event_ids.map(i => "event:" + i);
    const panel = $("gap-list").parentElement;

    // Filters, built here so the panel's contents stay in this file.
    const filters = cm.el("div", {class: "gap-filters"});
    const typeSel = cm.el("select", {id: "gaps-type", "aria-label": "Gap type"});
    const agencySel = cm.el("select", {id: "gaps-agency", "aria-label": "Agency"});
    const sevSel = cm.el("select", {id: "gaps-severity", "aria-label": "Severity"},
      cm.el("option", {value: "", text: "Any severity"}), cm.el("option", {value: "high", text: "High only"}),
      cm.el("option", {value: "medium", text: "High and medium"}));
    filters.append(cm.el("label", {for: "gaps-type", text: "Type"}), typeSel,
      cm.el("label", {for: "gaps-agency", text: "Agency"}), agencySel,
      cm.el("label", {for: "gaps-severity", text: "Severity"}), sevSel);
    panel.insertBefore(filters, $("gap-list"));
    const count = cm.el("p", {id: "gaps-count", class: "muted", "aria-live": "polite"});
    panel.insertBefore(count, $("gap-list"));

    function shown() {
      const rank = {high: 0, medium: 1, low: 2};
      return gaps.filter(g => !($("gaps-hide-low").checked && g.severity === "low")
        && (!typeSel.value || g.type === typeSel.value)
        && (!agencySel.value || g.agencies.includes(agencySel.value))
        && (!sevSel.value || rank[g.severity] <= rank[sevSel.value]));
    }
    function itemButton(g) {
      const why = (g.reasons || []).map(r => `${r.reason} (${r.points > 0 ? "+" : ""}${r.points})`).join("; ");
      const head = `${g.severity.toUpperCase()} · ${g.type.replace(/_/g, " ")}` + (g.score !== undefined ? ` · score ${g.score}` : "")
        + (g.certainty === "possible" ? " · possible" : "");
      const button = cm.el("button", {type: "button", class: `sev-${g.severity}`, "data-type": g.type, "data-story": g.story || ""},
        cm.el("strong", {text: head}), cm.el("br"), g.explanation, why ? cm.el("small", {class: "why", text: `Why: ${why}.`}) : null);
      button.addEventListener("click", () => focus(eventRefs(g), g.explanation, g));
      return cm.el("li", {}, button);
    }
    function render() {
      const list = $("gap-list"); cm.clear(list);
      const visible = shown();
      const groups = new Map();
      for (const g of visible) { const k = g.story || g.type; if (!groups.has(k)) groups.set(k, []); groups.get(k).push(g); }
      for (const [key, items] of groups) {
        const story = stories[key];
        const title = story ? story.title : items[0].type.replace(/_/g, " ");
        const summary = cm.el("summary", {}, cm.el("strong", {text: title}),
          ` · ${items.length} item${items.length === 1 ? "" : "s"} · ${items[0].severity} · score ${items[0].score ?? ""}`);
        const inner = cm.el("ol", {class: "gap-items"}, ...items.map(itemButton));
        list.append(cm.el("li", {class: "story", "data-story": key}, cm.el("details", {open: true}, summary, inner)));
      }
      count.textContent = `${visible.length} of ${gaps.length} gaps shown, in ${groups.size} ${groups.size === 1 ? "story" : "stories"}.`;
      if ($("gaps-overlay").checked) mark(new Set(visible.flatMap(eventRefs)));
    }
    for (const control of [$("gaps-hide-low"), typeSel, agencySel, sevSel]) control.addEventListener("change", render);
    $("gaps-overlay").addEventListener("change", (ev) => {
      if (ev.target.checked) render(); else mark(new Set());
    });
    (async () => {
      const r = await cm.send("GET", `${base}/analysis?which=gaps`);
      gaps = r.ok ? r.body.gaps : [];
      stories = Object.fromEntries(((r.ok && r.body.stories) || []).map(s => [s.id, s]));
      typeSel.append(cm.el("option", {value: "", text: "Every type"}),
        ...[...new Set(gaps.map(g => g.type))].sort().map(t => cm.el("option", {value: t, text: t.replace(/_/g, " ")})));
      agencySel.append(cm.el("option", {value: "", text: "Every agency"}),
        ...[...new Set(gaps.flatMap(g => g.agencies))].sort((a, b) => name(a).localeCompare(name(b)))
          .map(a => cm.el("option", {value: a, text: name(a)})));
      render();
    })();
  }
  return {start};
})();
