import { describe, expect, it } from "vitest";
import { MarketState, planMarket } from "../../src/sim/market.js";
import { scenario } from "./sim-fixtures.js";

const S = scenario({
  name: "m",
  customers: 100,
  stages: [
    {
      stage: "intent",
      window_hours: 10,
      delay_hours: { median: 2, sigma: 0.5 },
      arms: [
        { variant: "a", p: 0.3 },
        { variant: "b", p: 0.2 },
      ],
    },
  ],
  new_arms: [
    { at_customer: 50, stage: "intent", variant: "late", p: 0.1 },
    { at_customer: 20, stage: "intent", variant: "early", p: 0.25 },
  ],
  changes: [
    { at_customer: 60, stage: "intent", variant: "late", p: 0.4 },
    { at_customer: 30, stage: "intent", variant: "a", p: 0.05 },
  ],
});

describe("planMarket", () => {
  it("should list initial arms first, then new arms in order of arrival, with windows in milliseconds", () => {
    const [stage] = planMarket(S).stages;
    expect(stage).toMatchObject({
      arms: ["a", "b", "early", "late"],
      availableFrom: [0, 0, 20, 50],
      startP: [0.3, 0.2, 0.25, 0.1],
      windowMs: 36_000_000,
      delaySigma: 0.5,
    });
    expect(stage!.delayMu).toBeCloseTo(Math.log(2), 12);
  });
});

describe("MarketState", () => {
  it.each([
    [0, 2, [0.3, 0.2], 0.3],
    [19, 2, [0.3, 0.2], 0.3],
    [20, 3, [0.3, 0.2, 0.25], 0.3],
    [30, 3, [0.05, 0.2, 0.25], 0.25],
    [50, 4, [0.05, 0.2, 0.25, 0.1], 0.25],
    [60, 4, [0.05, 0.2, 0.25, 0.4], 0.4],
  ])("should stand, once customer %i arrived, at %i arms with p %j and best %d", (customer, arms, ps, best) => {
    const market = new MarketState(planMarket(S));
    market.advanceTo(customer);
    expect(market.available(0)).toBe(arms);
    expect(market.probabilities(0)).toEqual(ps);
    expect(market.best(0)).toBe(best);
  });

  it("should say whether it moved and bump its version only then", () => {
    const market = new MarketState(planMarket(S));
    const start = market.version;
    expect(market.advanceTo(10)).toBe(false);
    expect(market.version).toBe(start);
    expect(market.advanceTo(20)).toBe(true);
    expect(market.version).toBe(start + 1);
  });
});
