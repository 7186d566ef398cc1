// The gap list panel of the map page: what the analysis found between agencies, and
// marking it on the map. The map hands in how to mark and focus events; this file owns
// which gaps are listed and which are marked.
"use strict";
const cmGaps = (() => {
  function start({base, mark, focus}) {
    const $ = (id) => document.getElementById(id);
    let gaps = [];
    const eventRefs = (g) => g.event_ids.map(i => "event:" + i);
    function render() {
      const list = $("gap-list"); cm.clear(list);
      for (const g of gaps) {
        if ($("gaps-hide-low").checked && g.severity === "low") continue;
        const button = cm.el("button", {type: "button", class: `sev-${g.severity}`, "data-type": g.type},
          cm.el("strong", {text: `${g.severity.toUpperCase()} · ${g.type.replace(/_/g, " ")}`}), cm.el("br"), g.explanation);
        button.addEventListener("click", () => focus(eventRefs(g), g.explanation));
        list.append(cm.el("li", {}, button));
      }
    }
    $("gaps-hide-low").addEventListener("change", render);
    $("gaps-overlay").addEventListener("change", (ev) => {
      mark(ev.target.checked ? new Set(gaps.filter(g => g.severity === "high").flatMap(eventRefs)) : new Set());
    });
    (async () => {
      const r = await cm.send("GET", `${base}/analysis?which=gaps`);
      gaps = r.ok ? r.body.gaps : [];
      render();
    })();
  }
  return {start};
})();
