/**
 * The report's experiments: per stage the verdict, each arm's rate with its
 * 95 % interval, P(best), weight and early wins not yet matured (from the
 * experiment report at the period's end), plus what was promoted, retired,
 * added or proposed by reflection in the period.
 * @module
 */
import type { Kysely } from "kysely";
import { type ExperimentPlaybooks, stageArmTallies } from "../experiments/index.js";
import type { Database } from "../store/index.js";
import { buildExperimentReport } from "./experiment-report.js";
import type { ReportPeriod } from "./report-period.js";
import { inSpan, type ReportRows } from "./report-rows.js";
import type { WeeklyReport } from "./weekly-report-schema.js";

/** Builds the experiments section as of `asOf` (the period's end, or now when that is earlier). */
export async function experimentsSection(
  db: Kysely<Database>,
  playbooks: ExperimentPlaybooks,
  rows: ReportRows,
  period: ReportPeriod,
  asOf: number,
): Promise<WeeklyReport["experiments"]> {
  const report = await buildExperimentReport(db, playbooks, asOf);
  const current = { from: period.from, to: period.to };
  const stages: WeeklyReport["experiments"]["stages"] = [];
  for (const stage of report.stages) {
    const tallies = await stageArmTallies(db, stage.stage, asOf);
    const arms = stage.arms.map((a) => {
      const arm = `${a.variant}@${a.version}`;
      return {
        arm,
        status: a.status,
        decisions: a.decisions,
        rate: a.posteriorMean,
        lower: a.credibleInterval[0],
        upper: a.credibleInterval[1],
        pBest: a.pBest,
        weight: a.weight,
        earlyWins: tallies.get(arm)?.earlySuccesses ?? 0,
        assignedInPeriod: rows.assignments.filter(
          (x) => x.stage === stage.stage && x.arm === arm && inSpan(x.assignedAt, current),
        ).length,
      };
    });
    stages.push({
      stage: stage.stage,
      verdict: stage.verdict,
      winner: stage.winner,
      champion: arms.find((a) => a.status === "champion")?.arm ?? null,
      srm: stage.srm,
      arms,
    });
  }
  return { stages, ...(await periodChanges(db, period)) };
}

async function periodChanges(
  db: Kysely<Database>,
  period: ReportPeriod,
): Promise<Pick<WeeklyReport["experiments"], "changes" | "reflectionProposals">> {
  const events = await db
    .selectFrom("experiment_events")
    .selectAll()
    .where("created_at", ">=", period.from)
    .where("created_at", "<", period.to)
    .orderBy("id")
    .execute();
  const proposals = await db
    .selectFrom("variant_versions")
    .select(["id", "stage", "status", "created_at"])
    .where("origin", "=", "reflection")
    .where("created_at", ">=", period.from)
    .where("created_at", "<", period.to)
    .orderBy("created_at")
    .execute();
  return {
    changes: events.map((e) => ({
      stage: e.stage,
      arm: e.variant_id === null ? null : `${e.variant_id}@${Number(e.variant_version)}`,
      kind: e.kind,
      reason: e.reason,
      actor: e.actor,
      at: new Date(Number(e.created_at)).toISOString(),
    })),
    reflectionProposals: proposals.map((p) => ({
      stage: p.stage,
      arm: p.id,
      status: p.status,
      at: new Date(Number(p.created_at)).toISOString(),
    })),
  };
}
