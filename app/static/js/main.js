// Start-up: sign in, load the snapshots, open the live connection, route between views.

import { get, takeTokenFromUrl, token } from "./api.js";
import { $, h, keepFocus, replace } from "./dom.js";
import { attachIndicators, drawFocus, drawLayerChip } from "./indicators.js";
import { attachLive, pressesOn } from "./keyboard/presses.js";
import { Live } from "./live.js";
import { state } from "./state.js";
import { renderDevices } from "./views/devices.js";
import { closeEditor, editorIsDirty, profileChanged, renderEditor } from "./views/editor.js";
import { monitorEvent, renderMonitor } from "./views/monitor.js";
import { renderProfiles } from "./views/profiles.js";
import { renderStatus } from "./views/status.js";

const VIEWS = { devices: renderDevices, profiles: renderProfiles, monitor: renderMonitor, status: renderStatus };
let live = null;
let statusTimer = null;

function route() {
  const [, view = "devices", arg] = location.hash.match(/^#\/([a-z]+)(?:\/(.+))?/) || [];
  return { view: VIEWS[view] ? view : "devices", arg: arg && decodeURIComponent(arg) };
}

function render() {
  const { view, arg } = route();
  const main = $("#view");
  document.querySelectorAll("nav a").forEach((a) => a.classList.toggle("current", a.dataset.view === view));
  live?.wantKeys(view === "monitor" || (view === "profiles" && Boolean(arg) && pressesOn()));
  clearInterval(statusTimer);
  if (view === "status") statusTimer = setInterval(() => state.refreshStatus().catch(() => {}), 5000);
  if (view === "profiles" && arg) return renderEditor(main, arg);
  closeEditor();
  keepFocus(() => VIEWS[view](main));
}

function onChange({ detail }) {
  const { view, arg } = route();
  if (["all", "layers", "devices"].includes(detail.what)) drawLayerChip();
  if (detail.what === "focus") drawFocus();
  if (detail.what === "profiles" || detail.what === "all") {
    $("#active-profile").textContent = state.active ?? "none";
    if (view === "profiles" && arg) {
      if (detail.what === "profiles") profileChanged(detail);
      return;
    }
  }
  const affects = {
    devices: ["devices", "profiles", "layers", "status"], profiles: ["profiles"], status: ["status", "profiles"], monitor: [],
  }[view];
  if (detail.what === "all" || affects.includes(detail.what)) keepFocus(() => VIEWS[view]($("#view")));
}

function setIndicator({ detail }) {
  const el = $("#live");
  const text = { live: "live", connecting: "connecting…", reconnecting: "reconnecting…", resyncing: "resyncing…", failed: "offline" }[detail.state];
  el.className = `live ${detail.state}`;
  el.dataset.state = detail.state;
  replace(el, h("span", { class: "dot" }), text || detail.state);
  el.title = detail.detail || "";
}

function signIn(message) {
  live?.stop();
  live = null;
  document.body.classList.add("signed-out");
  const input = h("input", { type: "password", name: "token", autocomplete: "off", placeholder: "paste the API token",
    "aria-label": "API token", required: true });
  replace($("#view"),
    h("form", { class: "card signin", onsubmit: (e) => { e.preventDefault(); token.set(input.value.trim()); start(); } },
      h("h1", {}, "Sign in to KeyRx"),
      message ? h("p", { class: "field-error" }, message) : null,
      h("p", {}, "The daemon only answers requests that carry its API token."),
      h("ul", { class: "muted" },
        h("li", {}, "run ", h("code", {}, "keyrx token"), " to print it,"),
        h("li", {}, "or read the ", h("code", {}, "token"), " file in the data directory: ",
          h("code", {}, "~/.local/share/keyrx/token"), " (", h("code", {}, "/var/lib/keyrx/token"), " when the daemon runs as root, or ",
          h("code", {}, "$KEYRX_DATA_DIR/token"), ").")),
      h("div", { class: "row" }, input, h("button", { type: "submit", class: "primary" }, "Sign in")),
      h("p", { class: "muted small" }, "The token is kept in this browser's local storage for this address. Tip: open ",
        h("code", {}, `${location.origin}/#token=<token>`), " to sign in in one step.")));
  input.focus();
}

async function start() {
  if (!token.get()) return signIn();
  document.body.classList.remove("signed-out");
  replace($("#view"), h("p", { class: "muted" }, "Loading…"));
  let cursor;
  try {
    cursor = await state.load();
  } catch (err) {
    if (err.status === 401) return signIn("That token was not accepted. Check it and try again.");
    replace($("#view"), h("div", { class: "card" }, h("h1", {}, "Cannot reach the daemon"), h("p", {}, err.message),
      h("button", { onclick: start }, "Try again")));
    return;
  }
  live = new Live({ token: () => token.get(), apply: (env) => state.apply(env), resync: () => state.load(),
    topics: state.meta.default_topics });
  live.addEventListener("state", setIndicator);
  attachLive(live);
  attachIndicators(live);
  live.addEventListener("event", ({ detail }) => {
    if (["layer", "key", "hw"].includes(detail.event.split(".")[0])) monitorEvent(detail);
    if (detail.event === "device.updated" || detail.event === "profile.activated") state.refreshStatus().catch(() => {});
  });
  // a socket that keeps failing may mean the token changed: the REST API tells us
  live.addEventListener("failing", () => get("/health").then(() => get("/status")).catch(() => {}));
  setIndicator({ detail: { state: "connecting" } });
  live.start(cursor);
  render();
}

window.addEventListener("keyrx:unauthorized", () => live && signIn("The daemon no longer accepts the stored token. Paste the current one."));
window.addEventListener("hashchange", () => {
  if (takeTokenFromUrl()) { live?.stop(); live = null; start(); } // a token link opened in this tab
  else if (token.get() && live) render();
});
window.addEventListener("beforeunload", (e) => { if (editorIsDirty()) e.preventDefault(); });
state.addEventListener("change", onChange);
$("#signout").addEventListener("click", () => { token.clear(); signIn(); });

takeTokenFromUrl();
start();
