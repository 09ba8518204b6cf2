/**
 * `closer promote <stage> <variant>@<version> [--reason …] [--keep-challengers]`:
 * makes an arm its stage's champion.
 * @module
 */
import type { Command } from "../command.js";
import { formatArmChange, parseCommandArgs, runCommand, UsageError, wantsHelp, withCliContext } from "./cli-context.js";

const USAGE = "closer promote <stage> <variant>@<version> [--reason TEXT] [--keep-challengers] [--force]";
const HELP = `${USAGE}
— make an arm the stage's champion

The arm becomes the champion. By default every other arm of the stage is retired:
it stops receiving new customers, and its statistics stay in the report. With
--keep-challengers the other arms stay in rotation (the old champion becomes
active). The stage's weights are recomputed at once, so the next customer entering
the stage sees the change (with the champion alone, every new customer gets it).
Customers already assigned to a retired arm keep it until they leave the stage.

While the stage's verdict is still 'collecting' (see closer experiments), retiring
the other arms decides on too little evidence: the command says how much there is
and stops; --force does it anyway (--keep-challengers needs no force).
A retired arm never comes back under the same version; give the variant a new
version instead. Recorded in the audit log with time, user and reason.

  --reason TEXT        why (kept in the audit log)
  --keep-challengers   keep the other arms in rotation
  --force              retire the others even while the stage is still collecting

Exit status: 0 ok, 1 unknown stage or arm, retired arm, promotion that needs
--force, or bad input, 2 unexpected.`;

/** Promotes an arm; exit 0 ok, 1 user error, 2 unexpected. */
export const promoteCommand: Command = async (argv, io) => {
  if (wantsHelp(argv)) {
    io.out(HELP);
    return 0;
  }
  return runCommand(io, "promote", USAGE, async () => {
    const { values, positionals } = parseCommandArgs(argv, {
      reason: { type: "string" },
      "keep-challengers": { type: "boolean" },
      force: { type: "boolean" },
    });
    const [stage, arm, extra] = positionals;
    if (stage === undefined || arm === undefined) throw new UsageError("give the stage and the arm (variant@version)");
    if (extra !== undefined) throw new UsageError(`unexpected argument '${extra}'`);
    return withCliContext(io, async (ctx) => {
      const result = await ctx.experiments.promote(stage, arm, {
        reason: values.reason,
        keepChallengers: values["keep-challengers"] === true,
        force: values.force === true,
        actor: ctx.actor,
        now: ctx.clock.now(),
      });
      if (result.warning !== null) io.err(`Warning: ${result.warning}`);
      io.out(`Promoted ${result.arm} to champion of ${result.stage}.`);
      io.out(formatArmChange(result));
      return 0;
    });
  });
};
