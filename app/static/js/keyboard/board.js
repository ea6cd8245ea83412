// The SVG keyboard: one <g data-key> per key with its cap label and a legend; arrow keys move
// between keys, Enter or Space opens the key.

const NS = "http://www.w3.org/2000/svg";
const U = 60; // pixels of the viewBox per key unit

export function svg(tag, attrs = {}, ...children) {
  const el = document.createElementNS(NS, tag);
  for (const [k, v] of Object.entries(attrs)) if (v !== undefined && v !== null && v !== false) el.setAttribute(k, v);
  for (const c of children.flat()) if (c !== null && c !== undefined) el.append(c);
  return el;
}

function fit(text, widthPx, base) {
  const need = Math.max(1, [...text].length) * base * 0.62;
  return Math.max(8, Math.min(base, (base * (widthPx - 8)) / need)).toFixed(1);
}

/**
 * Draw a keyboard.
 * @param {object} geo        a layout from geometry.js
 * @param {(key: string) => {cap: string, text: string, kind: string, inherited?: string, title: string, invalid?: boolean}} show
 * @param {object} [o]
 * @param {string} [o.focus]  the key that takes the tab stop
 * @param {(key: string) => void} [o.open]  a key was clicked or Enter was pressed on it
 * @param {boolean} [o.interactive]  false for a printed sheet
 */
export function drawBoard(geo, show, { focus, open, interactive = true } = {}) {
  const root = svg("svg", {
    viewBox: `0 0 ${geo.width * U} ${geo.height * U}`, class: "board", role: interactive ? "group" : "img",
    "aria-label": `${geo.name} keyboard`,
  });
  const first = focus && geo.keys.some((k) => k.key === focus) ? focus : geo.keys[0]?.key;
  for (const k of geo.keys) {
    const w = (k.w || 1) * U;
    const hgt = (k.h || 1) * U;
    const info = show(k.key);
    const classes = ["key", ...info.kind.split(" ").map((c) => `kind-${c}`)];
    if (info.inherited) classes.push("inherited");
    if (info.invalid) classes.push("invalid");
    const g = svg("g", {
      class: classes.join(" "), "data-key": k.key, "data-inherited": info.inherited,
      transform: `translate(${k.x * U} ${k.y * U})`,
      tabindex: interactive ? (k.key === first ? "0" : "-1") : null, role: interactive ? "button" : null,
      "aria-label": `${k.key}: ${info.title}`,
    },
    svg("title", {}, `${k.key}: ${info.title}`),
    svg("rect", { class: "cap", x: 2, y: 2, width: w - 4, height: hgt - 4, rx: 7 }),
    info.cap ? svg("text", { class: "cap-label", x: 8, y: 16, "font-size": hgt < U ? 9 : 11 }, info.cap) : null,
    info.text ? svg("text", {
      class: "legend", x: w / 2, y: hgt < U ? hgt / 2 + 9 : hgt / 2 + 10, "text-anchor": "middle",
      "font-size": fit(info.text, w, hgt < U ? 12 : 16),
    }, info.text) : null);
    root.append(g);
  }
  if (interactive) {
    root.addEventListener("click", (e) => {
      const g = e.target.closest("g[data-key]");
      if (g) { focusKey(root, g.dataset.key); open?.(g.dataset.key); }
    });
    root.addEventListener("keydown", (e) => onKey(e, geo, root, open));
  }
  return root;
}

export function focusKey(root, key) {
  const target = root.querySelector(`g[data-key="${CSS.escape(key)}"]`);
  if (!target) return;
  root.querySelectorAll('g[tabindex="0"]').forEach((g) => g.setAttribute("tabindex", "-1"));
  target.setAttribute("tabindex", "0");
  target.focus();
}

const DIRS = { ArrowLeft: [-1, 0], ArrowRight: [1, 0], ArrowUp: [0, -1], ArrowDown: [0, 1] };

/** The key nearest to `from` in a direction: mostly along it, a little across. */
export function neighbour(geo, from, [dx, dy]) {
  const centre = (k) => [k.x + (k.w || 1) / 2, k.y + (k.h || 1) / 2];
  const here = geo.keys.find((k) => k.key === from);
  if (!here) return null;
  const [x0, y0] = centre(here);
  let best = null;
  let bestScore = Infinity;
  for (const k of geo.keys) {
    if (k === here) continue;
    const [x, y] = centre(k);
    const along = (x - x0) * dx + (y - y0) * dy;
    if (along <= 0.1) continue;
    const across = Math.abs((x - x0) * dy + (y - y0) * dx);
    const score = along + across * 3;
    if (score < bestScore) { bestScore = score; best = k.key; }
  }
  return best;
}

function onKey(e, geo, root, open) {
  const g = e.target.closest?.("g[data-key]");
  if (!g) return;
  if (DIRS[e.key]) {
    e.preventDefault();
    const next = neighbour(geo, g.dataset.key, DIRS[e.key]);
    if (next) focusKey(root, next);
  } else if (e.key === "Enter" || e.key === " ") {
    e.preventDefault();
    open?.(g.dataset.key);
  }
}
