/**
 * `closer alerts [--active] [--since 7d] [--json]`: the alerts that hold now
 * and the recent ones (fired, resolved, one-off), from the store.
 * @module
 */
import { mkdirSync } from "node:fs";
import { resolve } from "node:path";
import { loadConfig, withDotEnv } from "../../config.js";
import { type AlertRecord, listAlerts, migrateToLatest, openDatabase } from "../../store/index.js";
import type { Command } from "../command.js";
import { parseCommandArgs, runCommand, UsageError, wantsHelp } from "./cli-context.js";

const USAGE = "closer alerts [--active] [--since DURATION] [--limit N] [--json]";
const HELP = `${USAGE} — active and recent alerts

Lists the alerts that hold now (send success, reply latency, webhook/API
errors, gateway offline, …) and then the recent ones: resolved conditions and
one-off alerts (number paused, hot lead, …), newest first. Thresholds and
delivery are described in the README ("Alerts").

  --active          only the alerts that hold now
  --since DURATION  how far back recent alerts go: 30m, 24h, 7d (default 7d)
  --limit N         at most N alerts (default 50)
  --json            print the alerts as JSON: [{"id", "kind", "status", "message",
                    "detail", "firedAt", "lastSentAt", "deliveries", "resolvedAt"}]

Exit status: 0 ok, 1 bad input or configuration, 2 unexpected.`;

const UNIT_MS: Record<string, number> = { m: 60_000, h: 3_600_000, d: 86_400_000 };

/** The `alerts` command. */
export const alertsCommand: Command = async (argv, io) => {
  if (wantsHelp(argv)) {
    io.out(HELP);
    return 0;
  }
  return runCommand(io, "alerts", USAGE, async () => {
    const { values, positionals } = parseCommandArgs(argv, {
      active: { type: "boolean" },
      since: { type: "string", default: "7d" },
      limit: { type: "string", default: "50" },
      json: { type: "boolean" },
    });
    if (positionals.length > 0) throw new UsageError(`unexpected argument '${positionals[0]}'`);
    const sinceMs = Date.now() - parseDuration(values.since ?? "7d");
    const limit = Number(values.limit);
    if (!Number.isInteger(limit) || limit < 1) throw new UsageError(`--limit: '${values.limit}' is not a whole number`);
    const loaded = loadConfig(withDotEnv(io.env, resolve(io.cwd, ".env")));
    const dataDir = resolve(io.cwd, loaded.DATA_DIR);
    mkdirSync(dataDir, { recursive: true, mode: 0o700 });
    const db = openDatabase({ DATA_DIR: dataDir, DATABASE_URL: loaded.DATABASE_URL });
    try {
      await migrateToLatest(db);
      const alerts = await listAlerts(db, { activeOnly: values.active === true, sinceMs, limit });
      io.out(values.json === true ? JSON.stringify(alerts, null, 2) : formatAlerts(alerts, values.since ?? "7d"));
      return 0;
    } finally {
      await db.destroy();
    }
  });
};

/** The alerts as an operator reads them: active ones, then recent ones. */
export function formatAlerts(alerts: readonly AlertRecord[], since: string): string {
  const iso = (t: number) => new Date(t).toISOString().replace(/:\d\d\.\d+Z$/, "Z");
  const active = alerts.filter((a) => a.status === "active");
  const recent = alerts.filter((a) => a.status !== "active");
  const lines = [active.length === 0 ? "No alert holds now." : `Active (${active.length}):`];
  for (const a of active) {
    lines.push(`  ${a.kind}  since ${iso(a.firedAt)}, sent ${a.deliveries}×, last ${iso(a.lastSentAt)}`);
    lines.push(`    ${a.message}`);
  }
  if (recent.length > 0) lines.push("", `Recent (last ${since}):`);
  for (const a of recent) {
    const when =
      a.status === "resolved" ? `${iso(a.firedAt)} → resolved ${iso(a.resolvedAt ?? a.firedAt)}` : iso(a.firedAt);
    lines.push(`  ${a.kind}  ${when}`);
    lines.push(`    ${a.message}`);
  }
  return lines.join("\n");
}

/** `30m`, `24h`, `7d` → ms. @throws UsageError otherwise. */
function parseDuration(text: string): number {
  const match = /^(\d+)([mhd])$/.exec(text.trim());
  if (match === null) throw new UsageError(`--since: '${text}' is not a duration like 30m, 24h or 7d`);
  return Number(match[1]) * (UNIT_MS[match[2] as string] ?? 0);
}
