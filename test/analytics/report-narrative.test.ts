import { describe, expect, it } from "vitest";
import { type NarrativeLlm, numbersNotIn, writeNarrative } from "../../src/analytics/index.js";
import { fullReport } from "./report-fixture.js";

/** A fake LLM that answers `summary` (or throws `error`) and records the request. */
function fakeLlm(answer: { summary?: string; error?: Error }) {
  const requests: unknown[] = [];
  const llm: NarrativeLlm = {
    async completeJson(request) {
      requests.push(request);
      if (answer.error) throw answer.error;
      return request.schema.parse({ summary: answer.summary });
    },
  };
  return { llm, requests };
}

describe("the report's narrative", () => {
  it("should keep a summary whose every number is in the report (as is, rounded, or a rate as a percentage)", async () => {
    const { llm, requests } = fakeLlm({
      summary:
        "22 customers were won for 2,640.50 EUR, against 30 the week before. First contact converts 75% and question-led@2 is best with 97%. Only 91% of messages were sent (target 95%).",
    });
    const report = fullReport();
    const narrative = await writeNarrative(llm, report, []);
    expect(narrative).toEqual({ status: "written", text: expect.stringContaining("22 customers"), reason: null });
    expect(JSON.stringify(requests[0])).toContain("question-led@2");
  });

  it("should drop a summary that names a number the report does not hold, and say which", async () => {
    const { llm } = fakeLlm({ summary: "Revenue grew 43.7% to 2,640.50 EUR with 231 customers won." });
    const narrative = await writeNarrative(llm, fullReport(), []);
    expect(narrative.status).toBe("dropped");
    expect(narrative.text).toBeNull();
    expect(narrative.reason).toBe("the summary named numbers the report does not hold: 43.7, 231");
  });

  it("should record a failed LLM call and never throw", async () => {
    const { llm } = fakeLlm({ error: new Error("llm_timeout: no answer in 20000 ms") });
    expect(await writeNarrative(llm, fullReport(), [])).toEqual({
      status: "failed",
      text: null,
      reason: "llm_timeout: no answer in 20000 ms",
    });
  });

  it("should be not_configured without an LLM", async () => {
    expect((await writeNarrative(undefined, fullReport(), [])).status).toBe("not_configured");
  });

  it.each([
    ["a count", "12 won", { n: 12 }, []],
    ["a rate as a percentage", "25% converted", { r: 0.25 }, []],
    ["a rate rounded to one decimal", "33.3%", { r: 1 / 3 }, []],
    ["thousands with a comma", "1,900 sent", { n: 1900 }, []],
    ["a date from a string", "week of 2026-11-16", { w: "2026-11-16T00:00:00Z" }, []],
    ["an invented figure", "up 40%", { r: 0.25 }, ["40"]],
  ])("numbersNotIn: %s", (_name, text, source, unknown) => {
    expect(numbersNotIn(text, source)).toEqual(unknown);
  });
});
