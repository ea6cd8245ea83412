// The profile editor: settings, layers (key -> action rows) and combos, errors shown in place.

import { get, put } from "../api.js";
import { h, replace, toast } from "../dom.js";
import { state } from "../state.js";
import { appsCard } from "./apps.js";
import { exportProfile, remove, rename, setActive } from "./profiles.js";
import { simulatorPanel } from "./simulator.js";
import { tapFieldsCard } from "./tapfields.js";
import { actionText, parseAction, toBody, toModel } from "./profilemodel.js";
import { editorBar, edited, keyboardClosed, keyboardMode, keyboardView } from "./keyboard.js";

let editor = null; // the one open editor: {name, revision, model, dirty, root}

export function editorIsDirty() {
  return Boolean(editor && editor.dirty);
}

export async function renderEditor(root, name) {
  if (editor && editor.name === name && editor.root === root && root.isConnected && root.firstChild) {
    return; // already open; live updates are handled by profileChanged
  }
  replace(root, h("p", { class: "muted" }, "Loading…"));
  let profile;
  try {
    profile = await get(`/profiles/${encodeURIComponent(name)}`);
  } catch (err) {
    replace(root, h("header", { class: "view-head" }, h("h1", {}, name)), h("p", { class: "field-error" }, err.message),
      h("a", { href: "#/profiles" }, "Back to profiles"));
    editor = null;
    return;
  }
  editor = { name, root, revision: profile.revision, model: toModel(profile), dirty: false, stale: null };
  draw();
}

export function closeEditor() {
  if (editor) keyboardClosed();
  editor = null;
}

/** What the keyboard view, undo/redo and print need of the open editor. */
function kbContext() {
  const e = editor;
  return { editor: e, alive: () => editor === e, draw, touch, parse: parseAction, actionText, showErrors };
}

/** A profile changed elsewhere: reload it unless the user has unsaved edits, then warn. */
export function profileChanged({ name, previous, profile, deleted }) {
  if (!editor) return;
  if (previous === editor.name && profile) {
    editor.name = profile.name;
    history.replaceState(null, "", `#/profiles/${encodeURIComponent(profile.name)}`);
  }
  if (name !== editor.name) return;
  if (deleted) {
    editor.stale = "This profile was deleted elsewhere. Save to create it again, or leave.";
  } else if (profile && profile.revision > editor.revision) {
    if (!editor.dirty) {
      editor.model = toModel(profile);
      editor.revision = profile.revision;
      editor.stale = null;
    } else {
      editor.stale = "This profile was changed elsewhere. Saving will overwrite that change.";
      editor.latest = profile;
    }
  }
  draw();
}

/** The open editor's profile as a body, plus the errors found without asking the daemon. */
export function currentProfile() {
  return toBody(editor.name, editor.model);
}

function touch() {
  editor.dirty = true;
  const bar = editor.root.querySelector(".save-state");
  if (bar) bar.textContent = "Unsaved changes";
  editor.root.querySelector("button.save")?.removeAttribute("disabled");
  edited(kbContext());
}

function input(attrs, get, set) {
  return h("input", { ...attrs, value: get(), oninput: (e) => { set(e.target.value); touch(); } });
}

function draw() {
  const m = editor.model;
  const active = state.active === editor.name;
  const root = editor.root;
  replace(root,
    h("header", { class: "view-head editor-head" },
      h("div", {},
        h("a", { href: "#/profiles", class: "muted small" }, "← Profiles"),
        h("h1", {}, editor.name, active ? h("span", { class: "badge ok" }, "active") : null)),
      h("div", { class: "actions" },
        h("span", { class: "save-state muted small" }, editor.dirty ? "Unsaved changes" : `Saved · revision ${editor.revision}`),
        h("button", { class: "save primary", disabled: !editor.dirty, onclick: save }, "Save"),
        h("button", { class: "revert", onclick: revert }, "Revert"),
        active ? null : h("button", { onclick: () => setActive(editor.name) }, "Activate"),
        h("button", { onclick: async () => { const n = await rename(editor.name); if (n) location.hash = `#/profiles/${encodeURIComponent(n)}`; } }, "Rename"),
        h("button", { onclick: () => exportProfile(editor.name) }, "Export"),
        h("button", { class: "danger", onclick: async () => { if (await remove(editor.name)) location.hash = "#/profiles"; } }, "Delete"))),
    editor.stale ? h("div", { class: "banner warn" }, editor.stale,
      editor.latest ? h("button", { onclick: () => { editor.model = toModel(editor.latest); editor.revision = editor.latest.revision; editor.dirty = false; editor.stale = null; draw(); } }, "Load their version") : null) : null,
    h("div", { class: "problems", role: "alert" }),
    editorBar(kbContext()),
    h("div", { class: "editor-grid" },
      h("div", { class: "editor-main" },
        h("section", { class: "card" },
          h("div", { class: "field", dataset: { path: "description" } },
            h("label", {}, "Description"),
            input({ class: "description", placeholder: "What this profile is for", maxlength: "1000" },
              () => m.description, (v) => { m.description = v; })),
          h("div", { class: "settings" }, Object.entries(state.meta.settings).map(([k, dflt]) =>
            h("div", { class: "field", dataset: { path: `settings.${k}` } },
              h("label", {}, k),
              input({ type: "number", min: "1", placeholder: String(dflt), class: `setting-${k}` },
                () => m.settings[k] ?? "", (v) => { m.settings[k] = v; }))))),
        keyboardMode() ? keyboardView(kbContext()) : [
          m.layers.map(layerCard),
          h("div", { class: "row" },
            h("button", { class: "add-layer", onclick: () => { m.layers.push({ name: nextLayerName(), rows: [{ key: "", action: "" }] }); touch(); draw(); } }, "+ Layer")),
          combosCard()],
        tapFieldsCard(m.tap, touch),
        appsCard({ rules: m.apps, layerNames: m.layers.map((l) => l.name.trim()).filter((n) => n && n !== "base"), input, changed: () => { touch(); draw(); } }),
        help()),
      h("aside", { class: "editor-side" }, simulatorPanel({ profile: () => currentProfile(), showErrors }))));
}

