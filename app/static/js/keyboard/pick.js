// Pick a key by pressing it: the daemon's raw capture on a grabbed keyboard (POST /api/capture),
// else, labelled as such, the browser's keydown (the key after remapping).

import { post } from "../api.js";
import { linuxKey } from "../keymap.js";

const TIMEOUT_MS = 10000;

/** Whether an API error means "the daemon cannot capture here", so the browser should. */
function noServerCapture(err) {
  if (err.status === 404 || err.status === 405) return true; // no such endpoint (or no device)
  return err.status === 409 && /grab/i.test(err.message || "");
}

/**
 * The next key pressed: {key, device, via: "daemon"|"browser"}, or null when nothing was pressed
 * in time or the pick was cancelled. `onWaiting(via)` tells which way it is listening.
 */
export async function pickKey({ onWaiting = () => {}, signal } = {}) {
  onWaiting("daemon");
  try {
    const res = await post("/capture", { device: null, timeout_ms: TIMEOUT_MS });
    return res && res.key ? { key: res.key, device: res.device ?? null, via: "daemon" } : null;
  } catch (err) {
    if (!noServerCapture(err)) throw err;
  }
  onWaiting("browser");
  return browserKey(signal);
}

/** The next keydown in this page, mapped to a KeyRx key name (Escape cancels). */
export function browserKey(signal) {
  return new Promise((resolve) => {
    const lock = navigator.keyboard?.lock?.bind(navigator.keyboard);
    if (lock) lock().catch(() => {}); // only takes effect in full screen; harmless elsewhere
    const done = (value) => {
      window.removeEventListener("keydown", onDown, true);
      clearTimeout(timer);
      navigator.keyboard?.unlock?.();
      resolve(value);
    };
    const onDown = (e) => {
      e.preventDefault();
      e.stopPropagation();
      if (e.repeat) return;
      if (e.code === "Escape" && !e.shiftKey) return done(null);
      const key = linuxKey(e.code);
      if (key) done({ key, device: null, via: "browser" });
    };
    const timer = setTimeout(() => done(null), TIMEOUT_MS);
    signal?.addEventListener("abort", () => done(null));
    window.addEventListener("keydown", onDown, true);
  });
}
