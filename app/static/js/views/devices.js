// Devices: label, connected/grabbed state, enable toggle, per-device profile.

import { del, patch } from "../api.js";
import { h, replace, timeAgo, toast } from "../dom.js";
import { state } from "../state.js";
import { problemsCard } from "./problems.js";

export function renderDevices(root) {
  const devices = [...state.devices.values()];
  const hw = state.hw;
  const down = hw && ["unavailable", "failed"].includes(hw.state);
  replace(root,
    h("header", { class: "view-head" },
      h("h1", {}, "Devices"),
      h("p", { class: "muted" }, down
        ? h("span", { class: "hw-down" }, `KeyRx can't reach the keyboards: ${hw.detail}`)
        : devices.length
          ? "Keyboards KeyRx knows. Disabled ones are left alone; the others run the active profile unless you pick one here."
          : "No keyboards yet. They appear here as soon as the daemon sees them.")),
    down ? problemsCard(state.status?.problems, ["hardware"]) : null,
    h("div", { class: "cards" }, devices.map(deviceCard)));
}

function deviceCard(d) {
  const title = d.label || d.name;
  const layers = state.layers.get(d.id);
  return h("article", { class: `card device${d.connected ? "" : " offline"}`, dataset: { id: d.id } },
    h("div", { class: "card-head" },
      h("div", {},
        h("h2", { class: "device-title" }, title),
        h("div", { class: "muted small" }, d.label ? `${d.name} · ` : "", `${d.bus} ${d.vendor}:${d.product}`)),
      h("label", { class: "switch", title: d.enabled ? "Remapping: on" : "Remapping: off" },
        h("input", {
          type: "checkbox", class: "enabled", checked: d.enabled, "aria-label": `Remap ${title}`,
          onchange: (e) => update(d, { enabled: e.target.checked }, e.target),
        }),
        h("span", { class: "slider" }))),
    h("div", { class: "badges" },
      badge(d.connected ? "connected" : "disconnected", d.connected ? "ok" : "off", "state-connected"),
      badge(d.grabbed ? "grabbed" : "not grabbed", d.grabbed ? "ok" : "off", "state-grabbed"),
      d.kind && d.kind !== "keyboard" ? badge(d.kind, "info", "state-kind") : null,
      layers ? badge(`layers: ${layers.join(" › ")}`, layers.length > 1 ? "info" : "off", "state-layer") : null),
    d.skip_reason ? h("p", { class: "muted small skip-reason" }, d.skip_reason) : null,
    h("dl", { class: "fields" },
      h("dt", {}, "Label"),
      h("dd", {}, h("input", {
        class: "label", value: d.label || "", placeholder: d.name, maxlength: "64",
        "aria-label": "Label", dataset: { focus: `label-${d.id}` },
        onchange: (e) => update(d, { label: e.target.value.trim() || null }, e.target),
        onkeydown: (e) => e.key === "Enter" && e.target.blur(),
      })),
      h("dt", {}, "Profile"),
      h("dd", {}, profileSelect(d)),
      h("dt", {}, "Path"),
      h("dd", { class: "mono small" }, d.path || "–"),
      h("dt", {}, "Last seen"),
      h("dd", { class: "small" }, d.connected ? "now" : timeAgo(d.last_seen))),
    d.connected ? null : h("button", {
      class: "link danger", onclick: () => forget(d),
    }, "Forget this device"));
}

function badge(text, kind, cls) {
  return h("span", { class: `badge ${kind} ${cls}` }, text);
}

function profileSelect(d) {
  const follow = state.active ? `Active profile (${state.active})` : "Active profile (none: pass-through)";
  const names = [...state.profiles.keys()];
  return h("select", {
    class: "profile", "aria-label": "Profile",
    onchange: (e) => update(d, { profile: e.target.value || null }, e.target),
  },
  h("option", { value: "", selected: d.profile === null }, follow),
  names.map((n) => h("option", { value: n, selected: d.profile === n }, n)));
}

async function update(d, change, input) {
  input.disabled = true;
  try {
    state.local("device.updated", { device: await patch(`/devices/${d.id}`, change) });
  } catch (err) {
    toast(`${d.label || d.name}: ${err.message}`, "error");
    state.changed("devices", { id: d.id }); // put the control back as it was
  } finally {
    input.disabled = false;
  }
}

async function forget(d) {
  if (!confirm(`Forget ${d.label || d.name}? Its label and settings are removed.`)) return;
  try {
    await del(`/devices/${d.id}`);
    state.local("device.forgotten", { id: d.id });
  } catch (err) {
    toast(err.message, "error");
  }
}
