/**
 * `closer customers list|show|export|forget|resume`: look up a customer's
 * memory and transcript, export everything held about them, erase them on
 * request, or end a human takeover so the bot answers again.
 * @module
 */
import {
  describeCustomer,
  eraseCustomer,
  findCustomerIdByRef,
  giveBackToBot,
  normaliseCustomerIdentity,
  SHORT_CUSTOMER_ID_LENGTH,
  shortCustomerId,
} from "../../engine/index.js";
import { CloserError } from "../../errors.js";
import { customerRowToRecord, listCustomers } from "../../store/index.js";
import type { Command } from "../command.js";
import { type CliContext, parseCommandArgs, runCommand, UsageError, wantsHelp, withCliContext } from "./cli-context.js";

const USAGE =
  "closer customers list [--limit N] | show <customer> [--json] | export <customer> | forget <customer> --yes | resume <customer>";
const HELP = `closer customers — what Closer remembers about each customer

  closer customers list [--limit N]    most recently active customers: short id, name, phone (masked),
                                       stage, journey, time of the last message (UTC) and flags
  closer customers show <customer>     profile, stage, assignments, handoffs, follow-ups and transcript (--json for JSON)
  closer customers export <customer>   everything held about the customer, as JSON (a data-access request)
  closer customers forget <customer> --yes
                                       erase the customer: profile, transcript, consent, handoffs, audit
                                       entries, outcome ids and reasons, from the database files too;
                                       assignments and outcomes stay as anonymous counts; a replay of one of
                                       their old messages is dropped
  closer customers resume <customer>   end a human takeover now; the bot answers that chat again

<customer> is the short id that 'list' shows (e.g. 3f9c2a1b), the international
number as the customer uses it (e.g. +15551234567), or, for a customer known without
a number, their …@lid id, business-scoped user id (e.g. US.13491208655302741918)
or WhatsApp username (e.g. @kai.cooks; the latest the Cloud API gave).`;

/** The `customers` command. */
export const customersCommand: Command = async (argv, io) => {
  if (wantsHelp(argv) || argv.length === 0) {
    io.out(HELP);
    return argv.length === 0 ? 1 : 0;
  }
  return runCommand(io, "customers", USAGE, async () => {
    const { values, positionals } = parseCommandArgs(argv, {
      json: { type: "boolean" },
      yes: { type: "boolean" },
      limit: { type: "string" },
    });
    const [action, phone] = positionals;
    return withCliContext(io, async (ctx) => {
      switch (action) {
        case "list":
          return list(ctx, io.out, Number(values.limit ?? 50));
        case "show":
        case "export": {
          const view = await describeCustomer(ctx.db, ctx.cipher, await customerId(ctx, phone), {
            transcriptLimit: action === "export" ? 100_000 : 200,
          });
          if (action === "export" || values.json === true) io.out(JSON.stringify(view, null, 2));
          else if (view !== null) io.out(formatView(view));
          return 0;
        }
        case "forget": {
          if (values.yes !== true) throw new UsageError("forget erases the customer for good; add --yes to confirm");
          const id = await customerId(ctx, phone);
          const now = ctx.clock.now();
          const complete = await eraseCustomer(ctx.db, id, { actor: ctx.actor, now });
          io.out(
            "Forgotten: profile, transcript, consent, handoffs, audit entries and message ids are erased" +
              (complete
                ? "; nothing of theirs is left in the database files."
                : "; the service empties the last of it from the WAL at its next checkpoint."),
          );
          return 0;
        }
        case "resume": {
          const id = await customerId(ctx, phone);
          const now = ctx.clock.now();
          await ctx.db.transaction().execute((trx) => giveBackToBot(trx, id, { actor: ctx.actor, now }));
          io.out("Resumed: the bot answers this customer again.");
          return 0;
        }
        default:
          throw new UsageError(action === undefined ? "say what to do" : `unknown action '${action}'`);
      }
    });
  });
};

/** Resolves what the operator typed (a short or whole customer id, or a phone number) to a customer id. */
async function customerId(ctx: CliContext, raw: string | undefined): Promise<string> {
  if (raw === undefined) {
    throw new UsageError(
      "give the customer: the short id from 'closer customers list', the phone number, user id or @username",
    );
  }
  const text = raw.trim();
  const lower = text.toLowerCase();
  const idPrefix = ID_PREFIX.test(lower) ? lower : null;
  const identity = normaliseCustomerIdentity(text);
  if (identity === null && idPrefix === null) {
    throw new UsageError(
      `"${raw}" is not a phone number like +15551234567, a …@lid or business-scoped user id, a @username, or a customer id from 'closer customers list'`,
    );
  }
  const match = await findCustomerIdByRef(ctx.db, ctx.cipher, { idPrefix, identity });
  if (match.kind === "found") return match.id;
  if (match.kind === "ambiguous") {
    throw new CloserError("bad_request", `more than one customer's id starts with ${lower}; give more of it`);
  }
  throw new CloserError(
    "customer_unknown",
    idPrefix !== null
      ? `no customer has the id ${lower} or writes from that number`
      : "no customer has written from that number, user id or username",
  );
}

