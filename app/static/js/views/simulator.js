// The simulator: type into a capture box (or write a script), run it through POST /api/simulate.
// While a keyboard is grabbed the box takes raw keys from the daemon (POST /api/capture: the
// physical key before remapping, nothing typed); otherwise, labelled, the browser's keydown.

import { post } from "../api.js";
import { h, replace } from "../dom.js";
import { linuxKey } from "../keymap.js";
import { state } from "../state.js";

const CAPTURE_MS = 10000;
const RAW_HINT = "Click here, then press keys on a grabbed keyboard: raw keys (before remapping), nothing is typed; each is recorded as a tap";
const BROWSER_HINT = "Click here and type: browser keys (after the daemon's remapping; no keyboard is grabbed), recorded with their timing";
const grabbed = () => [...state.devices.values()].some((d) => d.grabbed);

// kept across redraws of the editor
const sim = { script: "d:capslock t:50 u:capslock", output: null, error: null, held: new Set(), t0: null, last: 0 };

export function simulatorPanel({ profile, showErrors }) {
  const script = h("textarea", { class: "script mono", rows: "3", spellcheck: false, "aria-label": "Input script",
    value: sim.script, oninput: (e) => { sim.script = e.target.value; } });
  const out = h("div", { class: "sim-output" });
  const error = h("div", { class: "field-error sim-error", role: "alert" });
  let raw = grabbed(); // raw capture from the daemon, else the browser's keydown
  let listening = false;
  const capture = h("div", {
    class: "capture", tabindex: "0", role: "textbox", "aria-label": "Key capture",
    dataset: { mode: raw ? "raw" : "browser" },
    onkeydown: (e) => { if (!raw) key(e, "d"); }, onkeyup: (e) => { if (!raw) key(e, "u"); },
    onblur: () => capture.classList.remove("recording"),
    onfocus: () => {
      capture.classList.add("recording");
      if (grabbed() !== raw) setMode(grabbed()); // keyboards were grabbed or released since
      if (raw) listen();
    },
  }, h("span", { class: "muted" }, raw ? RAW_HINT : BROWSER_HINT));

  function setMode(isRaw, hint) {
    raw = isRaw;
    capture.dataset.mode = raw ? "raw" : "browser";
    replace(capture, h("span", { class: "muted" }, hint ?? (raw ? RAW_HINT : BROWSER_HINT)));
  }

  /** While the box has focus, ask the daemon for one raw key after another; each is a tap. */
  async function listen() {
    if (listening) return;
    listening = true;
    try {
      while (raw && capture.classList.contains("recording")) {
        const res = await post("/capture", { device: null, timeout_ms: CAPTURE_MS });
        if (res?.key) { // recorded even if the box lost focus meanwhile: the key was consumed
          const now = performance.now();
          record("d", res.key, now);
          record("u", res.key, now);
          replace(capture, h("span", { class: "mono" }, `${res.key} (raw)`));
        }
      }
    } catch (err) {
      if (err.status === 409 && /grab/i.test(err.message || "")) setMode(false); // nothing grabbed now
      else replace(error, err.message);
    } finally {
      listening = false;
    }
  }

  function key(e, kind) {
    e.preventDefault();
    if (e.repeat) return;
    const name = linuxKey(e.code);
    if (name) record(kind, name, e.timeStamp);
  }

  function record(kind, name, now) {
    if (sim.held.size === 0 && kind === "d" && (sim.t0 === null || now - sim.last > 1500)) {
      sim.t0 = now; // a new burst of typing starts a new script
      sim.script = "";
    }
    const gap = Math.round(now - (sim.last || now));
    const parts = sim.script ? [sim.script] : [];
    if (sim.script && gap > 0) parts.push(`t:${gap}`);
    parts.push(`${kind}:${name}`);
    sim.script = parts.join(" ");
    sim.last = now;
    if (kind === "d") sim.held.add(name); else sim.held.delete(name);
    script.value = sim.script;
    replace(capture, h("span", { class: "mono" }, sim.held.size ? [...sim.held].join(" + ") : "…"));
    if (sim.held.size === 0) run();
  }

  async function run() {
    replace(error);
    const { body, errors } = profile();
    if (Object.keys(errors).length) {
      showErrors(errors);
      replace(error, "Fix the profile's errors first.");
      return;
    }
    try {
      const res = await post("/simulate", { profile: body, script: sim.script });
      sim.output = res.output;
      drawOutput(out);
      showErrors({});
    } catch (err) {
      const profileErrors = Object.fromEntries(Object.entries(err.errors || {}).filter(([p]) => p.startsWith("profile.")));
      const other = Object.entries(err.errors || {}).filter(([p]) => !p.startsWith("profile."));
      if (Object.keys(profileErrors).length) showErrors(profileErrors, "profile.");
      replace(error, other.length ? other.map(([p, m]) => h("div", {}, `${p}: ${m.join("; ")}`)) : err.message);
    }
  }

  drawOutput(out);
  return h("section", { class: "card sim" },
    h("div", { class: "card-head" }, h("h2", {}, "Try it"),
      h("span", { class: "muted small" }, "runs this editor's profile, saved or not")),
    capture,
    h("label", { class: "small muted" }, "Input: d:KEY press, u:KEY release, t:MS time passes"),
    script,
    h("div", { class: "row" }, h("button", { class: "run primary", onclick: run }, "Run"),
      h("button", { onclick: () => { sim.script = ""; sim.output = null; script.value = ""; drawOutput(out); } }, "Clear")),
    error,
    out);
}

