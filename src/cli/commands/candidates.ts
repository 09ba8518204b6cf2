/**
 * `closer candidates [list|show|approve|reject] <stage> <variant>@<version>
 * [--reason …] [--json]`: the review of the variants the reflection wrote.
 * @module
 */
import {
  approveCandidate,
  type CandidateDeps,
  type CandidateSummary,
  formatSideBySide,
  listCandidates,
  nodePlaybookFolder,
  rejectCandidate,
  showCandidate,
} from "../../experiments/index.js";
import { loadServablePlaybooks } from "../../main.js";
import type { Command } from "../command.js";
import { type CliContext, parseCommandArgs, runCommand, UsageError, wantsHelp, withCliContext } from "./cli-context.js";
import { describeServiceReload, reloadRunningService } from "./running-service.js";

const USAGE =
  "closer candidates [list [stage] | show|approve|reject <stage> <variant>@<version>] [--reason TEXT] [--json]";
const HELP = `${USAGE}
— review the variants the weekly reflection wrote

  list [stage]                     proposed arms (waiting for review, no traffic) and
                                   candidates (on capped traffic), of one stage or all
  show <stage> <variant>@<version> the file, each parent's file beside it (a diff:
                                   | changed, < only the parent, > only the proposal),
                                   and the rationale
  approve <stage> <arm>            a proposal becomes a candidate: it gets customers,
                                   at most the stage's candidate_cap of them together
  reject <stage> <arm>             a proposal or candidate is retired with the reason

  --reason TEXT   why (kept in the audit log with time and user)
  --json          print JSON

The store's status counts; the file's status line is kept in step, and the
running service reloads its playbooks. Exit status: 0 ok, 1 unknown stage or arm,
an arm in the wrong status, or bad input, 2 unexpected.`;

/** The review command; exit 0 ok, 1 user error, 2 unexpected. */
export const candidatesCommand: Command = async (argv, io) => {
  if (wantsHelp(argv)) {
    io.out(HELP);
    return 0;
  }
  return runCommand(io, "candidates", USAGE, async () => {
    const { values, positionals } = parseCommandArgs(argv, { reason: { type: "string" }, json: { type: "boolean" } });
    const [action = "list", stage, arm, extra] = positionals;
    if (extra !== undefined) throw new UsageError(`unexpected argument '${extra}'`);
    if (!["list", "show", "approve", "reject"].includes(action)) {
      throw new UsageError(`unknown action '${action}' (list, show, approve or reject)`);
    }
    if (action !== "list" && (stage === undefined || arm === undefined)) {
      throw new UsageError(`give the stage and the arm (variant@version) to ${action}`);
    }
    return withCliContext(io, async (ctx) => {
      const deps = candidateDeps(ctx, io.err);
      const print = (value: unknown, text: () => string) =>
        io.out(values.json ? JSON.stringify(value, null, 2) : text());
      if (action === "list") {
        const list = await listCandidates(deps, stage);
        print({ candidates: list }, () => formatList(list));
      } else if (action === "show") {
        const detail = await showCandidate(deps, stage as string, arm as string);
        print(detail, () =>
          [
            `${detail.arm} (${detail.stage}, ${detail.status}) — ${detail.file ?? "file missing"}`,
            `Rationale: ${detail.rationale ?? "none"}`,
            "",
            detail.text,
            ...detail.parentDiffs.flatMap((d) => [
              `--- ${d.parent} (${d.file ?? "file missing"})  |  +++ ${detail.arm}`,
              formatSideBySide(d.rows),
              "",
            ]),
          ].join("\n"),
        );
      } else {
        const review = { actor: ctx.actor, reason: values.reason };
        const done =
          action === "approve"
            ? await approveCandidate(deps, stage as string, arm as string, review)
            : await rejectCandidate(deps, stage as string, arm as string, review);
        print(done, () =>
          action === "approve"
            ? `Approved ${done.arm} in ${done.stage}: it is a candidate now and gets customers within the stage's candidate cap.`
            : `Rejected ${done.arm} in ${done.stage}: retired${values.reason ? ` (${values.reason})` : ""}.`,
        );
      }
      return 0;
    });
  });
};

function candidateDeps(ctx: CliContext, note: (text: string) => void): CandidateDeps {
  return {
    db: ctx.db,
    folder: nodePlaybookFolder(ctx.config.PLAYBOOKS_DIR),
    loadPlaybooks: () => loadServablePlaybooks(ctx.config, ctx.db),
    playbooks: () => ctx.playbooks,
    reload: async () => {
      await ctx.reloadLocal();
      note(describeServiceReload(await reloadRunningService(ctx.config)));
    },
    clock: ctx.clock,
    rng: ctx.rng,
  };
}

function formatList(list: readonly CandidateSummary[]): string {
  if (list.length === 0) return "No proposed or candidate arms.";
  return list
    .map(
      (c) =>
        `${c.stage.padEnd(16)} ${c.arm.padEnd(28)} ${c.status.padEnd(9)} ${c.origin.padEnd(10)} ${c.description ?? ""}`,
    )
    .join("\n");
}
