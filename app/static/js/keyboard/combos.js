// The combos of the profile, beside the keyboard: keys, what they do (opens the action form),
// timeout, hold and layers.

import { h } from "../dom.js";
import { legend } from "./legend.js";

export function combosPanel(c, kb, openCombo) {
  const m = c.editor.model;
  const field = (combo, name, attrs) => h("input", { ...attrs, value: combo[name],
    oninput: (e) => { combo[name] = e.target.value; c.touch(); } });
  const shown = (text) => {
    try { return text.trim() ? legend(c.parse(text)).text : "…"; } catch { return "⚠"; }
  };
  return h("section", { class: "card kb-combos", dataset: { path: "combos" } },
    h("div", { class: "card-head" }, h("h2", {}, "Combos"), h("span", { class: "muted small" }, "keys pressed together act as one")),
    h("div", { class: "field-error combo-errors" }),
    m.combos.length ? h("table", { class: "mappings" },
      h("thead", {}, h("tr", {}, h("th", {}, "Keys"), h("th", {}, "Does"), h("th", {}, "Timeout"), h("th", {}, "Hold"), h("th", {}, "Layers"), h("th", {}))),
      h("tbody", {}, m.combos.map((combo, i) => h("tr", { class: "combo", dataset: { path: `combos.${i}` } },
        h("td", {}, field(combo, "keys", { class: "combo-keys mono", size: "8", placeholder: "j k", "aria-label": "Combo keys" })),
        h("td", { class: "action-cell" },
          h("button", { type: "button", class: `combo-action mono${kb.target?.combo === i ? " current" : ""}`,
            "aria-label": `Edit what combo ${i + 1} does`, onclick: () => openCombo(i) }, shown(combo.action)),
          h("div", { class: "field-error" })),
        h("td", {}, field(combo, "timeout_ms", { type: "number", min: "1", class: "num", placeholder: "ms", "aria-label": "Combo timeout" })),
        h("td", {}, field(combo, "hold_ms", { type: "number", min: "0", class: "num", placeholder: "ms",
          "aria-label": "Combo hold (ms): fires only once its keys are held this long", title: "fires only once its keys are held this long" })),
        h("td", {}, field(combo, "layers", { size: "8", placeholder: "any", "aria-label": "Combo layers" })),
        h("td", {}, h("button", { type: "button", class: "link remove", "aria-label": "Remove combo", onclick: () => {
          m.combos.splice(i, 1); if (kb.target?.combo !== undefined) kb.target = null; c.touch(); c.draw();
        } }, "×")))))) : h("p", { class: "muted small" }, "No combos."),
    h("button", { type: "button", class: "link add-combo", onclick: () => {
      m.combos.push({ keys: "", action: "esc", timeout_ms: "", hold_ms: "", layers: "" });
      c.touch();
      openCombo(m.combos.length - 1);
    } }, "+ Combo"));
}
