// Profiles: list, create (blank, example, copy), import, rename, delete, activate, export.

import { ApiProblem, del, get, patch, post, put } from "../api.js";
import { download, h, replace, timeAgo, toast } from "../dom.js";
import { EXAMPLES } from "../examples.js";
import { state } from "../state.js";

export function renderProfiles(root) {
  const profiles = [...state.profiles.values()];
  replace(root,
    h("header", { class: "view-head" },
      h("h1", {}, "Profiles"),
      h("p", { class: "muted" }, state.active
        ? ["Keyboards follow ", h("strong", {}, state.active), " unless a device picks its own."]
        : "No profile is active: keys pass through unchanged.")),
    createForm(),
    h("table", { class: "list profiles" },
      h("thead", {}, h("tr", {}, h("th", {}, "Name"), h("th", {}, "Description"), h("th", {}, "Changed"), h("th", {}))),
      h("tbody", {}, profiles.length ? profiles.map(profileRow)
        : h("tr", {}, h("td", { colspan: "4", class: "muted empty" }, "No profiles yet: create one above or import a file.")))));
}

function profileRow(p) {
  const active = p.name === state.active;
  return h("tr", { class: active ? "active" : "", dataset: { name: p.name } },
    h("td", {}, h("a", { href: `#/profiles/${encodeURIComponent(p.name)}`, class: "profile-name" }, p.name),
      active ? h("span", { class: "badge ok" }, "active") : null),
    h("td", { class: "muted" }, p.description || ""),
    h("td", { class: "muted small", title: p.updated_at }, timeAgo(p.updated_at)),
    h("td", { class: "actions" },
      active
        ? h("button", { class: "deactivate", onclick: () => setActive(null) }, "Deactivate")
        : h("button", { class: "activate primary", onclick: () => setActive(p.name) }, "Activate"),
      h("a", { class: "button", href: `#/profiles/${encodeURIComponent(p.name)}` }, "Edit"),
      h("button", { class: "rename", onclick: () => rename(p.name) }, "Rename"),
      h("button", { class: "export", onclick: () => exportProfile(p.name) }, "Export"),
      h("button", { class: "delete danger", onclick: () => remove(p.name) }, "Delete")));
}

function createForm() {
  const name = h("input", { name: "name", placeholder: "new-profile", required: true,
    pattern: "[A-Za-z0-9][A-Za-z0-9_\\-]{0,63}", "aria-label": "New profile name", dataset: { focus: "new-name" } });
  const source = h("select", { name: "source", "aria-label": "Start from" },
    h("option", { value: "blank" }, "Blank"),
    h("optgroup", { label: "Example" }, Object.entries(EXAMPLES).map(([n, e]) =>
      h("option", { value: `example:${n}` }, `${n}: ${e.description}`))),
    state.profiles.size ? h("optgroup", { label: "Copy of" }, [...state.profiles.keys()].map((n) =>
      h("option", { value: `copy:${n}` }, n))) : null);
  const error = h("div", { class: "field-error", role: "alert" });
  const file = h("input", { type: "file", accept: "application/json,.json", class: "hidden",
    onchange: (e) => importFile(e.target.files[0], error).finally(() => { e.target.value = ""; }) });
  const submit = async (e) => {
    e.preventDefault();
    replace(error);
    const body = { name: name.value.trim() };
    const [kind, from] = source.value.split(/:(.*)/);
    if (kind === "copy") body.copy_from = from;
    else if (kind === "example") Object.assign(body, structuredClone(EXAMPLES[from]));
    else body.layers = { base: {} };
    try {
      const created = await post("/profiles", body);
      state.local("profile.created", { profile: created });
      location.hash = `#/profiles/${encodeURIComponent(created.name)}`;
    } catch (err) {
      showError(error, err);
    }
  };
  return h("form", { class: "card create", onsubmit: submit },
    h("h2", {}, "New profile"),
    h("div", { class: "row" }, name, h("span", { class: "muted" }, "from"), source,
      h("button", { type: "submit", class: "primary" }, "Create"),
      h("button", { type: "button", class: "import", onclick: () => file.click() }, "Import file…"), file),
    error);
}

function showError(box, err) {
  const fields = Object.entries(err.errors || {});
  replace(box, err.message, fields.length > 1 ? h("ul", {}, fields.map(([p, m]) => h("li", {}, `${p}: ${m.join("; ")}`))) : null);
}

async function importFile(fileObj, error) {
  if (!fileObj) return;
  replace(error);
  let body;
  try {
    body = JSON.parse(await fileObj.text());
  } catch (err) {
    replace(error, `${fileObj.name} is not JSON: ${err.message}`);
    return;
  }
  if (!body || typeof body !== "object" || Array.isArray(body)) {
    replace(error, `${fileObj.name} does not hold a profile (a JSON object with "layers")`);
    return;
  }
  for (const k of state.meta.read_only.profile) delete body[k];
  body.name = body.name || fileObj.name.replace(/\.json$/i, "").replace(/[^A-Za-z0-9_-]/g, "-");
  while (true) {
    try {
      const created = await post("/profiles", body);
      state.local("profile.created", { profile: created });
      toast(`Imported ${created.name}`);
      location.hash = `#/profiles/${encodeURIComponent(created.name)}`;
      return;
    } catch (err) {
      if (err.status !== 409) return showError(error, err);
      const other = prompt(`A profile named "${body.name}" exists. Import it under another name:`, `${body.name}-2`);
      if (!other) return;
      body.name = other.trim();
    }
  }
}

export async function exportProfile(name) {
  try {
    const p = await get(`/profiles/${encodeURIComponent(name)}`);
    const body = { name: p.name, description: p.description, settings: p.settings, layers: p.layers, combos: p.combos };
    for (const k of ["hands", "sequences"]) if (p[k]) body[k] = p[k];
    download(`${p.name}.keyrx.json`, JSON.stringify(body, null, 2) + "\n");
  } catch (err) {
    toast(err.message, "error");
  }
}

export async function setActive(name) {
  try {
    await put("/active-profile", { name });
    state.local(name ? "profile.activated" : "profile.deactivated", { name });
    toast(name ? `${name} is active` : "Pass-through: no profile active");
  } catch (err) {
    toast(err.message, "error");
  }
}

export async function rename(name) {
  const to = prompt(`Rename "${name}" to:`, name);
  if (!to || to.trim() === name) return null;
  try {
    const p = await patch(`/profiles/${encodeURIComponent(name)}`, { name: to.trim() });
    state.local("profile.updated", { profile: p, previous_name: name });
    toast(`Renamed to ${p.name}`);
    return p.name;
  } catch (err) {
    toast(err instanceof ApiProblem ? (err.errors.name || [err.message]).join("; ") : err.message, "error");
    return null;
  }
}

export async function remove(name) {
  if (!confirm(`Delete the profile "${name}"? This cannot be undone (export it first to keep a copy).`)) return false;
  try {
    await del(`/profiles/${encodeURIComponent(name)}`);
    state.local("profile.deleted", { name });
    toast(`Deleted ${name}`);
    return true;
  } catch (err) {
    toast(err.message, "error");
    return false;
  }
}
