// A key or chord field: modifier toggles, a key name with search, and a Pick button.

import { h, replace, toast } from "../dom.js";
import { state } from "../state.js";
import { keyNames } from "./keynames.js";
import { pickKey } from "./pick.js";

const MODS = [
  ["ctrl", "Ctrl", ["ctrl", "leftctrl", "rightctrl"]],
  ["shift", "Shift", ["shift", "leftshift", "rightshift"]],
  ["alt", "Alt", ["alt", "leftalt", "rightalt"]],
  ["meta", "Super", ["meta", "leftmeta", "rightmeta"]],
];
const isMod = (part) => MODS.some(([, , names]) => names.includes(part));

/** "ctrl+shift+t" -> {mods: ["ctrl", "shift"], key: "t"}; a lone modifier is the key. */
export function splitChord(text) {
  const parts = String(text ?? "").split("+");
  let n = 0;
  while (n < parts.length - 1 && isMod(parts[n])) n += 1;
  return { mods: parts.slice(0, n), key: parts.slice(n).join("+") };
}

export function joinChord(mods, key) {
  return [...mods, key].filter((p) => p !== "").join("+");
}

/**
 * @param {object} o
 * @param {string} o.value       the key or chord
 * @param {(v: string) => void} o.set
 * @param {string} o.path        the dotted path errors for this value carry
 * @param {string} o.label
 * @param {boolean} [o.chord]    offer the modifier toggles (default true)
 */
export function keyField({ value, set, path, label, chord = true }) {
  let { mods, key } = chord ? splitChord(value) : { mods: [], key: value ?? "" };
  const chip = h("span", { class: "pick-chip small", hidden: true });
  const emit = () => set(joinChord(mods, key));
  const input = h("input", {
    class: "key-input mono", value: key, list: keyNames(), placeholder: "key name", spellcheck: false,
    autocomplete: "off", "aria-label": label, size: "12", dataset: { focus: `kf:${path}` },
    oninput: (e) => { key = e.target.value.trim(); chip.hidden = true; emit(); },
  });
  const toggles = chord ? MODS.map(([id, text, names]) => {
    const on = () => mods.some((m) => names.includes(m));
    const b = h("button", {
      type: "button", class: "mod-toggle", "aria-pressed": String(on()), dataset: { mod: id },
      onclick: () => {
        mods = on() ? mods.filter((m) => !names.includes(m)) : [...mods, id];
        b.setAttribute("aria-pressed", String(on()));
        emit();
      },
    }, text);
    return b;
  }) : [];
  const pick = h("button", { type: "button", class: "pick", title: "Press the key on your keyboard",
    onclick: () => doPick() }, "Pick");

  async function doPick() {
    pick.disabled = true;
    pick.textContent = "Press a key…";
    try {
      const got = await pickKey({
        onWaiting: (via) => { pick.textContent = via === "browser" ? "Press a key (Esc cancels)…" : "Press a key…"; },
      });
      if (!got) { toast("No key picked"); return; }
      key = got.key;
      input.value = key;
      const dev = got.device && state.devices.get(got.device);
      replace(chip, got.via === "browser" ? "browser key (after remapping)" : `from ${dev?.label || dev?.name || got.device || "a keyboard"}`);
      chip.className = `pick-chip small ${got.via}`;
      chip.hidden = false;
      emit();
      input.focus();
    } catch (err) {
      toast(err.message, "error");
    } finally {
      pick.disabled = false;
      pick.textContent = "Pick";
    }
  }

  return h("div", { class: "field key-field", dataset: { path } },
    h("label", {}, label),
    h("div", { class: "kf-row" }, toggles.length ? h("span", { class: "mods", role: "group", "aria-label": "Modifiers" }, toggles) : null,
      input, pick, chip),
    h("div", { class: "field-error" }));
}
