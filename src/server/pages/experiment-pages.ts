/**
 * The experiments page: per stage the verdict, every strategy's evidence, and
 * the operator's decisions (promote, retire, acknowledge an SRM alarm), each
 * with a reason, through the same service calls as the admin API.
 * @module
 */
import type { FastifyInstance } from "fastify";
import { z } from "zod";
import {
  type ArmReport,
  armIntervalsSpec,
  buildExperimentReportWithNotes,
  renderChartSvg,
  type StageReport,
} from "../../analytics/index.js";
import { isCloserError } from "../../errors.js";
import { type StageSettings, stageArmTallies } from "../../experiments/index.js";
import type { AppContext } from "../app-context.js";
import { csrfFor, sendPage } from "./dashboard-reply.js";
import { DASHBOARD_PATH } from "./dashboard-session.js";
import { withoutInlineStyles } from "./dashboard-view.js";
import { renderExperiments, renderPromoteConfirmation } from "./experiment-templates.js";

/** Who the audit log names for dashboard decisions. */
const ACTOR = "dashboard";

const NOTICES: Record<string, string> = {
  promoted: "Promoted. The shares of new customers are recomputed.",
  "promoted-forced":
    "Promoted on the evidence there was (recorded in the audit log). The shares of new customers are recomputed.",
  retired: "Retired. It gets no new customers; its statistics stay.",
  "srm-acknowledged": "Acknowledged. Reweighting runs again.",
};

/** The owner's word for each arm status. */
const ROLES: Record<ArmReport["status"], string> = {
  champion: "default",
  active: "competing",
  candidate: "on trial",
  proposed: "waiting for review",
  retired: "retired",
};

/** The owner's words for each verdict. */
function verdictText(report: StageReport): string {
  if (report.verdict === "winner") return `${report.winner} is the best`;
  if (report.verdict === "no_winner_yet") return "no clear winner yet";
  return "still collecting evidence";
}

/** What a promotion while collecting rests on, in the owner's words. */
function evidenceWarning(report: StageReport, settings: StageSettings): string {
  const rotating = report.arms.filter((a) => a.status !== "retired");
  const judged = rotating.reduce((sum, a) => sum + a.decisions, 0);
  const moved = rotating.reduce((sum, a) => sum + a.successes, 0);
  const thinnest = Math.min(...rotating.map((a) => a.decisions));
  return (
    `Still collecting evidence: ${judged} customer${judged === 1 ? "" : "s"} judged so far (${moved} moved on), ` +
    `the thinnest strategy has ${thinnest}; a verdict needs ${settings.minDecisions} per strategy, ` +
    `${settings.minSuccesses} successes each and ${settings.minDays} days. Promoting now rests on that evidence only.`
  );
}

/** Every arm's success rate with its 95% interval and chance of being best, drawn on the server as SVG. */
async function intervalChart(stage: StageReport, earlyWins: ReadonlyMap<string, number>): Promise<string> {
  const svg = await renderChartSvg(
    armIntervalsSpec({
      stage: stage.stage,
      verdict: stage.verdict,
      winner: stage.winner,
      champion: stage.arms.filter((a) => a.status === "champion").map((a) => `${a.variant}@${a.version}`)[0] ?? null,
      srm: stage.srm,
      arms: stage.arms.map((a) => ({
        arm: `${a.variant}@${a.version}`,
        status: a.status,
        decisions: a.decisions,
        rate: a.posteriorMean,
        lower: a.credibleInterval[0],
        upper: a.credibleInterval[1],
        pBest: a.pBest,
        weight: a.weight,
        earlyWins: earlyWins.get(`${a.variant}@${a.version}`) ?? 0,
        // A figure of the weekly report's period; the chart does not draw it.
        assignedInPeriod: 0,
      })),
    }),
  );
  return withoutInlineStyles(svg);
}

const checkbox = z
  .literal("yes")
  .optional()
  .transform((v) => v === "yes");
