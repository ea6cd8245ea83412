// The header's live indicators: the layer chip of the keyboard last typed on ("base › nav": from
// GET /api/devices/{id}/layers at load, then layer.changed), and, when the user turns on the
// private `focus` topic, the focused app and the layers it turned on.

import { get } from "./api.js";
import { $, h, replace } from "./dom.js";
import { state } from "./state.js";

const SHOW_FOCUS = "keyrx.showFocus";

export function drawLayerChip() {
  const chip = $("#layer-chip");
  const id = state.lastDevice;
  const layers = id ? state.layers.get(id) : null;
  chip.hidden = !layers;
  if (!layers) return;
  const apps = state.appLayers.get(id) || [];
  const device = state.devices.get(id);
  chip.dataset.device = id;
  chip.title = `${device?.label || device?.name || id}: active layers, bottom to top`
    + (apps.length ? ` (${apps.join(", ")} for the focused app)` : "");
  replace(chip, layers.map((name, i) => [i ? " › " : "", h("span", { class: apps.includes(name) ? "app-layer" : null }, name)]));
}

export function drawFocus() {
  const chip = $("#focus-chip");
  chip.hidden = !$("#show-focus").checked;
  if (chip.hidden) return;
  const focus = state.focus;
  chip.title = focus?.title || "";
  if (!focus?.app_id) {
    replace(chip, h("span", { class: "muted" }, "no window"));
    return;
  }
  const layers = [...new Set(Object.values(focus.matches || {}).flatMap((m) => m.layers))];
  replace(chip, h("strong", { class: "focus-app" }, focus.app_id),
    layers.length ? [" → ", h("span", { class: "focus-layers" }, layers.join(", "))] : h("span", { class: "muted" }, " · no rule"));
}

/** Wire the focus toggle to the live connection (before it starts: the topic joins its URL). */
export function attachIndicators(live) {
  const box = $("#show-focus");
  box.checked = localStorage.getItem(SHOW_FOCUS) === "1";
  const follow = async () => {
    localStorage.setItem(SHOW_FOCUS, box.checked ? "1" : "0");
    live.want("focus", box.checked);
    state.focus = box.checked ? await get("/focus").catch(() => null) : null;
    drawFocus();
  };
  box.onchange = follow;
  follow();
  drawLayerChip();
}
