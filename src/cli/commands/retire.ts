/**
 * `closer retire <stage> <variant>@<version> [--reason …]`: takes an arm out of rotation.
 * @module
 */
import type { Command } from "../command.js";
import { formatArmChange, parseCommandArgs, runCommand, UsageError, wantsHelp, withCliContext } from "./cli-context.js";

const USAGE = "closer retire <stage> <variant>@<version> [--reason TEXT]";
const HELP = `${USAGE} — take an arm out of rotation

The arm stops receiving new customers; customers already assigned to it keep it
until they leave the stage, and its statistics stay in the report. The stage's
weights are recomputed at once over the remaining arms. The last arm in rotation
of a stage cannot be retired (the stage would have nothing to answer with): add or
promote another arm first. A retired arm never comes back under the same version.
Recorded in the audit log with time, user and reason.

  --reason TEXT   why (kept in the audit log)

Exit status: 0 ok, 1 unknown stage or arm, already retired, last arm, or bad input, 2 unexpected.`;

/** Retires an arm; exit 0 ok, 1 user error, 2 unexpected. */
export const retireCommand: Command = async (argv, io) => {
  if (wantsHelp(argv)) {
    io.out(HELP);
    return 0;
  }
  return runCommand(io, "retire", USAGE, async () => {
    const { values, positionals } = parseCommandArgs(argv, { reason: { type: "string" } });
    const [stage, arm, extra] = positionals;
    if (stage === undefined || arm === undefined) throw new UsageError("give the stage and the arm (variant@version)");
    if (extra !== undefined) throw new UsageError(`unexpected argument '${extra}'`);
    return withCliContext(io, async (ctx) => {
      const result = await ctx.experiments.retire(stage, arm, {
        reason: values.reason,
        actor: ctx.actor,
        now: ctx.clock.now(),
      });
      io.out(`Retired ${result.arm} in ${result.stage}.`);
      io.out(formatArmChange(result));
      return 0;
    });
  });
};
