import { describe, expect, it } from "vitest";
import { nextActions, type WeeklyReport } from "../../src/analytics/index.js";
import { fullReport, m } from "./report-fixture.js";

const summary = (report: WeeklyReport) => nextActions(report).map((a) => [a.kind, a.stage, a.arm]);

describe("what to do next", () => {
  it("should list, in order, the promotion, the SRM alarm, the arm near its verdict, the weak arm, the falling stage and the missed service targets", () => {
    expect(summary(fullReport())).toEqual([
      ["promote", "first_contact", "question-led@2"],
      ["srm_alarm", "building_trust", null],
      ["near_verdict", "building_trust", "patient-answers@1"],
      ["retire", "building_trust", "story-telling@1"],
      ["falling_conversion", "intent", null],
      ["send_failures", null, null],
      ["slow_replies", null, null],
      ["low_automation", null, null],
    ]);
  });

  it("should say each step with the numbers behind it", () => {
    const texts = nextActions(fullReport()).map((a) => a.text);
    expect(texts).toContain("Promote question-led@2 in first_contact: it won its experiment (chance it is best 97%).");
    expect(texts).toContain(
      "Retire story-telling@1 in building_trust: after 90 decisions its chance of being best is 1%.",
    );
    expect(texts).toContain("Conversion in intent fell from 60% to 36%: read this week's lost conversations there.");
    expect(texts).toContain("Replies took up to 41 s (p95; target under 30 s): check the LLM and the pacing.");
  });

  it("should not ask to promote a winner that is already the champion", () => {
    const report = fullReport();
    report.experiments.stages[0]!.champion = "question-led@2";
    expect(summary(report).map(([kind]) => kind)).not.toContain("promote");
  });

  it("should not retire an arm before it has enough decisions, nor the only arm in rotation", () => {
    const report = fullReport();
    report.experiments.stages[1]!.arms[2]!.decisions = 29;
    const intent = report.experiments.stages[2]!;
    intent.arms[0]!.pBest = 0.01;
    intent.arms[0]!.decisions = 500;
    expect(summary(report).filter(([kind]) => kind === "retire")).toEqual([]);
  });

  it("should not flag a conversion drop on a handful of customers, nor a drop under 10 points", () => {
    const few = fullReport();
    few.funnel.stages[2]!.entered = m(9, 100);
    expect(summary(few).map(([kind]) => kind)).not.toContain("falling_conversion");
    const small = fullReport();
    small.funnel.stages[2]!.conversion = m(0.51, 0.6);
    expect(summary(small).map(([kind]) => kind)).not.toContain("falling_conversion");
  });

  it("should stay quiet about service figures that meet the targets or have no data", () => {
    const report = fullReport();
    report.service.sendSuccessRate = m(0.95, 0.9);
    report.service.replyLatencyP95Seconds = m(30, 12);
    report.service.automationRate = m(null, 0.2);
    expect(summary(report).map(([kind]) => kind)).not.toContain("send_failures");
    expect(summary(report).map(([kind]) => kind)).not.toContain("slow_replies");
    expect(summary(report).map(([kind]) => kind)).not.toContain("low_automation");
  });
});
