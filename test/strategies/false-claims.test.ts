import { resolve } from "node:path";
import { beforeAll, describe, expect, it } from "vitest";
import {
  checkClaims,
  checkGuardrails,
  loadPlaybookSet,
  nodeFileReader,
  type PlaybookSet,
  unbackedFigures,
} from "../../src/strategies/index.js";
import { FALSE_CLAIMS, HONEST_LINES } from "../support/false-claims.js";

const PLAYBOOKS = resolve(import.meta.dirname, "../../playbooks");
/** 2026-12-03: both example offers run for weeks; the Dutch oven has 4 in stock. */
const NOW = Date.UTC(2026, 11, 3, 12);

describe("every false claim of issue 12, against the example catalog and an intent variant", () => {
  let set: PlaybookSet;
  beforeAll(async () => {
    const loaded = await loadPlaybookSet(PLAYBOOKS, nodeFileReader);
    if (!loaded.ok) throw new Error(JSON.stringify(loaded.problems));
    set = loaded.set;
  });

  const problems = (text: string) => {
    const variant = set.variants.find((v) => v.id === "straight-price");
    if (variant === undefined) throw new Error("no straight-price variant");
    return [
      ...checkClaims(text, set.catalog, NOW, { product: "dutch-oven" }).map((v) => v.kind),
      ...checkGuardrails(text, variant).map((v) => v.kind),
    ];
  };

  it("has at least 50 of them", () => {
    expect(FALSE_CLAIMS.length).toBeGreaterThanOrEqual(50);
  });

  it.each(FALSE_CLAIMS.map((c) => [c]))("blocks %j", (claim) => {
    expect(problems(claim)).not.toEqual([]);
  });

  it.each(HONEST_LINES.map((c) => [c]))("lets %j through", (line) => {
    expect(problems(line)).toEqual([]);
  });

  it("lets the catalog's own figures through, however they are written", () => {
    for (const line of [
      "The Dutch oven is $129.00, now $109.65 with the winter sale.",
      "It's one hundred twenty-nine dollars.",
      "15% off the Dutch oven until the end of January.",
      "Shipping is $6.95, free with orders over $75.",
      "We have only 4 left.",
      "Free shipping over $75.",
      "Serves 4 to 6, oven-safe, 16 x 12 inches.",
    ]) {
      expect(problems(line), line).toEqual([]);
    }
  });
});

describe("figures an LLM reply states that its draft and facts do not", () => {
  const sources = [
    "The Dutch oven is $129.00 and 15% off right now.",
    "Offer: 10% off every product, valid until 2027-03-31.",
  ];

  it("finds each price, percentage and deadline not in the sources", () => {
    expect(unbackedFigures("It's $129 and 15% off.", sources)).toEqual([]);
    expect(unbackedFigures("It's one hundred twenty-nine dollars, 10 percent off.", sources)).toEqual([]);
    expect(unbackedFigures("It's $49.", sources).map((f) => f.kind)).toEqual(["money"]);
    expect(unbackedFigures("100% cotton", sources).map((f) => f.kind)).toEqual(["percent"]);
    expect(unbackedFigures("half off", sources).map((f) => f.kind)).toEqual(["percent"]);
    expect(unbackedFigures("The offer ends in 2 hours.", sources).map((f) => f.kind)).toEqual(["deadline"]);
    expect(unbackedFigures("What will you cook in it?", sources)).toEqual([]);
  });
});