function nextLayerName() {
  const names = new Set(editor.model.layers.map((l) => l.name));
  for (let i = 1; ; i += 1) if (!names.has(`layer${i}`)) return `layer${i}`;
}

function layerCard(layer, li) {
  const m = editor.model;
  const isBase = layer.name === "base";
  return h("section", { class: "card layer", dataset: { path: `layers.${layer.name}`, layer: layer.name } },
    h("div", { class: "card-head" },
      isBase ? h("h2", {}, "base", h("span", { class: "muted small" }, " · always active"))
        : h("h2", {}, "Layer ", input({ class: "layer-name", "aria-label": "Layer name", size: "12" },
          () => layer.name, (v) => { layer.name = v; })),
      isBase ? null : h("button", { class: "link danger", onclick: () => { m.layers.splice(li, 1); touch(); draw(); } }, "Remove layer")),
    h("div", { class: "field-error layer-errors" }),
    h("table", { class: "mappings" },
      h("thead", {}, h("tr", {}, h("th", {}, "Key"), h("th", {}), h("th", {}, "Does"), h("th", {}))),
      h("tbody", {}, layer.rows.map((row, ri) =>
        h("tr", { class: "mapping", dataset: { path: `layers.${layer.name}.${row.key.trim()}` } },
          h("td", { class: "key-cell" }, input({ class: "key mono", placeholder: "capslock", "aria-label": "Key", size: "12" },
            () => row.key, (v) => { row.key = v; }), h("div", { class: "field-error" })),
          h("td", { class: "arrow" }, "→"),
          h("td", { class: "action-cell" }, input({ class: "action mono", placeholder: 'esc, ctrl+c, null or {"tap":"esc","hold":"leftctrl"}', "aria-label": "Action" },
            () => row.action, (v) => { row.action = v; }),
          h("div", { class: "field-error" })),
          h("td", {}, h("button", { class: "link remove", title: "Remove", "aria-label": "Remove mapping",
            onclick: () => { layer.rows.splice(ri, 1); touch(); draw(); } }, "×")))))),
    h("button", { class: "link add-row", onclick: () => { layer.rows.push({ key: "", action: "" }); touch(); draw(); focusLast(layer.name); } }, "+ Mapping"));
}

function focusLast(layerName) {
  const rows = editor.root.querySelectorAll(`section.layer[data-layer="${CSS.escape(layerName)}"] input.key`);
  rows[rows.length - 1]?.focus();
}

function combosCard() {
  const m = editor.model;
  return h("section", { class: "card combos", dataset: { path: "combos" } },
    h("div", { class: "card-head" }, h("h2", {}, "Combos"),
      h("span", { class: "muted small" }, "keys pressed together act as one")),
    h("div", { class: "field-error combo-errors" }),
    m.combos.length ? h("table", { class: "mappings" },
      h("thead", {}, h("tr", {}, h("th", {}, "Keys"), h("th", {}), h("th", {}, "Does"), h("th", {}, "Timeout"), h("th", {}, "Layers"), h("th", {}))),
      h("tbody", {}, m.combos.map((c, i) =>
        h("tr", { class: "combo", dataset: { path: `combos.${i}` } },
          h("td", {}, input({ class: "combo-keys mono", placeholder: "j k", size: "10", "aria-label": "Combo keys" }, () => c.keys, (v) => { c.keys = v; })),
          h("td", { class: "arrow" }, "→"),
          h("td", { class: "action-cell" }, input({ class: "action mono", placeholder: "esc", "aria-label": "Combo action" }, () => c.action, (v) => { c.action = v; }),
            h("div", { class: "field-error" })),
          h("td", {}, input({ type: "number", min: "1", size: "5", placeholder: "ms", "aria-label": "Combo timeout" }, () => c.timeout_ms, (v) => { c.timeout_ms = v; })),
          h("td", {}, input({ size: "8", placeholder: "any", "aria-label": "Combo layers" }, () => c.layers, (v) => { c.layers = v; })),
          h("td", {}, h("button", { class: "link remove", "aria-label": "Remove combo", onclick: () => { m.combos.splice(i, 1); touch(); draw(); } }, "×")))))) : null,
    h("button", { class: "link add-combo", onclick: () => { m.combos.push({ keys: "", action: "", timeout_ms: "", layers: "" }); touch(); draw(); } }, "+ Combo"));
}

