// The profile editor's Keyboard view: layer tabs, the SVG keyboard with each key's legend, the
// action form for the chosen key, the combos; plus the bar above both views (view tabs,
// undo/redo, print). It edits the editor's model in place (views/editor.js owns it).

import { h, replace } from "../dom.js";
import { state } from "../state.js";
import { drawBoard, focusKey } from "../keyboard/board.js";
import { combosPanel } from "../keyboard/combos.js";
import { findLayer, findRow, readRow, setKey } from "../keyboard/doc.js";
import { actionForm } from "../keyboard/form.js";
import { geometry, layoutFor, layouts, rememberLayout } from "../keyboard/geometry.js";
import { layerTabs } from "../keyboard/layers.js";
import { pressesOn, remark, setPresses } from "../keyboard/presses.js";
import { openPrint } from "../keyboard/print.js";
import { recordEdit, redo, syncButtons, track, undo } from "../keyboard/session.js";
import { showLayer } from "../keyboard/show.js";

const MODE = "keyrx.editor.view";
const kb = { layer: "base", target: null, focus: null, device: undefined, geo: null, layoutIndex: null };

export function keyboardMode() {
  return localStorage.getItem(MODE) === "keyboard";
}

/** The bar above the editor's body: Table | Keyboard, undo, redo, print. */
export function editorBar(c) {
  track(c);
  const mode = keyboardMode() ? "keyboard" : "table";
  const tab = (id, text) => h("button", { type: "button", role: "tab", class: `view-tab ${id}-tab`,
    "aria-selected": String(mode === id), onclick: () => { localStorage.setItem(MODE, id); c.draw(); } }, text);
  const bar = h("div", { class: "editor-bar" },
    h("div", { class: "tabs", role: "tablist", "aria-label": "Editor view" }, tab("table", "Table"), tab("keyboard", "Keyboard")),
    h("div", { class: "actions" },
      h("button", { type: "button", class: "undo", title: "Undo (Ctrl+Z)", onclick: () => undo(c) }, "↶ Undo"),
      h("button", { type: "button", class: "redo", title: "Redo (Ctrl+Shift+Z, Ctrl+Y)", onclick: () => redo(c) }, "↷ Redo"),
      h("button", { type: "button", class: "print", title: "One sheet per layer, plus the combos",
        onclick: () => withGeometry(c, (geo) => openPrint(c, geo)) }, "Print…")));
  queueMicrotask(() => syncButtons(c.editor));
  return bar;
}

/** The model changed (any view): note it for undo and refresh what shows it. */
export function edited(c) {
  recordEdit(c);
  if (!keyboardMode()) return;
  const host = c.editor.root.querySelector(".kb-board");
  if (host) drawInto(host, c);
  const combos = c.editor.root.querySelector(".kb-combos");
  if (combos && !combos.contains(document.activeElement)) combos.replaceWith(combosPanel(c, kb, (i) => openCombo(c, i)));
}

function deviceId() {
  if (kb.device !== undefined && (kb.device === null || state.devices.has(kb.device))) return kb.device;
  const devs = [...state.devices.values()];
  return (devs.find((d) => d.profile && d.profile === state.active) || devs[0])?.id ?? null;
}

function withGeometry(c, fn) {
  const id = layoutFor(deviceId());
  if (kb.geo?.id === id) return fn(kb.geo);
  return geometry(id).catch(() => geometry("ansi_104")).then((geo) => { kb.geo = geo; fn(geo); });
}

function drawInto(host, c) {
  withGeometry(c, (geo) => {
    const hadFocus = host.contains(document.activeElement);
    const board = drawBoard(geo, showLayer(c.editor.model, kb.layer, c.parse), {
      focus: kb.focus, open: (key) => openKey(c, key),
    });
    const cur = kb.target?.key;
    if (cur) board.querySelector(`g[data-key="${CSS.escape(cur)}"]`)?.classList.add("selected");
    replace(host, board);
    remark(board);
    if (hadFocus && kb.focus) focusKey(board, kb.focus);
  });
}

function openKey(c, key) {
  kb.target = { key };
  kb.focus = key;
  c.draw();
  c.editor.root.querySelector(".action-form select.action-type")?.focus();
}

function openCombo(c, index) {
  kb.target = { combo: index };
  c.draw();
  c.editor.root.querySelector(".action-form select.action-type")?.focus();
}

