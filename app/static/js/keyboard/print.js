// Print/export: one sheet per layer (the keyboard with that layer's legends) plus the combos, shown
// over the page and printed with the browser's print (style.css has the print rules).

import { h } from "../dom.js";
import { drawBoard } from "./board.js";
import { legend } from "./legend.js";
import { showLayer } from "./show.js";

export function openPrint(c, geo) {
  closePrint();
  const m = c.editor.model;
  const combo = (text) => { try { return legend(c.parse(text)).text; } catch { return text; } };
  const sheets = h("div", { class: "print-sheets", role: "dialog", "aria-label": "Print view" },
    h("div", { class: "print-bar no-print" },
      h("strong", {}, `${c.editor.name}: ${m.layers.length} layer sheet${m.layers.length > 1 ? "s" : ""}`),
      h("button", { type: "button", class: "primary do-print", onclick: () => window.print() }, "Print…"),
      h("button", { type: "button", class: "close-print", onclick: closePrint }, "Close")),
    m.layers.map((l) => h("section", { class: "sheet", dataset: { layerSheet: l.name } },
      h("h2", {}, `${c.editor.name} · layer ${l.name}`),
      drawBoard(geo, showLayer(m, l.name, c.parse), { interactive: false }))),
    h("section", { class: "sheet combos-sheet" }, h("h2", {}, `${c.editor.name} · combos`),
      m.combos.length ? h("table", { class: "mappings" },
        h("thead", {}, h("tr", {}, h("th", {}, "Keys"), h("th", {}, "Does"), h("th", {}, "Action"), h("th", {}, "Layers"))),
        h("tbody", {}, m.combos.map((x) => h("tr", {}, h("td", { class: "mono" }, x.keys), h("td", {}, combo(x.action)),
          h("td", { class: "mono" }, x.action), h("td", {}, x.layers || "any")))))
        : h("p", { class: "muted" }, "No combos.")));
  sheets.addEventListener("keydown", (e) => { if (e.key === "Escape") closePrint(); });
  document.body.append(sheets);
  document.body.classList.add("printing");
  sheets.querySelector("button.do-print").focus();
}

export function closePrint() {
  document.querySelector(".print-sheets")?.remove();
  document.body.classList.remove("printing");
}
