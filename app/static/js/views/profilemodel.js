// The profile editor's model: a profile as rows of text the user edits, and back.

import { appsBody, appsModel } from "./apps.js";
import { readTapFields, tapFieldsModel } from "./tapfields.js";

/** An action as the user types it: plain text is a key or chord; JSON for the rest. */
export function actionText(action) {
  if (typeof action === "string") return action;
  // one line, spaced like people write it: {"tap": "esc", "hold": "leftctrl"}
  return JSON.stringify(action, null, 1).replace(/\n\s*/g, " ").replace(/([[{]) /g, "$1").replace(/ ([\]}])/g, "$1");
}

/** Text typed as an action, back to an action; throws with what is wrong. */
export function parseAction(text) {
  const t = text.trim();
  if (t === "") throw new Error("enter an action: a key, a chord like ctrl+c, JSON, or null");
  if (/^[{["]/.test(t) || t === "null") {
    try {
      return JSON.parse(t);
    } catch (err) {
      throw new Error(`not valid JSON: ${err.message}`);
    }
  }
  return t;
}

/** A profile as the editor's model: layers as rows of key and action text. */
export function toModel(p) {
  return {
    description: p.description || "",
    settings: { ...(p.settings || {}) },
    layers: Object.entries(p.layers || {}).map(([layer, map]) => ({
      name: layer,
      rows: Object.entries(map || {}).map(([key, action]) => ({ key, action: actionText(action) })),
    })),
    apps: appsModel(p), hadApps: "apps" in p, virtual_keys: p.virtual_keys,
    combos: (p.combos || []).map((c) => ({
      keys: (c.keys || []).join(" "), action: actionText(c.action),
      timeout_ms: c.timeout_ms ?? "", hold_ms: c.hold_ms ?? "", layers: (c.layers || []).join(" "),
    })),
    tap: tapFieldsModel(p),
  };
}

/** The editor's model as a Profile body named `name`, plus the errors found without asking the daemon. */
export function toBody(name, m) {
  const errors = {};
  const layers = {};
  for (const layer of m.layers) {
    const lname = layer.name.trim();
    if (layers[lname]) (errors[`layers.${lname}`] ||= []).push("this layer name is used twice");
    const map = {};
    for (const row of layer.rows) {
      const key = row.key.trim();
      const path = `layers.${lname}.${key}`;
      if (!key) { (errors[`layers.${lname}`] ||= []).push("a row has no key"); continue; }
      if (key in map) (errors[path] ||= []).push("this key is mapped twice in the layer");
      try { map[key] = parseAction(row.action); } catch (err) { (errors[path] ||= []).push(err.message); }
    }
    layers[lname] = map;
  }
  const combos = m.combos.map((c, i) => {
    const combo = { keys: c.keys.split(/[\s,+]+/).filter(Boolean) };
    try { combo.action = parseAction(c.action); } catch (err) { (errors[`combos.${i}.action`] ||= []).push(err.message); }
    if (String(c.timeout_ms).trim() !== "") combo.timeout_ms = Number(c.timeout_ms);
    if (String(c.hold_ms ?? "").trim() !== "") combo.hold_ms = Number(c.hold_ms);
    const ls = c.layers.split(/[\s,]+/).filter(Boolean);
    if (ls.length) combo.layers = ls;
    return combo;
  });
  const settings = {};
  for (const [k, v] of Object.entries(m.settings)) {
    if (String(v).trim() !== "") settings[k] = Number.isFinite(Number(v)) ? Number(v) : v;
  }
  const body = { name, description: m.description, settings, layers, combos };
  readTapFields(m.tap, body, errors);
  if (m.apps.length || m.hadApps) body.apps = appsBody(m.apps);
  if (m.virtual_keys) body.virtual_keys = m.virtual_keys; // kept: the editor does not edit them
  return { body, errors };
}
