/**
 * `closer experiments [--json]`, `closer experiments evaluate --stage S --policy P`
 * and `closer experiments srm-ack <stage>`: the experiment report, off-policy
 * evaluation, and acknowledging a sample-ratio-mismatch alarm.
 * @module
 */
import { readFileSync } from "node:fs";
import { resolve } from "node:path";
import {
  buildExperimentReportWithNotes,
  evaluateStagePolicy,
  formatExperimentReport,
  formatPolicyEvaluation,
  type PolicySpec,
  policyWeightsSchema,
} from "../../analytics/index.js";
import { formatP } from "../../experiments/index.js";
import type { Command, CommandIo } from "../command.js";
import { parseCommandArgs, runCommand, UsageError, wantsHelp, withCliContext } from "./cli-context.js";

const REPORT_USAGE = "closer experiments [--json]";
const REPORT_HELP = `${REPORT_USAGE} — every stage's experiment

For each stage of the funnel: the verdict (collecting, winner, no winner yet) and
the sample-ratio-mismatch (SRM) check, then one row per arm (variant@version) with
its status (champion, active, candidate, proposed, retired), resolved decisions, successes,
failures, pending assignments, posterior mean and 95% credible interval of the
success rate, probability of being best, expected loss, and current weight (the
probability that a customer entering the stage now gets it).

  --json   print the report as JSON: {"stages": [{"stage", "verdict", "winner",
           "srm": {"pValue", "alarm"}, "arms": [{"variant", "version", "status",
           "decisions", "successes", "failures", "pending", "posteriorMean",
           "credibleInterval", "pBest", "expectedLoss", "weight"}]}]}

Related: closer experiments evaluate, closer experiments srm-ack, closer promote,
closer retire. Exit status: 0 ok, 1 bad input or configuration, 2 unexpected.`;

const EVALUATE_USAGE = "closer experiments evaluate --stage S [--policy champion|uniform|FILE.json] [--json]";
const EVALUATE_HELP = `${EVALUATE_USAGE}
— estimate another policy's success rate from the logged decisions

Uses the stage's resolved assignments and the probability each had of being chosen
(inverse propensity scoring, IPS, and its self-normalised form, SNIPS), with the
effective sample size: how many on-policy decisions the log is worth.

  --stage S     the stage (required)
  --policy P    champion (always the stage's champion; the default), uniform
                (an equal A/B rotation of the arms in rotation), or a JSON file
                of arm weights summing to 1, e.g. {"reserve-now@2": 0.5, "simple-steps@2": 0.5}
  --json        print the estimate as JSON

Exit status: 0 ok, 1 bad input or configuration, 2 unexpected.`;

const ACK_USAGE = "closer experiments srm-ack <stage> [--reason TEXT]";
const ACK_HELP = `${ACK_USAGE} — acknowledge a sample-ratio-mismatch alarm

An SRM alarm (assignments per arm far from what the logged propensities predict,
p < 0.001) freezes the stage's reweighting. Once the cause is understood (a bug
fixed, a deploy rolled back), acknowledge it: the weights move again and the check
starts over from now. Recorded in the audit log with the reason.

Exit status: 0 ok, 1 no alarm, unknown stage or bad input, 2 unexpected.`;

/** `closer experiments [--json]`. */
export const experimentsCommand: Command = async (argv, io) => {
  if (wantsHelp(argv)) return help(io, REPORT_HELP);
  return runCommand(io, "experiments", REPORT_USAGE, async () => {
    const { values, positionals } = parseCommandArgs(argv, { json: { type: "boolean" } });
    if (positionals.length > 0) throw new UsageError(`unexpected argument '${positionals[0]}'`);
    return withCliContext(io, async (ctx) => {
      const { report, notes } = await buildExperimentReportWithNotes(ctx.db, ctx.playbooks, ctx.clock.now());
      io.out(values.json === true ? JSON.stringify(report, null, 2) : formatExperimentReport(report, notes));
      return 0;
    });
  });
};

/** `closer experiments evaluate --stage S --policy P [--json]`. */
export const experimentsEvaluateCommand: Command = async (argv, io) => {
  if (wantsHelp(argv)) return help(io, EVALUATE_HELP);
  return runCommand(io, "experiments evaluate", EVALUATE_USAGE, async () => {
    const { values, positionals } = parseCommandArgs(argv, {
      stage: { type: "string" },
      policy: { type: "string", default: "champion" },
      json: { type: "boolean" },
    });
    if (positionals.length > 0) throw new UsageError(`unexpected argument '${positionals[0]}'`);
    if (values.stage === undefined) throw new UsageError("--stage is required");
    const stage = values.stage;
    const policy = readPolicy(values.policy ?? "champion", io.cwd);
    return withCliContext(io, async (ctx) => {
      const evaluation = await evaluateStagePolicy(ctx.db, ctx.playbooks, stage, policy);
      io.out(values.json === true ? JSON.stringify(evaluation, null, 2) : formatPolicyEvaluation(evaluation));
      return 0;
    });
  });
};

/** `closer experiments srm-ack <stage> [--reason TEXT]`. */
export const experimentsSrmAckCommand: Command = async (argv, io) => {
  if (wantsHelp(argv)) return help(io, ACK_HELP);
  return runCommand(io, "experiments srm-ack", ACK_USAGE, async () => {
    const { values, positionals } = parseCommandArgs(argv, { reason: { type: "string" } });
    const [stage, extra] = positionals;
    if (stage === undefined) throw new UsageError("give the stage");
    if (extra !== undefined) throw new UsageError(`unexpected argument '${extra}'`);
    return withCliContext(io, async (ctx) => {
      const ack = await ctx.experiments.acknowledgeSrm(stage, {
        reason: values.reason,
        actor: ctx.actor,
        now: ctx.clock.now(),
      });
      io.out(`Acknowledged the SRM alarm of ${ack.stage} (p-value ${formatP(ack.pValue)}); reweighting resumes.`);
      return 0;
    });
  });
};

/** Reads `--policy`: a name, or a JSON weights file relative to the working directory. */
function readPolicy(value: string, cwd: string): PolicySpec {
  if (value === "champion" || value === "uniform") return value;
  let text: string;
  try {
    text = readFileSync(resolve(cwd, value), "utf8");
  } catch {
    throw new UsageError(`--policy: '${value}' is not champion, uniform or a readable JSON file`);
  }
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch (error) {
    throw new UsageError(`--policy: ${value} is not valid JSON (${(error as Error).message})`);
  }
  const weights = policyWeightsSchema.safeParse(json);
  if (!weights.success) {
    throw new UsageError(`--policy: ${value} must hold an object of arm weights like {"reserve-now@2": 1}`);
  }
  return weights.data;
}

function help(io: CommandIo, text: string): number {
  io.out(text);
  return 0;
}