const armChangeSchema = z.object({
  arm: z.string().regex(/^[^@\s]+@[1-9][0-9]*$/, "a strategy like reserve-now@2"),
  reason: z.string().trim().min(1, "say why").max(500),
  keepChallengers: checkbox,
  force: checkbox,
});
const srmAckSchema = z.object({ reason: z.string().trim().min(1, "say what you found").max(500) });

type StageParams = { Params: { stage: string } };

/** Registers `/dashboard/experiments…`. */
export function registerExperimentPages(scope: FastifyInstance, ctx: AppContext): void {
  const base = `${DASHBOARD_PATH}/experiments`;

  scope.get<{ Querystring: { done?: string } }>(base, async function experiments(request, reply) {
    const now = ctx.clock.now();
    const { report, notes } = await buildExperimentReportWithNotes(ctx.db, ctx.playbooks, now);
    const stages = await Promise.all(
      report.stages.map(async (stage) => {
        const stageNotes = notes[stage.stage] ?? [];
        const tallies = await stageArmTallies(ctx.db, stage.stage, now);
        const earlyWins = new Map([...tallies].map(([key, t]) => [key, t.earlySuccesses]));
        return {
          report: stage,
          verdictText: verdictText(stage),
          notes: stageNotes,
          collecting:
            stage.verdict === "collecting" ? evidenceWarning(stage, ctx.playbooks.settings(stage.stage)) : null,
          arms: stage.arms.map((a) => ({
            ...a,
            key: `${a.variant}@${a.version}`,
            role: ROLES[a.status],
            low: a.credibleInterval[0],
            high: a.credibleInterval[1],
            earlyWins: earlyWins.get(`${a.variant}@${a.version}`) ?? 0,
          })),
          rotating: stage.arms.filter((a) => a.status !== "retired").map((a) => `${a.variant}@${a.version}`),
          chart: await intervalChart(stage, earlyWins),
        };
      }),
    );
    const html = renderExperiments({
      title: "Strategies",
      nav: "experiments",
      csrf: csrfFor(request, reply),
      notice: NOTICES[(request.query as { done?: string }).done ?? ""],
      stages,
    });
    return sendPage(reply, html);
  });

  scope.post<StageParams>(`${base}/:stage/promote`, async function promote(request, reply) {
    const body = armChangeSchema.parse(request.body ?? {});
    const { stage } = request.params;
    try {
      const result = await ctx.experiments.promote(stage, body.arm, {
        reason: body.reason,
        keepChallengers: body.keepChallengers,
        force: body.force,
        actor: ACTOR,
        now: ctx.clock.now(),
      });
      return reply.redirect(
        `${base}?done=${result.warning === null ? "promoted" : "promoted-forced"}#stage-${stage}`,
        303,
      );
    } catch (error) {
      if (!isCloserError(error, "promotion_needs_force")) throw error;
      // Nothing changed; the service said how much evidence there is. The page asks the owner to
      // confirm (a question, so 200), and the same form goes again with force.
      const html = renderPromoteConfirmation({
        title: "Promote on thin evidence?",
        nav: "experiments",
        csrf: csrfFor(request, reply),
        stageId: stage,
        evidence: error.message,
        form: body,
      });
      return sendPage(reply, html);
    }
  });

  scope.post<StageParams>(`${base}/:stage/retire`, async function retire(request, reply) {
    const body = armChangeSchema.parse(request.body ?? {});
    await ctx.experiments.retire(request.params.stage, body.arm, {
      reason: body.reason,
      actor: ACTOR,
      now: ctx.clock.now(),
    });
    return reply.redirect(`${base}?done=retired#stage-${request.params.stage}`, 303);
  });

  scope.post<StageParams>(`${base}/:stage/srm-ack`, async function srmAck(request, reply) {
    const body = srmAckSchema.parse(request.body ?? {});
    await ctx.experiments.acknowledgeSrm(request.params.stage, {
      reason: body.reason,
      actor: ACTOR,
      now: ctx.clock.now(),
    });
    return reply.redirect(`${base}?done=srm-acknowledged#stage-${request.params.stage}`, 303);
  });
}
