// The editor's Applications card: the profile's `apps` rules (match app_id and/or title, turn on
// layers while such a window has the focus), with "use current window" from GET /api/focus.

import { get } from "../api.js";
import { h, toast } from "../dom.js";

/** A profile's rules as the card edits them. */
export function appsModel(profile) {
  return (profile.apps || []).map((r) => ({
    app_id: r.match?.app_id ?? "", title: r.match?.title ?? "", layers: [...(r.layers || [])],
  }));
}

/** The rules as a profile's `apps`: only the fields given. */
export function appsBody(rules) {
  return rules.map((r) => {
    const match = {};
    if (r.app_id.trim()) match.app_id = r.app_id.trim();
    if (r.title.trim()) match.title = r.title.trim();
    return { match, layers: r.layers };
  });
}

/**
 * @param {object} o
 * @param {object[]} o.rules          the model's rules (edited in place)
 * @param {string[]} o.layerNames     the profile's layers as the editor has them now
 * @param {Function} o.input          the editor's input builder (marks the profile edited)
 * @param {Function} o.changed        call after a structural change: marks edited and redraws
 */
export function appsCard({ rules, layerNames, input, changed }) {
  const move = (i, by) => { rules.splice(i + by, 0, ...rules.splice(i, 1)); changed(); };
  const field = (path, label, control) => h("div", { class: "field", dataset: { path } }, h("label", {}, label), control);
  return h("section", { class: "card apps", dataset: { path: "apps" } },
    h("div", { class: "card-head" }, h("h2", {}, "Applications"),
      h("span", { class: "muted small" }, "layers on while a matching window has the focus (keyrx focus-agent reports it)")),
    h("div", { class: "field-error apps-errors" }),
    rules.map((rule, i) => h("div", { class: "app-rule", dataset: { path: `apps.${i}` } },
      h("div", { class: "row" },
        field(`apps.${i}.match.app_id`, "App id",
          h("div", { class: "row" },
            input({ class: "app-id mono", placeholder: "kitty or /^(firefox|chromium)$/", "aria-label": "App id", size: "18" },
              () => rule.app_id, (v) => { rule.app_id = v; }),
            h("button", { class: "use-current small", title: "Fill in the focused window's app id (GET /api/focus)",
              onclick: () => useCurrent(rule, changed) }, "Use current window"))),
        field(`apps.${i}.match.title`, "Title",
          input({ class: "app-title mono", placeholder: "optional: exact or /regex/", "aria-label": "Title", size: "18" },
            () => rule.title, (v) => { rule.title = v; })),
        field(`apps.${i}.layers`, "Layers",
          h("select", { class: "app-layers", multiple: true, size: String(Math.min(4, Math.max(2, layerNames.length))),
            "aria-label": "Layers", onchange: (e) => { pick(rule, [...e.target.selectedOptions].map((o) => o.value)); changed(); } },
          [...new Set([...layerNames, ...rule.layers])].map((name) =>
            h("option", { value: name, selected: rule.layers.includes(name) }, name)))),
        h("div", { class: "rule-actions" },
          h("button", { class: "link up", "aria-label": "Move rule up", disabled: i === 0, onclick: () => move(i, -1) }, "↑"),
          h("button", { class: "link down", "aria-label": "Move rule down", disabled: i === rules.length - 1, onclick: () => move(i, 1) }, "↓"),
          h("button", { class: "link remove", "aria-label": "Remove rule", onclick: () => { rules.splice(i, 1); changed(); } }, "×"))),
      h("div", { class: "field-error" }))),
    rules.length > 1 ? h("p", { class: "muted small" }, "Every matching rule applies; the first rule's layers are on top.") : null,
    h("button", { class: "link add-app", onclick: () => { rules.push({ app_id: "", title: "", layers: [] }); changed(); } }, "+ Rule"));
}

/** Keep the order of layers already chosen (the first on top); newly chosen ones go after them. */
function pick(rule, chosen) {
  rule.layers = [...rule.layers.filter((l) => chosen.includes(l)), ...chosen.filter((l) => !rule.layers.includes(l))];
}

async function useCurrent(rule, changed) {
  try {
    const focus = await get("/focus");
    if (!focus.app_id) {
      toast("No window has the focus as far as the daemon knows: is keyrx focus-agent running?", "error");
      return;
    }
    rule.app_id = focus.app_id;
    changed();
  } catch (err) {
    toast(err.message, "error");
  }
}
