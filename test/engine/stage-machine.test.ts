import { describe, expect, it } from "vitest";
import { END_STAGES, nextStage, type StageRule, stageIndex } from "../../src/engine/stage-machine.js";

/** A stage whose signals are the given words. */
function stage(id: string, ...words: string[]): StageRule {
  const pattern = words.length === 0 ? /$^/ : new RegExp(`\\b(${words.join("|")})\\b`, "i");
  return { id, signals: { matches: (text) => pattern.test(text) } };
}

const FUNNEL: readonly StageRule[] = [
  stage("first_contact", "hello"),
  stage("building_trust", "warranty", "reviews"),
  stage("intent", "price", "how much"),
  stage("closing", "buy", "order"),
];

describe("nextStage", () => {
  describe("for a new customer", () => {
    it("should start at the first stage when the message shows no later signal", () => {
      expect(nextStage(null, "hello there", FUNNEL)).toEqual({
        stage: "first_contact",
        newJourney: false,
        entered: true,
        skipped: [],
      });
    });

    it("should go straight to the furthest stage the first message shows, listing the stages passed over", () => {
      expect(nextStage(null, "hi, how much is it? I want to buy", FUNNEL)).toEqual({
        stage: "closing",
        newJourney: false,
        entered: true,
        skipped: ["first_contact", "building_trust", "intent"],
      });
    });
  });

  describe("for a customer in the funnel", () => {
    it("should stay in the current stage without entering it again when nothing later matches", () => {
      expect(nextStage("building_trust", "does it have a warranty?", FUNNEL)).toEqual({
        stage: "building_trust",
        newJourney: false,
        entered: false,
        skipped: [],
      });
    });

    it("should move to the next stage when its signals match", () => {
      expect(nextStage("building_trust", "what's the price?", FUNNEL)).toEqual({
        stage: "intent",
        newJourney: false,
        entered: true,
        skipped: [],
      });
    });

    it("should move to the furthest matching later stage and list the ones skipped", () => {
      expect(nextStage("first_contact", "reviews look good, what's the price, can I order?", FUNNEL)).toEqual({
        stage: "closing",
        newJourney: false,
        entered: true,
        skipped: ["building_trust", "intent"],
      });
    });

    it("should never move back to an earlier stage", () => {
      expect(nextStage("closing", "hello, is there a warranty? what's the price?", FUNNEL)).toEqual({
        stage: "closing",
        newJourney: false,
        entered: false,
        skipped: [],
      });
    });

    it("should stay in the last active stage", () => {
      expect(nextStage("closing", "I want to buy", FUNNEL).stage).toBe("closing");
    });
  });

  describe("after an end state", () => {
    it.each(END_STAGES.map((end) => ({ end })))(
      "should start a new journey at the first stage when a $end customer writes again",
      ({ end }) => {
        expect(nextStage(end, "hello again", FUNNEL)).toEqual({
          stage: "first_contact",
          newJourney: true,
          entered: true,
          skipped: [],
        });
      },
    );

    it("should classify the message from the first stage of the new journey", () => {
      expect(nextStage("lost", "how much is the kettle now?", FUNNEL)).toEqual({
        stage: "intent",
        newJourney: true,
        entered: true,
        skipped: ["first_contact", "building_trust"],
      });
    });
  });

  it("should never put a customer into won from text", () => {
    expect(nextStage("closing", "won won won, I bought it", FUNNEL).stage).toBe("closing");
  });

  it("should refuse a funnel with no active stages", () => {
    expect(() => nextStage(null, "hi", [])).toThrow(/no active stages/);
  });
});

describe("stageIndex", () => {
  it("should give active stages their funnel position and end states the position after them", () => {
    expect(FUNNEL.map((s) => stageIndex(s.id, FUNNEL))).toEqual([0, 1, 2, 3]);
    expect(stageIndex("won", FUNNEL)).toBe(4);
    expect(stageIndex("lost", FUNNEL)).toBe(4);
  });

  it("should give an unknown stage -1", () => {
    expect(stageIndex("retired_stage", FUNNEL)).toBe(-1);
  });
});
