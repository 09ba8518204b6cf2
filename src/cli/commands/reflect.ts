/**
 * `closer reflect [--stage S] [--dry-run] [--json]`: runs the weekly reflection
 * now. Needs an LLM (exit 2 without one).
 * @module
 */
import { relative } from "node:path";
import { createLlmClient } from "../../engine/index.js";
import { type ReflectionReport, runReflection } from "../../experiments/index.js";
import { reflectionDeps } from "../../main.js";
import type { Command } from "../command.js";
import { parseCommandArgs, runCommand, UsageError, wantsHelp, withCliContext } from "./cli-context.js";
import { describeServiceReload, reloadRunningService } from "./running-service.js";

const USAGE = "closer reflect [--stage S] [--dry-run] [--json]";
const HELP = `${USAGE} — let the LLM propose new variants now

For each stage (or only S) the model reads the arms worst to best with their
statistics and text, up to 8 won and 8 lost conversations of the last 28 days
(redacted), the lost customers' top concerns, the catalog facts and the design
moves, and proposes new variants. Each proposal is checked: schema, playbook lint,
claims the catalog does not back, the parents' guardrails, near-duplicates of the
stage's arms, and the quota of 2 new arms per stage in 7 days. Accepted ones are
written to variants/<stage>/<id>.yaml as 'proposed' (REFLECTION_REVIEW=on, the
default: approve them with 'closer candidates approve') or 'candidate'; the
running service reloads its playbooks. A run that died is resumed by the next one.

  --stage S    only this stage
  --dry-run    check the proposals and print what would happen; write nothing
  --json       print {"runs": [{"stage", "proposed", "accepted": [{"variant",
               "version", "file"}], "rejected": [{"id", "reasons"}], "tokens":
               {"in", "out"}, "costUsd"}]} (a stage whose LLM call failed adds "error")

Exit status: 0 ok, 1 bad input, another run in progress, or a stage failed,
2 no LLM configured or unexpected.`;

/** Runs the reflection; exit 0 ok, 1 user error or a failed stage, 2 no LLM or unexpected. */
export const reflectCommand: Command = async (argv, io) => {
  if (wantsHelp(argv)) {
    io.out(HELP);
    return 0;
  }
  return runCommand(io, "reflect", USAGE, async () => {
    const { values, positionals } = parseCommandArgs(argv, {
      stage: { type: "string" },
      "dry-run": { type: "boolean" },
      json: { type: "boolean" },
    });
    if (positionals.length > 0) throw new UsageError(`unexpected argument '${positionals[0]}'`);
    return withCliContext(io, async (ctx) => {
      const llm = createLlmClient(ctx.config);
      if (llm === undefined) {
        io.err(
          "closer reflect: the reflection needs an LLM and none is configured: set LLM_BASE_URL and LLM_MODEL (and LLM_API_KEY).",
        );
        return 2;
      }
      const notes: string[] = [];
      const deps = reflectionDeps(ctx.config, {
        db: ctx.db,
        cipher: ctx.cipher,
        llm,
        clock: ctx.clock,
        rng: ctx.rng,
        playbooks: () => ctx.playbooks,
        reload: async () => {
          await ctx.reloadLocal();
          notes.push(describeServiceReload(await reloadRunningService(ctx.config)));
        },
      });
      const report = await runReflection(deps, {
        ...(values.stage === undefined ? {} : { stages: [values.stage] }),
        dryRun: values["dry-run"] === true,
      });
      const shown = withDisplayPaths(report, ctx.config.PLAYBOOKS_DIR, io.cwd);
      if (values.json) io.out(JSON.stringify({ runs: shown.runs }, null, 2));
      else io.out(formatReport(shown));
      for (const note of notes) io.err(note);
      return report.runs.some((run) => run.error !== undefined) ? 1 : 0;
    });
  });
};

/** The report with each file as a path from the working directory (absolute when outside it). */
function withDisplayPaths(report: ReflectionReport, playbooksDir: string, cwd: string): ReflectionReport {
  const show = (file: string) => {
    const full = `${playbooksDir}/${file}`;
    const rel = relative(cwd, full);
    return rel.startsWith("..") ? full : rel;
  };
  return {
    ...report,
    runs: report.runs.map((run) => ({
      ...run,
      accepted: run.accepted.map((a) => ({ ...a, file: show(a.file) })),
    })),
  };
}

function formatReport(report: ReflectionReport): string {
  const lines = [
    `Reflection ${report.dryRun ? "(dry run, nothing written) " : ""}with ${report.model}${report.resumed ? ", resuming a run that stopped" : ""}:`,
  ];
  for (const run of report.runs) {
    lines.push(
      `\n${run.stage}: ${run.proposed} proposed, ${run.accepted.length} accepted, ${run.rejected.length} rejected; ` +
        `${run.tokens.in} tokens in, ${run.tokens.out} out, $${run.costUsd.toFixed(4)}`,
    );
    if (run.error !== undefined) lines.push(`  failed: ${run.error}`);
    for (const a of run.accepted) lines.push(`  + ${a.variant}@${a.version}  ${a.file}`);
    for (const r of run.rejected) {
      lines.push(`  - ${r.id}`);
      for (const reason of r.reasons) lines.push(`      ${reason}`);
    }
  }
  if (report.retired.length > 0) lines.push(`\nRetired to respect max_arms: ${report.retired.join(", ")}.`);
  return lines.join("\n");
}
