// What the daemon says is wrong (GET /api/status `problems`), each with the fix to run.

import { h } from "../dom.js";

const TITLES = { hardware: "Keyboards can't be remapped", store: "Storage", profile: "Profile" };

/** A card listing the problems of the given kinds (all when none given); null when there are none. */
export function problemsCard(problems, kinds = null) {
  const shown = (problems || []).filter((p) => !kinds || kinds.includes(p.kind));
  if (!shown.length) return null;
  return h("section", { class: "card problems-list", role: "alert" },
    h("h2", {}, "What to fix"),
    h("ul", {}, shown.map((p) => h("li", { class: `problem ${p.kind}`, dataset: { check: p.check || p.kind } },
      h("strong", {}, TITLES[p.kind] || p.kind), ": ", p.detail,
      p.fix ? h("div", {}, "Fix: ", h("code", { class: "mono fix" }, p.fix)) : null))));
}
