// Reading and writing the editor's model (layers of {key, action text} rows) one key at a time.

/** @typedef {{name: string, rows: {key: string, action: string}[]}} Layer */

/** Parse a row's action text; {ok:false} when it does not parse yet. */
export function readRow(row, parse) {
  try {
    return { ok: true, value: parse(row.action) };
  } catch (err) {
    return { ok: false, error: err.message };
  }
}

export function findLayer(model, name) {
  return model.layers.find((l) => l.name === name) || null;
}

export function findRow(layer, key) {
  return layer ? layer.rows.find((r) => r.key.trim() === key) || null : null;
}

/**
 * What `key` does in `layerName`: {mapped, value, ok, from}. An unmapped key of a layer other
 * than base shows what base gives it (`from: "base"`); unmapped in base, it passes through.
 */
export function lookup(model, layerName, key, parse) {
  const own = findRow(findLayer(model, layerName), key);
  if (own) return { mapped: true, from: layerName, ...readRow(own, parse) };
  if (layerName !== "base") {
    const base = findRow(findLayer(model, "base"), key);
    if (base) return { mapped: false, from: "base", ...readRow(base, parse) };
    return { mapped: false, from: "base", ok: true, value: key, passthrough: true };
  }
  return { mapped: false, from: null, ok: true, value: key, passthrough: true };
}

/** Map `key` to `action` in a layer (undefined: unmap it, so it falls through). */
export function setKey(model, layerName, key, action, actionText) {
  const layer = findLayer(model, layerName);
  if (!layer) return;
  const i = layer.rows.findIndex((r) => r.key.trim() === key);
  if (action === undefined) {
    if (i >= 0) layer.rows.splice(i, 1);
    return;
  }
  const text = actionText(action);
  if (i >= 0) layer.rows[i].action = text;
  else layer.rows.push({ key, action: text });
}

/** Set an action's text directly (from the JSON box); keeps whatever the user typed. */
export function setKeyText(model, layerName, key, text) {
  const layer = findLayer(model, layerName);
  const row = findRow(layer, key);
  if (row) row.action = text;
  else layer?.rows.push({ key, action: text });
}

export function uniqueLayerName(model, base) {
  const names = new Set(model.layers.map((l) => l.name));
  const stem = base.replace(/[^a-z0-9_-]/g, "").replace(/^[^a-z]+/, "") || "layer";
  if (!names.has(stem)) return stem;
  for (let i = 2; ; i += 1) if (!names.has(`${stem}${i}`)) return `${stem}${i}`;
}

/** Every reference to a layer in actions and combos, renamed (text level, on parsed actions). */
export function renameLayerRefs(model, from, to, parse, actionText) {
  const fix = (a) => {
    if (!a || typeof a !== "object") return a;
    if (Array.isArray(a)) return a.map(fix);
    const out = {};
    for (const [k, v] of Object.entries(a)) {
      out[k] = ["layer", "toggle", "switch"].includes(k) && v === from ? to : fix(v);
    }
    return out;
  };
  const redo = (text) => {
    try { return actionText(fix(parse(text))); } catch { return text; }
  };
  for (const layer of model.layers) for (const row of layer.rows) row.action = redo(row.action);
  for (const c of model.combos) {
    c.action = redo(c.action);
    c.layers = c.layers.split(/[\s,]+/).filter(Boolean).map((l) => (l === from ? to : l)).join(" ");
  }
}
