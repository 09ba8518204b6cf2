import { describe, expect, it } from "vitest";
import { parse } from "yaml";
import { funnelFileSchema } from "../../src/strategies/funnel-schema.js";
import { allStageIds, END_STAGES } from "../../src/strategies/index.js";
import { readFunnelFile } from "../../src/strategies/playbook-files.js";
import { DEFAULT_LEARNING } from "./playbook-fixtures.js";

const INTENTS = `intents:
  greeting: [hi]
  price_question: [price]
  shipping_question: [shipping]
  quality_concern: [quality]
  objection: [expensive]
  order_question: [order]
`;

const FUNNEL = `stages:
  - id: first_contact
    goal: Say hello.
    window_hours: 48
    signals: [hi]
  - id: closing
    goal: Close.
    window_hours: 96
    prior: { alpha: 2, beta: 8 }
    signals: [buy, /i'?ll take (it|one)/]
    experiment:
      floor: 0.05
${INTENTS}`;

describe("funnelFileSchema", () => {
  it("should apply defaults and merge a stage's experiment overrides onto the funnel's", () => {
    const funnel = funnelFileSchema.parse(parse(FUNNEL));
    const [first, closing] = funnel.stages;
    expect(first?.prior).toEqual({ alpha: 1, beta: 1 });
    expect(first?.experiment).toEqual(funnel.experiment);
    expect(closing?.prior).toEqual({ alpha: 2, beta: 8 });
    expect(closing?.experiment).toEqual({ ...funnel.experiment, floor: 0.05 });
    expect(funnel.experiment).toEqual({
      minDecisions: 100,
      minSuccesses: 40,
      minDays: 14,
      floor: 0.01,
      burnIn: 20,
      draws: 10000,
      discountPerWeek: null,
      candidateCap: 0.1,
      maxArms: 6,
      learning: DEFAULT_LEARNING,
    });
    expect(funnel.concerns).toEqual({});
  });

  it("should set the learning settings per stage, keeping the funnel's other values", () => {
    const text = FUNNEL.replace(
      "      floor: 0.05",
      "      floor: 0.05\n      pending_outcomes: false\n      change_detection: true\n      change_pre_weight: 0",
    );
    const funnel = funnelFileSchema.parse(parse(text));
    expect(funnel.stages[0]?.experiment.learning.pendingOutcomes).toBe(true);
    expect(funnel.stages[1]?.experiment.learning).toEqual({
      pendingOutcomes: false,
      changeDetection: true,
      changeFalseAlarmRate: 0.01,
      changePreWeight: 0,
      changeHorizon: 0.5,
      newcomerPrior: false,
      newcomerPriorStrength: 4,
    });
  });

  it("should compile the signals of stages, intents and concerns once", () => {
    const funnel = funnelFileSchema.parse(parse(`${FUNNEL}concerns:\n  price: [expensive, too much]\n`));
    expect(funnel.stages[1]?.matcher.matches("OK I'll take one")).toBe(true);
    expect(funnel.intentMatchers["price_question"]?.matches("what's the price?")).toBe(true);
    expect(funnel.concernMatchers["price"]?.matchesWhich("way too much")).toEqual(["too much"]);
  });

  it("should keep won and lost as implicit end states after the active stages", () => {
    const funnel = funnelFileSchema.parse(parse(FUNNEL));
    expect(allStageIds(funnel)).toEqual(["first_contact", "closing", ...END_STAGES]);
    const listed = funnelFileSchema.safeParse(parse(FUNNEL.replace("id: closing", "id: won")));
    expect(listed.success).toBe(false);
  });

  it("should accept extra intents beyond the required ones", () => {
    const funnel = funnelFileSchema.parse(parse(`${FUNNEL}  warranty_question: [warranty]\n`));
    expect(Object.keys(funnel.intents)).toContain("warranty_question");
  });
});

describe("readFunnelFile", () => {
  it("should report a missing required intent at the intents map", () => {
    const text = FUNNEL.replace("  objection: [expensive]\n", "");
    const { problems } = readFunnelFile("funnel.yaml", text);
    expect(problems).toContainEqual(
      expect.objectContaining({
        line: text.split("\n").indexOf("intents:") + 1,
        message: "missing key `objection` in intents",
      }),
    );
  });

  it("should report a duplicate stage id at the second one", () => {
    const text = FUNNEL.replace("id: closing", "id: first_contact");
    const { problems, value } = readFunnelFile("funnel.yaml", text);
    expect(value).toBeNull();
    expect(problems).toEqual([
      expect.objectContaining({ line: 6, column: 9, message: "duplicate stage id `first_contact` (first at line 2)" }),
    ]);
  });

  it("should report a bad window and a bad floor with their paths", () => {
    const text = FUNNEL.replace("window_hours: 48", "window_hours: -1").replace("floor: 0.05", "floor: 0.9");
    const messages = readFunnelFile("funnel.yaml", text).problems.map(
      (problem) => `${problem.line}:${problem.message}`,
    );
    expect(messages).toEqual([
      expect.stringMatching(/^4:stages\[0\]\.window_hours: Too small/),
      expect.stringMatching(/^12:stages\[1\]\.experiment\.floor: Too big/),
    ]);
  });

  it("should report a change pre-weight above 1 with its path", () => {
    const text = FUNNEL.replace("floor: 0.05", "change_pre_weight: 1.5");
    const messages = readFunnelFile("funnel.yaml", text).problems.map(
      (problem) => `${problem.line}:${problem.message}`,
    );
    expect(messages).toEqual([expect.stringMatching(/^12:stages\[1\]\.experiment\.change_pre_weight: Too big/)]);
  });
});
