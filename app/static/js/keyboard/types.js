// The kinds of action the form offers, as a table: each entry says how to recognise an action
// of its kind, how to make one when the user picks the kind, and which fields edit it. A new
// kind of action is a new entry here (and a new step kind a new entry in MACRO_STEPS).

import { h } from "../dom.js";
import { keyField } from "./keyfield.js";

const isObj = (a) => a !== null && typeof a === "object" && !Array.isArray(a);
const has = (field) => (a) => isObj(a) && field in a;
const join = (path, part) => (path ? `${path}.${part}` : String(part));

/** A small labelled control whose errors land beside it (its own data-path). */
export function optionField({ path, label, control }) {
  return h("div", { class: "field", dataset: { path } }, h("label", {}, label), control, h("div", { class: "field-error" }));
}

function numberInput(value, set, attrs = {}) {
  return h("input", { type: "number", min: "0", class: "num", value: value ?? "", ...attrs,
    oninput: (e) => set(e.target.value === "" ? undefined : Number(e.target.value)) });
}

function selectInput(value, options, set, attrs = {}) {
  return h("select", { ...attrs, onchange: (e) => set(e.target.value) },
    options.map(([v, text]) => h("option", { value: v, selected: v === (value ?? "") }, text)));
}

function layerSelect(value, set, ctx, label) {
  const names = ctx.layers().filter((n) => n !== "base");
  if (value && !names.includes(value)) names.push(value);
  if (!names.length) return h("p", { class: "muted small" }, "Add a layer first (the tabs above the keyboard).");
  return selectInput(value, names.map((n) => [n, n]), set, { class: "layer-select", "aria-label": label });
}

/** Options of a tap-hold besides tap and hold; each is omitted from the JSON when left empty. */
export const TAP_HOLD_OPTIONS = [
  { name: "timeout_ms", label: "Timeout (ms)", render: (v, set, ctx) =>
    numberInput(v, set, { min: "1", placeholder: `${ctx.settings().tap_hold_ms || 200} (profile)`, class: "num timeout" }) },
  { name: "mode", label: "Decides hold when", render: (v, set) => selectInput(v, [
    ["", "default (permissive)"], ["permissive", "permissive: another key pressed and released"],
    ["press", "press: another key pressed"], ["timeout", "timeout: only after the timeout"],
    ["alone", "alone: held alone past the timeout (another key: tap)"]],
  (x) => set(x || undefined), { class: "mode" }) },
  { name: "on_timeout", label: "At the timeout", render: (v, set) => selectInput(v, [
    ["", "default (hold)"], ["hold", "hold"], ["tap", "tap (hold only when interrupted)"]],
  (x) => set(x || undefined), { class: "on-timeout" }) },
  { name: "require_prior_idle_ms", label: "Tap if typing within (ms)", render: (v, set, ctx) =>
    numberInput(v, set, { max: "1000", placeholder: `${ctx.settings().require_prior_idle_ms || 0} (profile; 0 off)`, class: "num prior-idle" }) },
  { name: "quick_tap_ms", label: "Quick re-tap within (ms)", render: (v, set, ctx) =>
    numberInput(v, set, { max: "1000", placeholder: `${ctx.settings().quick_tap_ms || 0} (profile; 0 off)`, class: "num quick-tap" }) },
  { name: "hand_rule", label: "Same-hand key → tap (needs the profile's hands)", render: (v, set) =>
    h("input", { type: "checkbox", class: "hand-rule", checked: v === true, onchange: (e) => set(e.target.checked || undefined) }) },
];

/** Options of the other kinds, in the same form as TAP_HOLD_OPTIONS (inside the kind's object). */
const CAPS_WORD_OPTIONS = [
  { name: "timeout_ms", label: "Ends after idle (ms)", render: (v, set, ctx) =>
    numberInput(v, set, { min: "100", placeholder: `${ctx.settings().caps_word_ms || 5000} (profile)`, class: "num timeout" }) },
  { name: "toggle", label: "Pressing it again turns it off", render: (v, set) =>
    h("input", { type: "checkbox", class: "toggle", checked: v === true, onchange: (e) => set(e.target.checked || undefined) }) },
];

/** Fields for `options` of the object `get()` returns (read at each change: the form is not redrawn). */
function optionsOf(options, get, put, path, ctx) {
  return h("div", { class: "options" }, options.map((o) => optionField({ path: join(path, o.name), label: o.label,
    control: o.render(get()[o.name], (v) => {
      const next = { ...get() };
      if (v === undefined || v === "") delete next[o.name]; else next[o.name] = v;
      put(next);
    }, ctx) })));
}

