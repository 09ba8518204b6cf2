/**
 * "What to do next": a short list computed from the report's numbers by fixed
 * rules, so the same figures always give the same advice. Pure.
 *
 * Rules, in order: promote a stage's winner that is not its champion; look at a
 * stage whose SRM alarm froze its weights; retire an arm whose chance of being
 * best has fallen below {@link RETIRE_BELOW_P_BEST} after enough decisions; name
 * an arm near its verdict; flag a stage whose conversion fell by
 * {@link FALLING_CONVERSION_POINTS} or more on enough customers; and the service
 * targets the plan sets (sends, reply time, automation).
 * @module
 */
import { SERVICE_TARGETS } from "./service-section.js";
import type { NextAction, WeeklyReport } from "./weekly-report-schema.js";

/** An arm in rotation whose P(best) is below this, with enough decisions, is worth retiring. */
export const RETIRE_BELOW_P_BEST = 0.02;
/** Matured decisions an arm needs before the retire rule looks at it. */
export const RETIRE_MIN_DECISIONS = 30;
/** An arm at or above this P(best), in a stage without a winner yet, is near its verdict. */
export const NEAR_VERDICT_P_BEST = 0.9;
/** A stage conversion that fell by this much (0.1 = 10 points) week on week is flagged. */
export const FALLING_CONVERSION_POINTS = 0.1;
/** Customers a stage needs in both weeks before its conversion change means anything. */
export const FALLING_CONVERSION_MIN_ENTERED = 10;

/** The report without the parts computed from it. */
export type ReportFigures = Omit<WeeklyReport, "nextActions" | "narrative">;

/** Computes the next steps from the figures. */
export function nextActions(report: ReportFigures): NextAction[] {
  const out: NextAction[] = [];
  for (const stage of report.experiments.stages) out.push(...experimentActions(stage));
  for (const stage of report.funnel.stages) {
    const { conversion, entered } = stage;
    if (
      conversion.delta !== null &&
      conversion.delta <= -FALLING_CONVERSION_POINTS &&
      (entered.value ?? 0) >= FALLING_CONVERSION_MIN_ENTERED &&
      (entered.previous ?? 0) >= FALLING_CONVERSION_MIN_ENTERED
    ) {
      out.push({
        kind: "falling_conversion",
        stage: stage.stage,
        arm: null,
        text: `Conversion in ${stage.stage} fell from ${pct(conversion.previous)} to ${pct(conversion.value)}: read this week's lost conversations there.`,
      });
    }
  }
  out.push(...serviceActions(report.service));
  return out;
}

function experimentActions(stage: ReportFigures["experiments"]["stages"][number]): NextAction[] {
  const out: NextAction[] = [];
  const at = stage.stage;
  if (stage.verdict === "winner" && stage.winner !== null && stage.winner !== stage.champion) {
    const p = stage.arms.find((a) => a.arm === stage.winner)?.pBest ?? null;
    out.push({
      kind: "promote",
      stage: at,
      arm: stage.winner,
      text: `Promote ${stage.winner} in ${at}: it won its experiment (chance it is best ${pct(p)}).`,
    });
  }
  if (stage.srm.alarm) {
    out.push({
      kind: "srm_alarm",
      stage: at,
      arm: null,
      text: `The traffic split in ${at} is off (SRM alarm): its weights are frozen until you find the cause and acknowledge it.`,
    });
  }
  const rotating = stage.arms.filter((a) => a.pBest !== null);
  if (rotating.length < 2) return out;
  for (const arm of rotating) {
    const p = arm.pBest ?? 0;
    if (p < RETIRE_BELOW_P_BEST && arm.decisions >= RETIRE_MIN_DECISIONS && arm.arm !== stage.winner) {
      out.push({
        kind: "retire",
        stage: at,
        arm: arm.arm,
        text: `Retire ${arm.arm} in ${at}: after ${arm.decisions} decisions its chance of being best is ${pct(p)}.`,
      });
    } else if (p >= NEAR_VERDICT_P_BEST && stage.verdict !== "winner") {
      out.push({
        kind: "near_verdict",
        stage: at,
        arm: arm.arm,
        text: `${arm.arm} in ${at} is near its verdict (chance it is best ${pct(p)}, ${arm.decisions} decisions).`,
      });
    }
  }
  return out;
}

function serviceActions(service: ReportFigures["service"]): NextAction[] {
  const out: NextAction[] = [];
  const send = service.sendSuccessRate.value;
  if (send !== null && send < SERVICE_TARGETS.sendSuccessRate) {
    out.push({
      kind: "send_failures",
      stage: null,
      arm: null,
      text: `Only ${pct(send)} of messages were sent (target above ${pct(SERVICE_TARGETS.sendSuccessRate)}): check the gateway.`,
    });
  }
  const p95 = service.replyLatencyP95Seconds.value;
  if (p95 !== null && p95 > SERVICE_TARGETS.replyLatencySeconds) {
    out.push({
      kind: "slow_replies",
      stage: null,
      arm: null,
      text: `Replies took up to ${Math.round(p95)} s (p95; target under ${SERVICE_TARGETS.replyLatencySeconds} s): check the LLM and the pacing.`,
    });
  }
  const automation = service.automationRate.value;
  if (automation !== null && automation < SERVICE_TARGETS.automationRate) {
    out.push({
      kind: "low_automation",
      stage: null,
      arm: null,
      text: `People took over ${pct(1 - automation)} of conversations (automation ${pct(automation)}, target above ${pct(SERVICE_TARGETS.automationRate)}): read why.`,
    });
  }
  return out;
}

/** A rate as a whole percentage, or "–" when unknown. */
function pct(value: number | null): string {
  return value === null ? "–" : `${Math.round(value * 100)}%`;
}