const AXIS = { x: "x", y: "y", wheel: "w", hwheel: "hw" };
// pointer motion in the script form: x:+10 y:-10 w:+1 hw:-1
export const motion = (o) => `${AXIS[o.rel] || o.rel}:${o.value > 0 ? "+" : ""}${o.value}`;

function drawOutput(out) {
  if (!sim.output) return replace(out, h("p", { class: "muted small" }, "The output appears here."));
  if (!sim.output.length) return replace(out, h("p", { class: "muted small" }, "No output: every key was swallowed."));
  const end = Math.max(1, ...sim.output.map((o) => o.at_ms));
  // one lane per output key: a bar from its press to its release
  const lanes = new Map();
  for (const o of sim.output) {
    const lane = o.rel ? `${AXIS[o.rel]}:` : o.key;
    if (!lanes.has(lane)) lanes.set(lane, []);
    const bars = lanes.get(lane);
    if (o.rel) bars.push({ from: o.at_ms, to: o.at_ms }); // a tick per motion step
    else if (o.action === "press") bars.push({ from: o.at_ms, to: null });
    else if (o.action === "release" && bars.length && bars.at(-1).to === null) bars.at(-1).to = o.at_ms;
  }
  const pct = (ms) => `${(100 * ms) / (end * 1.05 || 1)}%`;
  replace(out,
    h("div", { class: "timeline" }, [...lanes].map(([key, bars]) =>
      h("div", { class: "lane" }, h("span", { class: "lane-key mono" }, key),
        h("div", { class: "lane-track" }, bars.map((b) => {
          const bar = h("span", { class: "bar", title: `${key}: ${b.from}–${b.to ?? "…"} ms` });
          bar.style.left = pct(b.from);
          bar.style.width = `max(3px, ${pct((b.to ?? end) - b.from)})`;
          return bar;
        }))))),
    h("ol", { class: "events mono small output" }, sim.output.map((o) =>
      o.rel ? h("li", { class: "motion" }, h("span", { class: "at" }, `${o.at_ms} ms`), h("span", { class: "dir" }, "⇢"),
        ` ${motion(o)}`) :
      h("li", { class: o.action }, h("span", { class: "at" }, `${o.at_ms} ms`),
        h("span", { class: "dir" }, o.action === "press" ? "↓" : o.action === "release" ? "↑" : "↻"), ` ${o.key}`))));
}