function closeForm(c) {
  const key = kb.target?.key;
  kb.target = null;
  c.draw();
  const board = c.editor.root.querySelector(".kb-board svg");
  if (board && key) focusKey(board, key);
  else c.editor.root.querySelector(".kb-board g[tabindex='0']")?.focus();
}

function formFor(c) {
  const m = c.editor.model;
  const ctx = {
    layers: () => m.layers.map((l) => l.name), settings: () => m.settings, layer: kb.layer,
    key: kb.target?.key,
  };
  if (kb.target?.key) {
    const key = kb.target.key;
    const here = findRow(findLayer(m, kb.layer), key);
    return actionForm({
      title: `${key} in ${kb.layer}`, path: `layers.${kb.layer}.${key}`, top: true, parse: c.parse, format: c.actionText,
      get: () => (here ? { ...readRow(here, c.parse), text: here.action } : { ok: true, value: undefined }),
      set: (v) => { setKey(m, kb.layer, key, v, c.actionText); c.touch(); },
      close: () => closeForm(c),
    }, ctx);
  }
  const combo = m.combos[kb.target.combo];
  if (!combo) { kb.target = null; return null; }
  const i = kb.target.combo;
  return actionForm({
    title: `Combo ${combo.keys || i + 1}`, path: `combos.${i}.action`, top: false, parse: c.parse, format: c.actionText,
    get: () => { try { return { ok: true, value: combo.action.trim() ? c.parse(combo.action) : "" }; } catch (err) { return { ok: false, error: err.message, text: combo.action }; } },
    set: (v) => { combo.action = v === undefined ? "" : c.actionText(v); c.touch(); },
    close: () => closeForm(c),
  }, ctx);
}

function toolbar(c) {
  const dev = deviceId();
  const devSelect = h("select", { class: "kb-device", "aria-label": "Keyboard", onchange: (e) => {
    kb.device = e.target.value || null; kb.geo = null; c.draw();
  } }, h("option", { value: "", selected: dev === null }, "Any keyboard"),
  [...state.devices.values()].map((d) => h("option", { value: d.id, selected: d.id === dev }, d.label || d.name)));
  const layoutSelect = h("select", { class: "kb-layout", "aria-label": "Layout", onchange: (e) => {
    rememberLayout(deviceId(), e.target.value); kb.geo = null; c.draw();
  } });
  (kb.layoutIndex ||= layouts()).then((idx) => replace(layoutSelect, idx.layouts.map((l) =>
    h("option", { value: l.id, selected: l.id === layoutFor(deviceId()) }, l.name))));
  return h("div", { class: "kb-toolbar row" },
    h("label", { class: "small muted" }, "Keyboard ", devSelect),
    h("label", { class: "small muted" }, "Layout ", layoutSelect),
    h("label", { class: "check small show-presses" }, h("input", { type: "checkbox", class: "presses", checked: pressesOn(),
      onchange: (e) => setPresses(e.target.checked) }), " Show presses"));
}

/** The Keyboard view's body (in place of the table's layer cards and combos). */
export function keyboardView(c) {
  const m = c.editor.model;
  if (!findLayer(m, kb.layer)) { kb.layer = "base"; kb.target = null; }
  const host = h("div", { class: "kb-board" });
  drawInto(host, c);
  const form = kb.target ? formFor(c) : null;
  return h("div", { class: "kb-view" },
    h("section", { class: "card kb-main" }, toolbar(c),
      layerTabs(c, kb, (name) => { kb.layer = name; kb.target = null; c.draw(); }),
      host,
      h("p", { class: "muted small kb-hint" }, "Click a key (or move with the arrow keys and press Enter) to change what it does.",
        " Dimmed keys are not mapped in this layer and do what base does.")),
    h("div", { class: "kb-errors" }, m.layers.map((l) => h("div", { class: "kb-layer-errors", dataset: { path: `layers.${l.name}` } },
      h("strong", { class: "small" }, `Layer ${l.name}`), h("div", { class: "field-error" })))),
    h("div", { class: "kb-lower" }, form || h("section", { class: "card action-form empty muted small" },
      "Choose a key to edit it."), combosPanel(c, kb, (i) => openCombo(c, i))));
}

/** Leaving the editor: forget the open form. */
export function keyboardClosed() {
  kb.target = null;
  if (pressesOn()) setPresses(false, false);
}
