/**
 * `closer outcome <phone> won|lost|advanced [--stage S] [--value N] [--currency USD]
 * [--reason …] [--event-id ID]`: records what a customer did, as `POST /api/outcomes` does.
 * @module
 */
import { customerIdByIdentity, normaliseCustomerIdentity } from "../../engine/index.js";
import { CloserError } from "../../errors.js";
import { maskPhone } from "../../log.js";
import { outcomeBodySchema, profileAfterOutcomeHook } from "../../server/index.js";
import type { Command } from "../command.js";
import { parseCommandArgs, runCommand, UsageError, wantsHelp, withCliContext } from "./cli-context.js";

const USAGE =
  "closer outcome <phone> won|lost|advanced [--stage S] [--value N] [--currency USD] [--reason TEXT] [--event-id ID]";
const HELP = `${USAGE}
— record what a customer did

won and lost end the customer's journey; advanced moves them to --stage (default:
the next stage). Every pending assignment of the journey resolves as the rules say
(won inside a stage's window is a success for that stage's arm, lost a failure),
and the customer's profile is updated. The same --event-id twice has one effect,
so a shop's order system can retry safely.

  --stage S        for advanced: the stage reached; for won/lost: informational
  --value N        order value, in --currency units
  --currency USD   ISO 4217 code
  --reason TEXT    why (kept with the outcome)
  --event-id ID    idempotency key

Exit status: 0 ok (also for a duplicate event id), 1 unknown customer or bad input, 2 unexpected.`;

/** Records an outcome; exit 0 ok, 1 user error (unknown customer, bad input), 2 unexpected. */
export const outcomeCommand: Command = async (argv, io) => {
  if (wantsHelp(argv)) {
    io.out(HELP);
    return 0;
  }
  return runCommand(io, "outcome", USAGE, async () => {
    const { values, positionals } = parseCommandArgs(argv, {
      stage: { type: "string" },
      value: { type: "string" },
      currency: { type: "string" },
      reason: { type: "string" },
      "event-id": { type: "string" },
    });
    const [phone, outcome, extra] = positionals;
    if (phone === undefined || outcome === undefined) throw new UsageError("give the phone number and the outcome");
    if (extra !== undefined) throw new UsageError(`unexpected argument '${extra}'`);
    const value = values.value === undefined ? undefined : Number(values.value);
    if (value !== undefined && !Number.isFinite(value))
      throw new UsageError(`--value: '${values.value}' is not a number`);
    const parsed = outcomeBodySchema.safeParse({
      customer: phone,
      outcome,
      stage: values.stage,
      value,
      currency: values.currency,
      reason: values.reason,
      eventId: values["event-id"],
    });
    if (!parsed.success) {
      const issue = parsed.error.issues[0];
      throw new UsageError(`${issue?.path.join(".") || "arguments"}: ${issue?.message ?? "invalid"}`);
    }
    const body = parsed.data;
    const identity = normaliseCustomerIdentity(body.customer);
    if (identity === null) {
      throw new UsageError(
        `'${body.customer}' is not a phone number like +15551234567, a …@lid or business-scoped user id, or a @username`,
      );
    }

    return withCliContext(io, async (ctx) => {
      if (
        body.stage !== undefined &&
        !ctx.playbooks.stageIds.includes(body.stage) &&
        !["won", "lost"].includes(body.stage)
      ) {
        throw new CloserError("strategy_unknown", `--stage: "${body.stage}" is not a stage of the funnel`);
      }
      const customerId = await customerIdByIdentity(ctx.db, ctx.cipher, identity);
      if (customerId === null) {
        throw new CloserError(
          "customer_unknown",
          `No customer has written from ${maskPhone(identity)}; outcomes need a known customer.`,
        );
      }
      const result = await ctx.experiments.recordOutcome(
        {
          customerId,
          outcome: body.outcome,
          stage: body.stage,
          value: body.value,
          currency: body.currency,
          reason: body.reason,
          eventId: body.eventId,
          source: "cli",
          now: ctx.clock.now(),
        },
        profileAfterOutcomeHook(ctx.cipher),
      );
      if (result.duplicate) {
        io.out(`Event ${body.eventId} was already recorded; nothing changed.`);
      } else {
        const n = result.resolved.length;
        io.out(
          `Recorded ${body.outcome} for ${maskPhone(identity)}: stage now ${result.stage}, ` +
            `${n} assignment${n === 1 ? "" : "s"} resolved.`,
        );
      }
      return 0;
    });
  });
};
