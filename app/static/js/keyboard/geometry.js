// Keyboard geometry: the layouts shipped under /static/layouts/, and which one each device uses.

const STORE = "keyrx.layout.";
const cache = new Map(); // id -> Promise<geometry>
let index = null;

/** The list of shipped layouts: {default, layouts: [{id, name}]}. */
export function layouts() {
  index ||= fetch("/static/layouts/index.json").then((r) => r.json());
  return index;
}

/** One layout: {id, name, width, height, keys: [{key, x, y, w?, h?, shape?}]} in key units. */
export function geometry(id) {
  if (!cache.has(id)) {
    cache.set(id, fetch(`/static/layouts/${encodeURIComponent(id)}.json`).then((r) => {
      if (!r.ok) throw new Error(`no layout ${id}`);
      return r.json();
    }));
  }
  return cache.get(id);
}

/** The layout chosen for a device (or for "no device"), remembered in this browser. */
export function layoutFor(deviceId) {
  return localStorage.getItem(STORE + (deviceId || "default")) || "ansi_104";
}

export function rememberLayout(deviceId, layoutId) {
  localStorage.setItem(STORE + (deviceId || "default"), layoutId);
}
