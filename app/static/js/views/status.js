// Status: the hardware state and why, the event bus, clients, version.

import { h, replace } from "../dom.js";
import { state } from "../state.js";
import { problemsCard } from "./problems.js";

const EXPLAIN = {
  running: "KeyRx holds the enabled keyboards and remaps them.",
  starting: "The remap loop is starting.",
  unavailable: "KeyRx cannot reach the keyboards; the API works, remapping does not. The detail says why.",
  failed: "The remap loop stopped after an error; the detail says which.",
  panic: "Emergency release: every keyboard was let go.",
  suspended: "The machine slept: held keys were released; the loop is resynchronising.",
  stopped: "The remap loop is stopped.",
};

function uptime(s) {
  const d = Math.floor(s / 86400), hh = Math.floor((s % 86400) / 3600), m = Math.floor((s % 3600) / 60);
  return d ? `${d} d ${hh} h` : hh ? `${hh} h ${m} min` : `${m} min ${Math.floor(s % 60)} s`;
}

export function renderStatus(root) {
  const s = state.status;
  if (!s) return replace(root, h("p", { class: "muted" }, "Loading…"));
  const hw = state.hw || s.hw;
  const ok = hw.state === "running";
  replace(root,
    h("header", { class: "view-head" }, h("h1", {}, "Status")),
    h("section", { class: `card hw ${ok ? "good" : "bad"}` },
      h("div", { class: "card-head" }, h("h2", {}, "Keyboards"),
        h("span", { class: `badge ${ok ? "ok" : "bad"} hw-state` }, hw.state)),
      h("p", { class: "hw-detail" }, h("strong", {}, hw.backend), hw.detail ? ` · ${hw.detail}` : ""),
      h("p", { class: "muted" }, EXPLAIN[hw.state] || "")),
    problemsCard(s.problems),
    h("div", { class: "stats" },
      stat("Active profile", state.active ?? "none (pass-through)"),
      stat("Devices", `${s.devices.connected} connected / ${s.devices.known} known`, `${s.devices.grabbed} grabbed`),
      stat("Event bus", `${s.bus.depth} / ${s.bus.capacity}`, `${s.bus.published} published, ${s.bus.dropped} dropped`, "bus"),
      stat("Live clients", String(s.clients), "", "clients"),
      stat("Version", s.version, `up ${uptime(s.uptime_s)}`, "version"),
      stat("Event stream", `seq ${s.seq}`, `epoch ${s.epoch}`)));
}

function stat(label, value, sub = "", cls = "") {
  return h("div", { class: `card stat ${cls}` }, h("div", { class: "muted small" }, label),
    h("div", { class: "stat-value" }, value), sub ? h("div", { class: "muted small" }, sub) : null);
}