function tapDance(a, set, path, ctx) {
  const items = [...a.tap_dance];
  let cur = a;
  const put = (v) => { cur = v; set(v); };
  const list = h("ol", { class: "dance-steps" });
  const change = () => put({ ...cur, tap_dance: [...items] });
  const draw = () => list.replaceChildren(...items.map((item, i) => h("li", { class: "dance-step sub" },
    h("h4", {}, `${i + 1} tap${i ? "s" : ""}`),
    ctx.nested(item, (v) => { items[i] = v; change(); }, join(join(path, "tap_dance"), i)),
    items.length > 2 ? h("button", { type: "button", class: "link danger", "aria-label": "Remove element",
      onclick: () => { items.splice(i, 1); change(); draw(); } }, "×") : null)));
  draw();
  return h("div", { class: "fields tapdance" }, list,
    items.length < 8 ? h("button", { type: "button", class: "add-dance", onclick: () => { items.push("a"); change(); draw(); } }, "+ Taps") : null,
    optionsOf([TAP_HOLD_OPTIONS[0], { name: "eager", label: "Eager: each tap types at once", render: (v, s) =>
      h("input", { type: "checkbox", class: "eager", checked: v === true, onchange: (e) => s(e.target.checked || undefined) }) }],
    () => cur, put, path, { ...ctx, settings: () => ({ tap_hold_ms: ctx.settings().tap_dance_ms || 200 }) }));
}

export const MACRO_STEPS = [
  { id: "key", label: "Key or chord", matches: (s) => typeof s === "string", make: () => "a",
    render: (s, set, path) => keyField({ value: s, set, path, label: "Key" }) },
  { id: "delay", label: "Delay", matches: has("delay_ms"), make: () => ({ delay_ms: 50 }),
    render: (s, set, path) => optionField({ path: join(path, "delay_ms"), label: "Delay (ms)",
      control: numberInput(s.delay_ms, (v) => set({ delay_ms: v ?? 0 }), { "aria-label": "Delay (ms)" }) }) },
  { id: "text", label: "Text", matches: has("text"), make: () => ({ text: "" }),
    render: (s, set, path) => optionField({ path: join(path, "text"), label: "Text",
      control: h("input", { class: "text-step", value: s.text, "aria-label": "Text", oninput: (e) => set({ text: e.target.value }) }) }) },
];

/** The `mods` of a layer action: modifiers held on the output while the layer is. */
function modsField(a, set, path) {
  return optionField({ path: join(path, "mods"), label: "Holding modifiers", control: h("input", {
    class: "mods mono", value: a.mods ?? "", placeholder: "none, or ctrl, ctrl+shift…", "aria-label": "Holding modifiers",
    oninput: (e) => { const next = { ...a }; if (e.target.value.trim()) next.mods = e.target.value.trim(); else delete next.mods; set(next); } }) });
}

function macroSteps(action, set, path, ctx) {
  const steps = [...action.macro];
  const list = h("ol", { class: "macro-steps" });
  const change = () => set({ ...action, macro: [...steps] });
  const draw = () => list.replaceChildren(...steps.map((step, i) => {
    const kind = MACRO_STEPS.find((k) => k.matches(step)) || MACRO_STEPS[0];
    const here = join(join(path, "macro"), i);
    const put = (v) => { steps[i] = v; change(); };
    const move = (d) => { [steps[i], steps[i + d]] = [steps[i + d], steps[i]]; change(); draw(); };
    return h("li", { class: "macro-step", dataset: { path: here } },
      selectInput(kind.id, MACRO_STEPS.map((k) => [k.id, k.label]), (id) => {
        steps[i] = MACRO_STEPS.find((k) => k.id === id).make(); change(); draw();
      }, { class: "step-kind", "aria-label": `Step ${i + 1} kind` }),
      kind.render(step, put, here, ctx),
      h("span", { class: "step-tools" },
        h("button", { type: "button", class: "link", disabled: i === 0, "aria-label": "Move step up", onclick: () => move(-1) }, "↑"),
        h("button", { type: "button", class: "link", disabled: i === steps.length - 1, "aria-label": "Move step down", onclick: () => move(1) }, "↓"),
        h("button", { type: "button", class: "link danger", "aria-label": "Remove step", onclick: () => { steps.splice(i, 1); change(); draw(); } }, "×")),
      h("div", { class: "field-error" }));
  }));
  draw();
  return h("div", { class: "field macro", dataset: { path: join(path, "macro") } },
    h("label", {}, "Steps, typed in order when the key is pressed"), list,
    h("div", { class: "row" }, MACRO_STEPS.map((k) => h("button", { type: "button", class: `add-step add-${k.id}`,
      onclick: () => { steps.push(k.make()); change(); draw(); } }, `+ ${k.label}`))),
    h("div", { class: "field-error" }));
}

