// Key names offered by the key search (a <datalist>): every key on the shipped layouts, and more.

import { h } from "../dom.js";
import { geometry, layouts } from "./geometry.js";

const ID = "keyrx-key-names";
const EXTRA = [
  ...Array.from({ length: 12 }, (_, i) => `f${i + 13}`), "ctrl", "shift", "alt", "meta",
  "mute", "volumedown", "volumeup", "playpause", "nextsong", "previoussong", "stopcd",
  "brightnessdown", "brightnessup", "print", "menu", "kpequal", "kpcomma", "btn_left", "btn_right", "btn_middle",
];

/** The id of the datalist (created and filled on first use). */
export function keyNames() {
  if (document.getElementById(ID)) return ID;
  const list = h("datalist", { id: ID });
  document.body.append(list);
  const names = new Set();
  const fill = (more) => {
    for (const n of more) names.add(n);
    list.replaceChildren(...[...names].sort().map((n) => h("option", { value: n })));
  };
  fill(EXTRA);
  layouts().then((idx) => Promise.all(idx.layouts.map((l) => geometry(l.id))))
    .then((geos) => fill(geos.flatMap((g) => g.keys.map((k) => k.key))))
    .catch(() => {});
  return ID;
}
