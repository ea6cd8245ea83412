// What belongs to the open editor as a whole: undo/redo, Ctrl+Z / Ctrl+Shift+Z / Ctrl+Y, and the
// question before leaving it (or the page) with unsaved edits.

import { History } from "./history.js";

let open = null; // the context of the editor on screen: see views/editor.js kbContext()

/** Called on every draw of the editor: remember it, start its history, note a saved state. */
export function track(c) {
  open = c;
  const e = c.editor;
  if (!e.history) e.history = new History(e.model);
  else if (!e.dirty) e.history.markSaved(e.model);
}

/** The model was edited: record it for undo. */
export function recordEdit(c) {
  const e = c.editor;
  if (!e.history) e.history = new History(e.model);
  const field = document.activeElement && document.activeElement !== document.body ? document.activeElement : null;
  const typing = field && field.matches("input:not([type=checkbox]), textarea");
  e.history.record(e.model, typing ? field : null);
  syncButtons(e);
}

export function syncButtons(e) {
  const root = e.root;
  const u = root.querySelector("button.undo");
  const r = root.querySelector("button.redo");
  if (u) u.disabled = !e.history?.canUndo();
  if (r) r.disabled = !e.history?.canRedo();
}

export function undo(c = open) { step(c, "undo"); }
export function redo(c = open) { step(c, "redo"); }

function step(c, which) {
  if (!c || !c.alive()) return;
  const e = c.editor;
  const model = e.history?.[which]();
  if (!model) return;
  e.model = model;
  e.dirty = e.history.dirty;
  c.draw();
}

document.addEventListener("keydown", (ev) => {
  if (!open || !open.alive() || !(ev.ctrlKey || ev.metaKey) || ev.altKey) return;
  if (ev.target.closest?.("textarea")) return; // the script and JSON boxes keep their own undo
  const k = ev.key.toLowerCase();
  if (k === "z" && !ev.shiftKey) { ev.preventDefault(); undo(); }
  else if ((k === "z" && ev.shiftKey) || k === "y") { ev.preventDefault(); redo(); }
});

// registered before the router's listener (this module loads first), so it can keep the page
function editorHash(c) {
  return `#/profiles/${encodeURIComponent(c.editor.name)}`;
}

window.addEventListener("hashchange", (ev) => {
  if (!open || !open.alive() || !open.editor.dirty) return;
  if (location.hash === editorHash(open) || decodeURIComponent(location.hash) === `#/profiles/${open.editor.name}`) return;
  if (/#token=/.test(location.hash)) return;
  if (confirm(`"${open.editor.name}" has unsaved changes. Leave without saving them?`)) {
    open.editor.dirty = false;
    return;
  }
  ev.stopImmediatePropagation();
  history.replaceState(null, "", ev.oldURL);
});
