// What the page knows: snapshots from the REST API, kept current by events from /ws.

import { get } from "./api.js";

export const state = new (class extends EventTarget {
  constructor() {
    super();
    this.devices = new Map();   // id -> Device
    this.profiles = new Map();  // name -> Profile summary (no layers/combos)
    this.active = null;
    this.status = null;
    this.hw = null;             // {backend, state, detail}
    this.layers = new Map();    // device id -> active layer names, bottom to top
    this.appLayers = new Map(); // device id -> the layers the focused app turned on
    this.lastDevice = null;     // the keyboard last typed on (or whose layers last changed)
    this.focus = null;          // GET /api/focus while the header follows the private focus topic
    this.meta = null;           // GET /api/meta: topics, read-only fields, settings defaults (fetched once)
  }

  changed(what, detail = {}) {
    this.dispatchEvent(new CustomEvent("change", { detail: { what, ...detail } }));
  }

  /** Fetch every snapshot (and, the first time, the vocabulary); the cursor is the oldest of their positions. */
  async load() {
    const [meta, devices, profiles, status] = await Promise.all([
      this.meta ?? get("/meta"), get("/devices"), get("/profiles"), get("/status"),
    ]);
    this.meta = meta;
    this.devices = new Map(devices.devices.map((d) => [d.id, d]));
    this.profiles = new Map(profiles.profiles.map((p) => [p.name, p]));
    this.active = profiles.active;
    this.status = status;
    this.hw = status.hw;
    const layers = await Promise.all(devices.devices.filter((d) => d.connected && d.enabled && d.grabbed)
      .map((d) => get(`/devices/${encodeURIComponent(d.id)}/layers`).catch(() => null))); // 409: not remapping
    this.layers = new Map();
    for (const l of layers.filter(Boolean)) this.putLayers(l);
    this.changed("all");
    const seqs = [devices.seq, profiles.seq, status.seq, ...layers.filter(Boolean).map((l) => l.seq)];
    return { seq: Math.min(...seqs), epoch: devices.epoch };
  }

  async refreshStatus() {
    this.status = await get("/status");
    this.hw = this.status.hw;
    this.changed("status");
  }

  putDevice(device) {
    this.devices.set(device.id, device);
    this.changed("devices", { id: device.id });
  }

  putLayers({ device, layers, app_layers: appLayers }) {
    this.layers.set(device, layers);
    this.appLayers.set(device, appLayers || []);
    if (!this.lastDevice || !this.layers.has(this.lastDevice)) this.lastDevice = device;
  }

  putProfile(profile) {
    const { layers, combos, ...summary } = profile;
    this.profiles.set(profile.name, summary);
  }

  /** Apply what a successful API call returned as the event it publishes, before that event arrives. */
  local(event, data) {
    this.apply({ event, data });
  }

  /** Apply one event envelope; each carries the whole resource, so applying twice is harmless. */
  apply(env) {
    const d = env.data || {};
    switch (env.event) {
      case "device.connected": case "device.disconnected": case "device.updated":
      case "device.grabbed": case "device.released":
        this.putDevice(d.device);
        break;
      case "device.forgotten":
        this.devices.delete(d.id);
        this.changed("devices", { id: d.id });
        break;
      case "profile.created": case "profile.updated":
        if (d.previous_name) this.profiles.delete(d.previous_name);
        this.putProfile(d.profile);
        if (d.previous_name && this.active === d.previous_name) this.active = d.profile.name;
        this.changed("profiles", { name: d.profile.name, previous: d.previous_name, profile: d.profile });
        break;
      case "profile.deleted":
        this.profiles.delete(d.name);
        this.changed("profiles", { name: d.name, deleted: true });
        break;
      case "profile.activated": case "profile.deactivated":
        this.active = d.name ?? null;
        for (const [name, p] of this.profiles) this.profiles.set(name, { ...p, active: name === this.active });
        this.changed("profiles", { active: this.active });
        break;
      case "layer.changed":
        this.putLayers(d);
        if (d.source === "key" || d.source === "api") this.lastDevice = d.device; // focus and profile: every keyboard
        this.changed("layers", { id: d.device });
        break;
      case "key":
        if (d.device && d.device !== this.lastDevice) {
          this.lastDevice = d.device;
          this.changed("layers", { id: d.device });
        }
        break;
      case "focus.changed":
        this.focus = d;
        this.changed("focus");
        break;
      case "hw.state": {
        const was = this.hw?.state;
        this.hw = d;
        if (this.status) this.status = { ...this.status, hw: d };
        this.changed("status");
        // what stops remapping (status `problems`) changes when the keyboards become unreachable
        // or reachable again; not on `stopped`, which a daemon going away sends last
        const down = (s) => s === "unavailable" || s === "failed";
        if (down(d.state) || (down(was) && d.state === "running")) this.refreshStatus().catch(() => {});
        break;
      }
      default:
        break;
    }
  }
})();