function help() {
  return h("details", { class: "card help" },
    h("summary", {}, "What can a key do?"),
    h("table", { class: "mappings" }, h("tbody", {}, [
      ["esc", "that key"], ["ctrl+shift+t", "a chord"], ["null", "nothing"],
      ['{"layer": "nav"}', "layer nav while held"], ['{"toggle": "nav"}', "tap: layer nav on/off"],
      ['{"tap": "esc", "hold": "leftctrl"}', "tap-hold"], ['{"oneshot": "leftshift"}', "applies to the next key only"],
      ['{"macro": ["h", "i", {"text": "!"}]}', "types a sequence"],
      ['{"layer": "nav", "mods": "ctrl"}', "layer nav while held, holding ctrl (keys nav does not map get ctrl)"],
      ['{"swap": "num"}', "replaces the layer this key is in with num"], ['{"clear": true}', "ends toggles and one-shots"],
      ['{"oneshot": {"layer": "sym", "key": "f"}}', "f while held; then sym for the next key"],
      ['{"repeat_last": true}', "types the last key or macro again"],
    ].map(([a, b]) => h("tr", {}, h("td", { class: "mono" }, a), h("td", { class: "muted" }, b))))));
}

/** Put each error next to the field its dotted path names; the rest go to the summary. */
export function showErrors(errors, prefix = "") {
  const root = editor.root;
  root.querySelectorAll(".invalid").forEach((el) => el.classList.remove("invalid"));
  root.querySelectorAll(".field-error").forEach((el) => { if (!el.closest(".sim")) replace(el); });
  root.querySelectorAll(".field > .field-error").forEach((el) => el.remove());
  const loose = [];
  const places = new Map([...root.querySelectorAll(".editor-main [data-path]")].map((el) => [el.dataset.path, el]));
  for (const [rawPath, messages] of Object.entries(errors)) {
    const path = prefix && rawPath.startsWith(prefix) ? rawPath.slice(prefix.length) : rawPath;
    const parts = path.split(".");
    let place = null;
    for (let n = parts.length; n > 0 && !place; n -= 1) place = places.get(parts.slice(0, n).join("."));
    const text = messages.join("; ");
    if (!place) { loose.push(`${path}: ${text}`); continue; }
    place.classList.add("invalid");
    // "unknown key 'capslok'" at layers.base.capslok is about the key column, not the action
    const aboutKey = path === place.dataset.path && text.startsWith(`unknown key '${parts.at(-1)}'`);
    const where = (aboutKey && place.querySelector(":scope .key-cell .field-error"))
      || place.querySelector(":scope .action-cell .field-error")
      || place.querySelector(":scope > .field-error")
      || place.appendChild(h("div", { class: "field-error" }));
    where.append(h("div", { dataset: { errorPath: path } }, place.matches("tr, .field") ? text : `${path.split(".").slice(2).join(".") || path}: ${text}`));
  }
  const n = Object.keys(errors).length;
  replace(root.querySelector(".problems"), n ? h("div", { class: "banner error" },
    `${n} problem${n > 1 ? "s" : ""}: fix the fields marked in red.`,
    loose.length ? h("ul", {}, loose.map((t) => h("li", {}, t))) : null) : null);
  root.querySelector(".invalid input")?.focus();
}

async function save() {
  const { body, errors } = currentProfile();
  draw(); // the rows' data-path follow the keys as typed now
  if (Object.keys(errors).length) { showErrors(errors); return; }
  try {
    const saved = await put(`/profiles/${encodeURIComponent(editor.name)}`, body,
      editor.stale ? {} : { ifMatch: editor.revision });
    editor.revision = saved.revision;
    editor.model = toModel(saved);
    editor.dirty = false;
    editor.stale = null;
    state.local("profile.updated", { profile: saved });
    draw();
    toast(`Saved ${saved.name}`);
  } catch (err) {
    if (err.status === 412) {
      editor.stale = "This profile was changed elsewhere since you opened it. Save again to overwrite it.";
      draw();
      return;
    }
    showErrors(Object.keys(err.errors).length ? err.errors : { "": [err.message] });
  }
}

async function revert() {
  editor.root.replaceChildren();
  const { name, root } = editor;
  editor = null;
  await renderEditor(root, name);
}
