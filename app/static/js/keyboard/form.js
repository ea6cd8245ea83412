// The action form: a kind picker and that kind's fields, plus an "advanced (JSON)" box that
// stays in step with the form both ways.

import { h, replace } from "../dom.js";
import { legend } from "./legend.js";
import { ACTION_TYPES, typeOf } from "./types.js";

/**
 * An editor for one action (recursive: a tap-hold's tap and hold are actions too).
 * @param {object} o
 * @param {*} o.value                 the action (undefined: not mapped)
 * @param {(v: *) => void} o.set      called with the new action on every change
 * @param {string} o.path             its dotted path, for errors
 * @param {object} o.ctx              see types.js
 * @param {boolean} [o.top]           offer "not mapped"
 * @param {boolean} [o.nested]        inside another action: no tap dance
 */
export function actionEditor({ value, set, path, ctx, top = false, nested = false }) {
  let current = value;
  const body = h("div", { class: "action-body" });
  const kinds = ACTION_TYPES.filter((t) => (top || !t.top) && (!nested || t.nestable !== false));
  const select = h("select", { class: "action-type", "aria-label": "What the key does",
    onchange: () => {
      const kind = kinds.find((t) => t.id === select.value);
      current = kind.make(current, ctx);
      set(current);
      drawBody();
    } });
  const inner = { ...ctx, nested: (v, s, p) => actionEditor({ value: v, set: s, path: p, ctx, nested: true }).el };
  function drawBody() {
    const kind = typeOf(current);
    replace(select, kinds.map((t) => h("option", { value: t.id, selected: kind === t }, t.label)),
      kind ? null : h("option", { value: "", selected: true }, "Other (edit as JSON)"));
    const put = (v) => { current = v; set(v); };
    replace(body, kind ? kind.render(current, put, path, inner) : h("p", { class: "muted small" },
      "This action has no form yet: edit it in the JSON box below."));
  }
  drawBody();
  const el = h("div", { class: nested ? "action-editor nested" : "action-editor" }, select, body);
  return { el, redraw: (v) => { current = v; drawBody(); } };
}

/**
 * The form for one target (a key of a layer, or a combo's action).
 * @param {object} t
 * @param {string} t.title
 * @param {string} t.path
 * @param {() => {ok: boolean, value?: *, text?: string}} t.get
 * @param {(v: *) => void} t.set            write a parsed action (undefined: unmap)
 * @param {(text: string) => *} t.parse     text -> action (throws on a typo)
 * @param {(v: *) => string} t.format       action -> its one-line JSON
 * @param {boolean} t.top                    may be "not mapped"
 * @param {() => void} t.close
 */
export function actionForm(t, ctx) {
  const got = t.get();
  const jsonText = (v) => (v === undefined ? "" : typeof v === "string" ? JSON.stringify(v) : t.format(v));
  const json = h("textarea", { class: "action-json mono", rows: "3", spellcheck: false, "aria-label": "Action as JSON",
    value: got.ok ? jsonText(got.value) : got.text });
  const jsonError = h("div", { class: "field-error json-error", role: "alert" });
  const preview = h("span", { class: "legend-preview mono" });
  const showPreview = (v) => replace(preview, v === undefined ? "" : legend(v).text);
  const editor = actionEditor({
    value: got.ok ? got.value : undefined, path: t.path, ctx, top: t.top,
    set: (v) => { t.set(v); json.value = jsonText(v); replace(jsonError); showPreview(v); },
  });
  json.addEventListener("input", () => {
    const text = json.value.trim();
    try {
      const v = text === "" && t.top ? undefined : t.parse(text);
      replace(jsonError);
      t.set(v);
      editor.redraw(v);
      showPreview(v);
    } catch (err) {
      replace(jsonError, err.message);
    }
  });
  if (!got.ok) replace(jsonError, `The current text does not parse: ${got.error}`);
  showPreview(got.ok ? got.value : undefined);
  const form = h("section", { class: "card action-form", role: "dialog", "aria-label": t.title,
    onkeydown: (e) => { if (e.key === "Escape") { e.preventDefault(); t.close(); } } },
  h("div", { class: "card-head" }, h("h2", {}, t.title, preview),
    h("button", { type: "button", class: "link close-form", "aria-label": "Close the form", onclick: t.close }, "Close ✕")),
  editor.el,
  h("details", { class: "advanced" }, h("summary", {}, "Advanced (JSON)"), json, jsonError));
  return form;
}
