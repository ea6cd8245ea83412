// "Show presses": while on, the page takes the opt-in `key` topic and lights each key pressed,
// by its input (physical) key; keys seen since switching on stay marked.

let live = null;
let on = false;
const seen = new Set();

/** Hand over the live connection (once it exists). */
export function attachLive(connection) {
  live = connection;
  live.addEventListener("event", ({ detail }) => { if (on && detail.event === "key") light(detail.data); });
  if (on) live.wantKeys(true);
}

export function pressesOn() {
  return on;
}

/** Switch on or off; `tell` false leaves the subscription to the router (the page is changing). */
export function setPresses(value, tell = true) {
  on = value;
  seen.clear();
  if (tell) live?.wantKeys(on);
  if (!on) document.querySelectorAll(".kb-view g.pressed, .kb-view g.seen").forEach((g) => g.classList.remove("pressed", "seen"));
}

function light(data) {
  const key = data?.input?.key;
  if (!key) return;
  const g = document.querySelector(`.kb-view svg.board g[data-key="${CSS.escape(key)}"]`);
  const down = data.input.action !== "release";
  if (down) seen.add(key);
  if (!g) return;
  g.classList.toggle("pressed", down);
  g.classList.add("seen");
}

/** Mark again the keys seen so far (after the board was drawn anew). */
export function remark(root) {
  for (const key of seen) root.querySelector(`g[data-key="${CSS.escape(key)}"]`)?.classList.add("seen");
}
