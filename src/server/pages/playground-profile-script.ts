/**
 * The playground script's profile panel: the functions that draw the active
 * customer's stage, consent, trust, purchase probability, interests, concerns
 * and the rest of the profile. They are spliced into the page script's scope
 * and use its helpers (`h`, `ui`, `active`, `stageChip`, `words`).
 * @module
 */

/** Browser JS (function declarations) spliced into `PLAYGROUND_SCRIPT`; no backticks or placeholders. */
export const PLAYGROUND_PROFILE_SCRIPT = String.raw`
  const SHOWN_PROFILE_KEYS = ["interests", "concerns", "trustLevel", "purchaseProbability", "recommendedApproach", "language", "timeZone", "lastProductId"];

  function renderProfile() {
    const s = active().server;
    if (s === null) {
      ui.profile.replaceChildren(h("p", { className: "profile-empty", text: "Send a message to see what Closer learns about this customer: stage, interests, concerns, trust and more." }));
      return;
    }
    const p = s.profile || {};
    const rows = [
      row("Stage", h("dd", { testid: "profile-stage", "data-stage": s.stage }, [stageChip(s.stage)])),
      pair(row("Opted out", h("dd", { className: s.optedOut ? "flag-yes" : "", testid: "profile-opted-out", text: s.optedOut ? "Yes" : "No" })),
        row("Handoff", h("dd", { text: s.handoff ? "Human" : "Bot" }))),
      row("Trust level", meterDd(p.trustLevel, 10, (v) => v + " / 10")),
      row("Purchase probability", meterDd(p.purchaseProbability, 1, (v) => Math.round(v * 100) + "%")),
      row("Recommended approach", h("dd", { text: p.recommendedApproach || "—" })),
      row("Interests", chipsDd(p.interests, "interest")),
      row("Concerns", chipsDd(p.concerns, "concern")),
      pair(row("Time zone", h("dd", { text: p.timeZone || "unknown" })), row("Language", h("dd", { text: p.language || "—" }))),
      row("Last product", h("dd", { className: "mono", text: p.lastProductId || "—" })),
    ];
    for (const [key, value] of Object.entries(p)) {
      if (SHOWN_PROFILE_KEYS.includes(key) || value === null || typeof value === "object") continue;
      rows.push(row(words(key), h("dd", { text: String(value) })));
    }
    rows.push(row("Customer id", h("dd", { className: "mono", text: s.id })));
    ui.profile.replaceChildren(h("dl", {}, rows));
  }

  function row(label, dd) { return h("div", { className: "row" }, [h("dt", { text: label }), dd]); }
  function pair(a, b) { return h("div", { className: "pair" }, [a, b]); }
  function meterDd(value, max, label) {
    if (typeof value !== "number") return h("dd", { text: "—" });
    const fill = h("div", { className: "fill" });
    fill.style.width = Math.max(0, Math.min(100, (value / max) * 100)) + "%";
    const bar = h("div", { className: "bar", role: "meter", "aria-valuemin": 0, "aria-valuemax": max, "aria-valuenow": value, "aria-valuetext": label(value) }, [fill]);
    return h("dd", {}, [h("span", { text: label(value) }), bar]);
  }
  function chipsDd(list, kind) {
    if (!Array.isArray(list) || list.length === 0) return h("dd", { className: "none", text: "none yet" });
    return h("dd", { className: "chips" }, list.map((x) => h("span", { className: "chip " + kind, text: x })));
  }
`;
