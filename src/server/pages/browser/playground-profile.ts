/**
 * The playground's profile panel: the active customer's stage, consent, who
 * answers, trust, chance to buy, interests, concerns and the rest of the
 * profile, in the shop owner's words with the engine's names on hover.
 * @module
 */
import { h } from "./dom.js";
import type { ServerCustomer } from "./playground-model.js";

/** Profile keys drawn with their own row; any other scalar key gets a generic row. */
const SHOWN_PROFILE_KEYS = [
  "interests",
  "concerns",
  "trustLevel",
  "purchaseProbability",
  "recommendedApproach",
  "language",
  "timeZone",
  "lastProductId",
];

/** The panel's content for a customer (null before their first message). */
export function profileNodes(s: ServerCustomer | null): HTMLElement {
  if (s === null) {
    return h("p", {
      className: "profile-empty",
      text: "Send a message to see what Closer learns about this customer: stage, interests, concerns, trust and more.",
    });
  }
  const p = s.profile ?? {};
  const rows = [
    row("Stage", h("dd", { testid: "profile-stage", "data-stage": s.stage }, [stageChip(s.stage)])),
    pair(
      row(
        "Opted out",
        h("dd", {
          className: s.optedOut ? "flag-yes" : "",
          testid: "profile-opted-out",
          text: s.optedOut ? "Yes" : "No",
        }),
      ),
      row("Who answers", h("dd", { title: "handoff", text: s.handoff ? "A person" : "The bot" })),
    ),
    row(
      "Trust level",
      meterDd(p["trustLevel"], 10, (v) => `${v} / 10`),
      "trustLevel",
    ),
    row(
      "Chance to buy",
      meterDd(p["purchaseProbability"], 1, (v) => `${Math.round(v * 100)}%`),
      "purchaseProbability",
    ),
    row("Recommended approach", h("dd", { text: String(p["recommendedApproach"] ?? "—") })),
    row("Interests", chipsDd(p["interests"], "interest")),
    row("Concerns", chipsDd(p["concerns"], "concern")),
    pair(
      row("Time zone", h("dd", { text: String(p["timeZone"] ?? "unknown") })),
      row("Language", h("dd", { text: String(p["language"] ?? "—") })),
    ),
    row("Last product", h("dd", { className: "mono", text: String(p["lastProductId"] ?? "—") })),
  ];
  for (const [key, value] of Object.entries(p)) {
    if (SHOWN_PROFILE_KEYS.includes(key) || value === null || typeof value === "object") continue;
    rows.push(row(words(key), h("dd", { text: String(value) }), key));
  }
  rows.push(row("Customer id", h("dd", { className: "mono", text: s.id })));
  return h("dl", {}, rows);
}

/** A stage as a coloured chip: `building trust`. */
export function stageChip(stage: string | null | undefined): HTMLElement {
  const chip = h("span", { className: "stage-chip", text: String(stage || "unknown").replace(/_/g, " ") });
  if (stage && /^[a-z_]+$/.test(stage)) chip.classList.add(stage);
  return chip;
}

function row(label: string, dd: HTMLElement, technical?: string): HTMLElement {
  return h("div", { className: "row" }, [h("dt", { text: label, title: technical }), dd]);
}
function pair(a: HTMLElement, b: HTMLElement): HTMLElement {
  return h("div", { className: "pair" }, [a, b]);
}
function meterDd(value: unknown, max: number, label: (v: number) => string): HTMLElement {
  if (typeof value !== "number") return h("dd", { text: "—" });
  const fill = h("div", { className: "fill" });
  fill.style.width = `${Math.max(0, Math.min(100, (value / max) * 100))}%`;
  const bar = h(
    "div",
    {
      className: "bar",
      role: "meter",
      "aria-valuemin": 0,
      "aria-valuemax": max,
      "aria-valuenow": value,
      "aria-valuetext": label(value),
    },
    [fill],
  );
  return h("dd", {}, [h("span", { text: label(value) }), bar]);
}
function chipsDd(list: unknown, kind: string): HTMLElement {
  if (!Array.isArray(list) || list.length === 0) return h("dd", { className: "none", text: "none yet" });
  return h(
    "dd",
    { className: "chips" },
    list.map((x) => h("span", { className: `chip ${kind}`, text: String(x) })),
  );
}
function words(key: string): string {
  return key.replace(/([a-z])([A-Z])/g, "$1 $2").replace(/^./, (x) => x.toUpperCase());
}
