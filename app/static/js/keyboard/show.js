// What a key cap shows for a layer: its label, the legend of its action, and whether it is inherited.

import { describe, capLabel, legend } from "./legend.js";
import { lookup } from "./doc.js";

/** A `show` function for board.js, for one layer of the editor's model. */
export function showLayer(model, layerName, parse) {
  return (key) => {
    const r = lookup(model, layerName, key, parse);
    const cap = capLabel(key) || key;
    const inherited = r.mapped ? undefined : r.from || undefined;
    if (!r.ok) return { cap, text: "⚠", kind: "other", invalid: true, inherited, title: r.error };
    if (r.passthrough) {
      return { cap: "", text: cap, kind: "pass", inherited,
        title: inherited ? `not mapped here or in ${inherited}: types itself` : "not mapped: types itself" };
    }
    const l = legend(r.value);
    const title = inherited ? `from ${inherited}: ${describe(r.value)}` : describe(r.value);
    return { cap, text: l.text, kind: l.kind, inherited, title };
  };
}
