// The profile-level fields of the tap family, edited as JSON in the profile editor: `hands` (for a
// tap-hold's hand_rule) and `sequences` (for a leader key). Empty text leaves the field out.

import { h } from "../dom.js";

const FIELDS = [
  { name: "hands", rows: 3, placeholder: '{"left": ["q", "w", "e", "r", "t", "a", "s", "d", "f", "g"], "right": ["y", "u", "i", "o", "p", "h", "j", "k", "l", "semicolon"]}',
    help: "Each key's hand, for tap-holds with \"Same-hand key → tap\" (hand_rule): a same-hand key pressed while the tap-hold is down makes it the tap." },
  { name: "sequences", rows: 4, placeholder: '[{"keys": ["g", "s"], "action": {"macro": [{"text": "git status"}, "enter"]}}]',
    help: "What a leader key reads: after it, typing a sequence's keys taps its action; anything else is typed as usual." },
];

/** The model's text for each field, from a stored profile. */
export function tapFieldsModel(p) {
  return Object.fromEntries(FIELDS.map((f) => [f.name, p[f.name] && (f.name !== "sequences" || p[f.name].length)
    ? JSON.stringify(p[f.name]) : ""]));
}

/** Add the parsed fields to `body`, or their JSON errors to `errors`. */
export function readTapFields(model, body, errors) {
  for (const f of FIELDS) {
    const text = (model[f.name] || "").trim();
    if (!text) continue;
    try { body[f.name] = JSON.parse(text); } catch (err) { (errors[f.name] ||= []).push(`not JSON: ${err.message}`); }
  }
}

/** The card that edits them; `touch` marks the profile changed. */
export function tapFieldsCard(model, touch) {
  return h("section", { class: "card tap-fields" }, h("h2", {}, "Hands and sequences"),
    FIELDS.map((f) => h("div", { class: "field", dataset: { path: f.name } },
      h("label", {}, f.name), h("p", { class: "muted small" }, f.help),
      h("textarea", { class: `mono ${f.name}-json`, rows: String(f.rows), spellcheck: false, placeholder: f.placeholder,
        "aria-label": f.name, value: model[f.name] || "", oninput: (e) => { model[f.name] = e.target.value; touch(); } }),
      h("div", { class: "field-error" }))));
}
