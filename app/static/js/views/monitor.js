// The live monitor: layer.changed, key and hw.state events as they happen (keys subscribed while open).

import { h, replace } from "../dom.js";
import { state } from "../state.js";
import { motion } from "./simulator.js";

const MAX = 300;
const log = [];
let paused = false;

function deviceName(id) {
  const d = state.devices.get(id);
  return d ? d.label || d.name : id;
}

function describe(env) {
  const d = env.data || {};
  const arrow = (a) => (a === "press" ? "↓" : a === "release" ? "↑" : "↻");
  switch (env.event) {
    case "key":
      return [h("span", { class: "mono" }, d.input ? `${arrow(d.input.action)} ${d.input.key}` : "⏱ timer"), " → ",
        h("span", { class: "mono" }, d.output.length ? d.output.map((o) => (o.rel ? motion(o) : `${arrow(o.action)} ${o.key}`)).join("  ") : "nothing"),
        h("span", { class: "muted" }, ` · ${deviceName(d.device)}`)];
    case "layer.changed":
      return [h("span", { class: "mono" }, d.layers.join(" › ")), h("span", { class: "muted" }, ` · ${deviceName(d.device)}`)];
    case "hw.state":
      return [h("strong", {}, d.state), ` ${d.detail || ""}`];
    default:
      if (d.device) return `${deviceName(d.device.id)}${d.changed ? `: ${d.changed.join(", ")}` : ""}`;
      if (d.profile) return d.profile.name + (d.previous_name ? ` (was ${d.previous_name})` : "");
      return d.name ?? d.previous ?? d.id ?? "";
  }
}

export function monitorEvent(env) {
  if (paused) return;
  log.unshift(env);
  if (log.length > MAX) log.length = MAX;
  const list = document.querySelector("ol.monitor");
  if (list) {
    list.prepend(row(env));
    while (list.children.length > MAX) list.lastChild.remove();
    list.parentElement.querySelector(".empty")?.remove();
  }
}

function row(env) {
  const topic = env.event.split(".")[0];
  return h("li", { class: `ev ${topic}`, dataset: { event: env.event } },
    h("span", { class: "time mono" }, env.ts ? env.ts.slice(11, 23) : ""),
    h("span", { class: `tag ${topic}` }, env.event),
    h("span", { class: "what" }, describe(env)));
}

export function renderMonitor(root) {
  replace(root,
    h("header", { class: "view-head" },
      h("h1", {}, "Live monitor"),
      h("p", { class: "muted" }, "Every key the daemon remaps, layer changes and the hardware state, newest first. Type on a grabbed keyboard to see it.")),
    h("div", { class: "row" },
      h("button", { class: "pause", onclick: (e) => { paused = !paused; e.target.textContent = paused ? "Resume" : "Pause"; } }, paused ? "Resume" : "Pause"),
      h("button", { onclick: () => { log.length = 0; renderMonitor(root); } }, "Clear")),
    h("section", { class: "card" },
      log.length ? null : h("p", { class: "muted empty" }, "Waiting for events…"),
      h("ol", { class: "monitor events" }, log.map(row))));
}