/** A whole customer id (UUID), or at least 6 of its first characters. */
const ID_PREFIX = /^(?:[0-9a-f]{6,8}|[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12})$/;

async function list(ctx: CliContext, out: (text: string) => void, limit: number): Promise<number> {
  if (!Number.isInteger(limit) || limit < 1) throw new UsageError("--limit takes a whole number");
  const rows = await listCustomers(ctx.db, { limit });
  const now = ctx.clock.now();
  const table: string[][] = [["id", "name", "phone", "stage", "journey", "last message (UTC)", "flags"]];
  for (const row of rows) {
    const c = customerRowToRecord(row, ctx.cipher);
    const flags = [c.optedOut ? "opted-out" : "", c.handoffUntil !== null && c.handoffUntil > now ? "handoff" : ""]
      .filter(Boolean)
      .join(",");
    table.push([
      shortCustomerId(c.id).padEnd(SHORT_CUSTOMER_ID_LENGTH),
      c.name === null || c.name.trim() === "" ? "—" : truncate(c.name.replace(/\s+/g, " ").trim(), NAME_WIDTH),
      c.identity.endsWith("@lid") ? "…@lid" : `…${c.identity.slice(-4)}`,
      c.stage,
      String(c.journey),
      new Date(c.lastInteractionAt).toISOString().slice(0, 16).replace("T", " "),
      flags,
    ]);
  }
  const widths = table[0]!.map((_, i) => Math.max(...table.map((cells) => [...(cells[i] ?? "")].length)));
  for (const cells of table) {
    out(
      cells
        .map((cell, i) => (i === cells.length - 1 ? cell : cell + " ".repeat((widths[i] ?? 0) - [...cell].length)))
        .join("  ")
        .trimEnd(),
    );
  }
  out(`${rows.length} customer(s); give the id (or the phone number) to show, export, forget or resume one`);
  return 0;
}

/** Widest name the list shows, in characters. */
const NAME_WIDTH = 24;

function truncate(text: string, width: number): string {
  const chars = [...text];
  return chars.length <= width ? text : `${chars.slice(0, width - 1).join("")}…`;
}

function formatView(view: NonNullable<Awaited<ReturnType<typeof describeCustomer>>>): string {
  const p = view.profile;
  const lines = [
    `${view.name ?? "(no name)"}  +${view.phone}  stage ${view.stage} (journey ${view.journey})`,
    `opted out: ${view.optedOut ? "yes" : "no"}   handoff until: ${view.handoffUntil ?? "—"}   conversations: ${view.conversationCount}`,
    `trust ${p.trustLevel}/10   purchase probability ${(p.purchaseProbability * 100).toFixed(0)}%   time zone ${p.timeZone ?? "unknown"}`,
    `interests: ${p.interests.join(", ") || "—"}   concerns: ${p.concerns.join(", ") || "—"}`,
    `approach: ${p.recommendedApproach}`,
    "",
    "assignments:",
    ...view.assignments.map(
      (a) =>
        `  ${a.stage.padEnd(16)} ${`${a.variant}@${a.version}`.padEnd(26)} p=${a.propensity.toFixed(3)} ${a.status}`,
    ),
    "",
    "follow-ups:",
    ...(view.followUps.length === 0
      ? ["  —"]
      : view.followUps.map(
          (f) =>
            `  ${f.stage.padEnd(16)} ${`${f.variant} #${f.number}`.padEnd(26)} ${f.status.padEnd(9)} ${(f.sentAt ?? f.dueAt).slice(0, 16).replace("T", " ")}${f.reason === null ? "" : `  ${f.reason}`}`,
        )),
    "",
    "transcript:",
    ...view.transcript.map(
      (m) =>
        `  ${m.at.slice(0, 19)} ${m.author.padEnd(8)} ${m.text.replace(/\n/g, " ")}${m.direction === "out" ? ` [${m.status}]` : ""}`,
    ),
  ];
  return lines.join("\n");
}
