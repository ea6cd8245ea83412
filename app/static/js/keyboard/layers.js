// Layer tabs and what can be done to a layer: add, rename, duplicate, move up/down, remove.

import { h, replace } from "../dom.js";
import { renameLayerRefs, uniqueLayerName } from "./doc.js";

const NAME = /^[a-z][a-z0-9_-]{0,31}$/;

/**
 * @param {object} c   the editor context
 * @param {object} kb  the keyboard view's state ({layer})
 * @param {(name: string) => void} select
 */
export function layerTabs(c, kb, select) {
  const m = c.editor.model;
  const i = m.layers.findIndex((l) => l.name === kb.layer);
  const layer = m.layers[i];
  const isBase = layer?.name === "base";
  const error = h("div", { class: "field-error layer-name-error", role: "alert" });
  const change = (fn) => { fn(); c.touch(); c.draw(); };

  const rename = (e) => {
    const to = e.target.value.trim();
    if (to === layer.name) return;
    if (!NAME.test(to)) { replace(error, "a layer name is a-z, 0-9, - and _, starting with a letter (at most 32)"); return; }
    if (m.layers.some((l) => l.name === to)) { replace(error, `there is a layer "${to}" already`); return; }
    change(() => {
      renameLayerRefs(m, layer.name, to, c.parse, c.actionText);
      layer.name = to;
      kb.layer = to;
    });
    c.editor.root.querySelector("input.kb-layer-name")?.focus();
  };
  const move = (d) => change(() => { [m.layers[i], m.layers[i + d]] = [m.layers[i + d], m.layers[i]]; });

  return h("div", { class: "kb-layers" },
    h("div", { class: "tabs", role: "tablist", "aria-label": "Layers" }, m.layers.map((l) =>
      h("button", { type: "button", role: "tab", class: "layer-tab", "aria-selected": String(l.name === kb.layer),
        dataset: { layer: l.name }, onclick: () => select(l.name) }, l.name || "(unnamed)"))),
    h("button", { type: "button", class: "add-layer-tab", onclick: () => {
      const name = uniqueLayerName(m, "layer");
      change(() => { m.layers.push({ name, rows: [] }); kb.layer = name; kb.target = null; });
      c.editor.root.querySelector("input.kb-layer-name")?.select();
    } }, "+ Layer"),
    layer ? h("div", { class: "layer-tools row" },
      isBase ? h("span", { class: "muted small" }, "base is always active; other layers sit above it")
        : h("label", { class: "small" }, "Name ", h("input", { class: "kb-layer-name mono", value: layer.name, size: "12",
          "aria-label": "Layer name", onchange: rename, onkeydown: (e) => { if (e.key === "Enter") e.target.blur(); } })),
      h("button", { type: "button", class: "duplicate-layer", onclick: () => {
        const name = uniqueLayerName(m, `${layer.name}_copy`);
        change(() => { m.layers.splice(i + 1, 0, { name, rows: layer.rows.map((r) => ({ ...r })) }); kb.layer = name; });
      } }, "Duplicate"),
      isBase ? null : h("button", { type: "button", class: "move-up", disabled: i <= 1, onclick: () => move(-1) }, "Move up"),
      isBase ? null : h("button", { type: "button", class: "move-down", disabled: i >= m.layers.length - 1, onclick: () => move(1) }, "Move down"),
      isBase ? null : h("button", { type: "button", class: "remove-layer danger", onclick: () =>
        change(() => { m.layers.splice(i, 1); kb.layer = "base"; kb.target = null; }) }, "Remove layer"),
      error) : null);
}