/**
 * The kinds of action. render(action, set, path, ctx) returns the fields; ctx has layers(),
 * settings(), key (the physical key being edited) and nested(value, set, path, opts) for an
 * action inside an action.
 */
export const ACTION_TYPES = [
  { id: "inherit", label: "Not mapped (falls through)", top: true, matches: (a) => a === undefined, make: () => undefined,
    render: (a, set, path, ctx) => h("p", { class: "muted small" }, ctx.layer === "base"
      ? "The key types itself." : "The key does what it does in the layers below (base).") },
  { id: "key", label: "Key or chord", matches: (a) => typeof a === "string" || has("key")(a),
    make: (a, ctx) => ctx.key || "a",
    render: (a, set, path) => {
      const long = isObj(a);
      const chord = long ? a.key : a;
      const repeat = !long || a.repeat !== false;
      const put = (c, r) => set(r ? c : { key: c, repeat: false });
      return h("div", { class: "fields" },
        keyField({ value: chord, set: (c) => put(c, repeat), path: long ? join(path, "key") : path, label: "Key" }),
        h("label", { class: "check small" }, h("input", { type: "checkbox", class: "repeat", checked: repeat,
          onchange: (e) => put(chord, e.target.checked) }), " repeats while held"));
    } },
  { id: "null", label: "Nothing (disabled)", matches: (a) => a === null, make: () => null,
    render: () => h("p", { class: "muted small" }, "The key does nothing.") },
  { id: "layermods", label: "Layer while held, holding modifiers", matches: (a) => has("layer")(a) && "mods" in a,
    make: (a, ctx) => ({ layer: ctx.layers().find((n) => n !== "base") || "", mods: "leftctrl" }),
    render: (a, set, path, ctx) => h("div", { class: "fields" },
      optionField({ path: join(path, "layer"), label: "Layer",
        control: layerSelect(a.layer, (v) => set({ ...a, layer: v }), ctx, "Layer") }),
      modsField(a, set, path),
      h("p", { class: "muted small" }, "Keys the layer does not map are typed with these modifiers; keys it maps are typed without them.")) },
  { id: "layermacro", label: "Layer while held, after a macro", matches: (a) => has("layer")(a) && "macro" in a,
    make: (a, ctx) => ({ layer: ctx.layers().find((n) => n !== "base") || "", macro: ["a"] }),
    render: (a, set, path, ctx) => h("div", { class: "fields" },
      optionField({ path: join(path, "layer"), label: "Layer",
        control: layerSelect(a.layer, (v) => set({ ...a, layer: v }), ctx, "Layer") }),
      macroSteps(a, set, path, ctx)) },
  ...[["layer", "Layer while held"], ["toggle", "Toggle a layer"], ["switch", "Switch the base layer"]].map(([id, label]) => ({
    id, label, matches: has(id), make: (a, ctx) => ({ [id]: ctx.layers().find((n) => n !== "base") || "" }),
    render: (a, set, path, ctx) => optionField({ path: join(path, id), label: "Layer",
      control: layerSelect(a[id], (v) => set({ ...a, [id]: v }), ctx, "Layer") }),
  })),
  { id: "swap", label: "Swap the current layer", matches: has("swap"),
    make: (a, ctx) => ({ swap: ctx.layers().find((n) => n !== "base") || "" }),
    render: (a, set, path, ctx) => h("div", { class: "fields" },
      optionField({ path: join(path, "swap"), label: "Replace the layer this key is in with",
        control: layerSelect(a.swap, (v) => set({ ...a, swap: v }), ctx, "Layer") }),
      modsField(a, set, path)) },
  { id: "clear", label: "Clear toggles and one-shots", matches: has("clear"), make: () => ({ clear: true }),
    render: () => h("p", { class: "muted small" }, "Turns off every toggled layer and armed one-shot; held keys stay.") },
  { id: "repeat", label: "Repeat the last key", matches: has("repeat_last"), make: () => ({ repeat_last: true }),
    render: () => h("p", { class: "muted small" }, "Types again the last key or chord (with its modifiers), or runs the last macro again.") },
  { id: "oneshotkey", label: "One-shot layer that is also a key", matches: (a) => has("oneshot")(a) && has("key")(a.oneshot),
    make: (a, ctx) => ({ oneshot: { layer: ctx.layers().find((n) => n !== "base") || "", key: ctx.key || "a" } }),
    render: (a, set, path, ctx) => h("div", { class: "fields" },
      optionField({ path: join(path, "oneshot.layer"), label: "Layer for the next key",
        control: layerSelect(a.oneshot.layer, (v) => set({ oneshot: { ...a.oneshot, layer: v } }), ctx, "Layer") }),
      keyField({ value: a.oneshot.key, set: (v) => set({ oneshot: { ...a.oneshot, key: v } }), path: join(path, "oneshot.key"),
        label: "Key while held" })) },
  { id: "oneshot", label: "One-shot (next key only)", matches: has("oneshot"), make: () => ({ oneshot: "leftshift" }),
    render: (a, set, path, ctx) => {
      const isLayer = isObj(a.oneshot);
      return h("div", { class: "fields" },
        optionField({ path: join(path, "oneshot"), label: "One-shot of", control: selectInput(isLayer ? "layer" : "key",
          [["key", "a modifier or key"], ["layer", "a layer"]], (v) => set({ oneshot: v === "layer"
            ? { layer: ctx.layers().find((n) => n !== "base") || "" } : "leftshift" }), { class: "oneshot-kind" }) }),
        isLayer ? optionField({ path: join(path, "oneshot.layer"), label: "Layer",
          control: layerSelect(a.oneshot.layer, (v) => set({ oneshot: { ...a.oneshot, layer: v } }), ctx, "Layer") })
          : keyField({ value: a.oneshot, set: (v) => set({ oneshot: v }), path: join(path, "oneshot"), label: "Key" }));
    } },
  { id: "taphold", label: "Tap-hold", matches: (a) => isObj(a) && ("tap" in a || "hold" in a),
    make: (a, ctx) => ({ tap: typeof a === "string" ? a : ctx.key || "a", hold: "leftctrl" }),
    render: (a, set, path, ctx) => {
      let cur = a;
      const put = (v) => { cur = v; set(v); };
      return h("div", { class: "fields taphold" },
        h("div", { class: "sub", dataset: { part: "tap" } }, h("h4", {}, "Tap"),
          ctx.nested(a.tap, (v) => put({ ...cur, tap: v }), join(path, "tap"))),
        h("div", { class: "sub", dataset: { part: "hold" } }, h("h4", {}, "Hold"),
          ctx.nested(a.hold, (v) => put({ ...cur, hold: v }), join(path, "hold"))),
        optionsOf(TAP_HOLD_OPTIONS, () => cur, put, path, ctx));
    } },
  { id: "macro", label: "Macro", matches: has("macro"), make: () => ({ macro: ["a"] }), render: macroSteps },
  { id: "tapdance", label: "Tap dance (1, 2, 3… taps)", nestable: false, matches: has("tap_dance"),
    make: (a, ctx) => ({ tap_dance: [typeof a === "string" ? a : ctx.key || "a", "esc"] }), render: tapDance },
  { id: "capsword", label: "Caps word", matches: has("caps_word"), make: () => ({ caps_word: {} }),
    render: (a, set, path, ctx) => h("div", { class: "fields capsword" },
      h("p", { class: "muted small" }, "Letters and - are shifted, digits, Backspace, Delete and arrows continue, anything else ends it. " +
        'Other lists: "shifted" and "continue" in the JSON box.'),
      optionsOf(CAPS_WORD_OPTIONS, () => a.caps_word, (v) => { a = { ...a, caps_word: v }; set(a); }, join(path, "caps_word"), ctx)) },
  { id: "leader", label: "Leader (starts a sequence)", matches: has("leader"), make: () => ({ leader: {} }),
    render: (a, set, path, ctx) => h("div", { class: "fields leader" },
      h("p", { class: "muted small" }, "The next keys are read as one of the profile's sequences (edit them under Hands and sequences)."),
      optionsOf([{ name: "timeout_ms", label: "Gives up after (ms)", render: (v, s) =>
        numberInput(v, s, { min: "1", placeholder: `${ctx.settings().sequence_ms || 1000} (profile)`, class: "num timeout" }) }],
      () => a.leader, (v) => { a = { ...a, leader: v }; set(a); }, join(path, "leader"), ctx)) },
];

/** The entry for an action (null for an action no entry knows: edit it as JSON). */
export function typeOf(action) {
  return ACTION_TYPES.find((t) => t.matches(action)) || null;
}
