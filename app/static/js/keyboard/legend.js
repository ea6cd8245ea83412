// Short legends: a key's physical label and what an action does, in a few characters.

const MOD_SYMBOL = {
  ctrl: "⌃", leftctrl: "⌃", rightctrl: "r⌃", shift: "⇧", leftshift: "⇧", rightshift: "r⇧",
  alt: "⌥", leftalt: "⌥", rightalt: "r⌥", meta: "◆", leftmeta: "◆", rightmeta: "r◆",
};

// what is printed on a key cap for a key name (anything not listed prints its name)
const CAP = {
  esc: "Esc", grave: "`", minus: "-", equal: "=", backspace: "⌫", tab: "Tab", leftbrace: "[",
  rightbrace: "]", backslash: "\\", capslock: "Caps", semicolon: ";", apostrophe: "'", enter: "Enter",
  leftshift: "Shift", rightshift: "Shift", comma: ",", dot: ".", slash: "/", leftctrl: "Ctrl",
  rightctrl: "Ctrl", leftmeta: "Super", rightmeta: "Super", leftalt: "Alt", rightalt: "AltGr",
  space: "", compose: "Menu", "102nd": "\\", sysrq: "PrtSc", scrolllock: "ScrLk", pause: "Pause",
  insert: "Ins", delete: "Del", home: "Home", end: "End", pageup: "PgUp", pagedown: "PgDn",
  up: "↑", down: "↓", left: "←", right: "→", numlock: "Num", kpslash: "/", kpasterisk: "*",
  kpminus: "-", kpplus: "+", kpenter: "Enter", kpdot: ".",
};

export function capLabel(key) {
  if (key in CAP) return CAP[key];
  if (/^kp\d$/.test(key)) return key.slice(2);
  if (/^[a-z]$/.test(key)) return key.toUpperCase();
  if (/^f\d+$/.test(key)) return key.toUpperCase();
  return key;
}

// an output key in a legend: modifiers as symbols, arrows as arrows, the rest by name
function keyWord(name) {
  if (MOD_SYMBOL[name]) return MOD_SYMBOL[name];
  if (["up", "down", "left", "right"].includes(name)) return CAP[name];
  return name;
}

/** A chord "ctrl+shift+t" as "⌃⇧t"; a single key as its short name. */
export function chordLegend(text) {
  const parts = String(text).split("+");
  if (parts.length === 1) return keyWord(parts[0]);
  return parts.map((p, i) => (i < parts.length - 1 && MOD_SYMBOL[p] ? MOD_SYMBOL[p] : keyWord(p))).join("");
}

/**
 * What an action does, briefly: {text, kind}. kind is one of key, chord, null, layer, toggle,
 * switch, oneshot, taphold, macro, other (a CSS class on the key).
 */
export function legend(action) {
  if (action === null) return { text: "∅", kind: "null" };
  if (typeof action === "string") return { text: chordLegend(action), kind: action.includes("+") ? "chord" : "key" };
  if (typeof action !== "object" || Array.isArray(action)) return { text: "?", kind: "other" };
  if ("key" in action) return { text: chordLegend(action.key), kind: "key" };
  if ("layer" in action) return { text: `→${action.layer}${action.mods ? chordLegend(action.mods) : ""}`, kind: "layer" };
  if ("toggle" in action) return { text: `⇄${action.toggle}`, kind: "layer" };
  if ("switch" in action) return { text: `⇥${action.switch}`, kind: "layer" };
  if ("swap" in action) return { text: `⇆${action.swap}`, kind: "layer" };
  if ("clear" in action) return { text: "clr", kind: "other" };
  if ("repeat_last" in action) return { text: "↻", kind: "key" };
  if ("oneshot" in action) {
    const o = action.oneshot;
    if (o && typeof o === "object" && "key" in o) return { text: `${chordLegend(o.key)}/1×${o.layer}`, kind: "oneshot" };
    return { text: `1×${typeof o === "string" ? chordLegend(o) : o?.layer ?? "?"}`, kind: "oneshot" };
  }
  if ("tap" in action || "hold" in action) {
    const tap = action.tap === undefined ? "?" : legend(action.tap).text;
    const hold = action.hold === undefined ? "?" : legend(action.hold).text;
    const layerHold = action.hold && typeof action.hold === "object" && "layer" in action.hold;
    return { text: `${tap} / ${hold}`, kind: layerHold ? "taphold layer" : "taphold" };
  }
  if ("macro" in action) return { text: "⌘…", kind: "macro" };
  const [first] = Object.keys(action);
  return { text: first ? `${first}…` : "?", kind: "other" };
}

/** A one-line description for a tooltip or a screen reader. */
export function describe(action) {
  if (action === undefined) return "not mapped";
  if (action === null) return "does nothing";
  return typeof action === "string" ? action : JSON.stringify(action);
}
