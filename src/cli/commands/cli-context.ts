/**
 * What the experiment commands share: the configuration, the store (opened,
 * migrated, closed after), the data key, the loaded playbooks with their arms
 * synchronised as `serve` does, the experiments service, and one way to turn
 * failures into exit codes (0 ok, 1 user error, 2 unexpected).
 *
 * The CLI and a running server may share the SQLite file (WAL): each command
 * is a short transaction.
 * @module
 */
import { type ParseArgsConfig, parseArgs } from "node:util";
import type { Kysely } from "kysely";
import type { Config } from "../../config.js";
import { type Clock, PlaybookHolder, systemClock } from "../../engine/index.js";
import { isCloserError } from "../../errors.js";
import {
  type ArmChangeResult,
  createExperimentsService,
  createSeededRandom,
  type ExperimentsService,
  loadedVersionsOf,
  type Random,
  RETIRED_ARMS_KEEP_CUSTOMERS,
  syncArms,
} from "../../experiments/index.js";
import { silentLogger } from "../../log.js";
import { loadServablePlaybooks } from "../../main.js";
import {
  createFieldCipher,
  type Database,
  type FieldCipher,
  loadDataKey,
  migrateToLatest,
  openDatabase,
  prepareDataDir,
  protectStoredGatewayIds,
  rebindStoredCiphertexts,
} from "../../store/index.js";
import type { CommandIo } from "../command.js";
import { loadCliConfig } from "./cli-config.js";

/** Everything an experiment command works with. */
export interface CliContext {
  config: Config;
  db: Kysely<Database>;
  cipher: FieldCipher;
  /** The playbooks as loaded; `reloadLocal` swaps in the folder's current set. */
  playbooks: PlaybookHolder;
  experiments: ExperimentsService;
  rng: Random;
  /** Loads the folder again, records its new arms, and swaps it in (the CLI's own view, not the service's). */
  reloadLocal(): Promise<void>;
  clock: Clock;
  /** Recorded in the audit log: `cli:<user>`. */
  actor: string;
}

/** A mistake in the command line: printed with the usage, exit status 1. */
export class UsageError extends Error {
  override readonly name = "UsageError";
}

/**
 * Opens the context, runs `fn`, and always closes the database.
 * @throws CloserError for bad configuration, playbooks or data key (the caller maps it to exit 1).
 */
export async function withCliContext<T>(io: CommandIo, fn: (ctx: CliContext) => Promise<T>): Promise<T> {
  const config = loadCliConfig(io);
  prepareDataDir(config.DATA_DIR);
  const dataKey = loadDataKey({ envValue: config.CLOSER_DATA_KEY, dataDir: config.DATA_DIR });
  for (const warning of dataKey.warnings) io.err(warning);
  const cipher = createFieldCipher({ primary: dataKey.key });
  const clock = systemClock;
  const db = openDatabase(config);
  try {
    await migrateToLatest(db);
    await protectStoredGatewayIds(db, cipher);
    await rebindStoredCiphertexts(db, cipher);
    const set = await loadServablePlaybooks(config, db);
    await syncArms(db, loadedVersionsOf(set.variants), clock.now());
    const playbooks = new PlaybookHolder(set);
    const rng = createSeededRandom(config.CLOSER_RANDOM_SEED ?? Math.floor(Math.random() * 2 ** 31));
    const experiments = createExperimentsService({ db, playbooks, clock, rng, logger: silentLogger() });
    const actor = `cli:${io.env["USER"] ?? io.env["USERNAME"] ?? "operator"}`;
    const reloadLocal = async () => {
      const next = await loadServablePlaybooks(config, db);
      await syncArms(db, loadedVersionsOf(next.variants), clock.now());
      playbooks.replace(next);
    };
    return await fn({ config, db, cipher, playbooks, experiments, clock, rng, actor, reloadLocal });
  } finally {
    await db.destroy();
  }
}

/**
 * Runs a command body and maps failures to exit codes: a usage error or a
 * CloserError (bad input, unknown stage or customer, refused operation) is
 * printed and gives 1; anything else is reported as unexpected and gives 2.
 * Never throws.
 */
export async function runCommand(io: CommandIo, name: string, usage: string, body: () => Promise<number>) {
  try {
    return await body();
  } catch (error) {
    if (error instanceof UsageError || isParseArgsError(error)) {
      io.err(`closer ${name}: ${(error as Error).message}`);
      io.err(`usage: ${usage}`);
      return 1;
    }
    if (isCloserError(error)) {
      io.err(`closer ${name}: ${error.message}`);
      return 1;
    }
    io.err(`closer ${name}: unexpected error: ${error instanceof Error ? error.message : String(error)}`);
    return 2;
  }
}

/** `parseArgs` in strict mode with positionals allowed. @throws a parse error (exit 1 via {@link runCommand}). */
export function parseCommandArgs<O extends NonNullable<ParseArgsConfig["options"]>>(argv: string[], options: O) {
  return parseArgs({ args: argv, options, allowPositionals: true, strict: true });
}

/** True when `argv` asks for help. */
export function wantsHelp(argv: readonly string[]): boolean {
  return argv.includes("--help") || argv.includes("-h");
}

/** The lines both `promote` and `retire` print after the change: what was retired and the new weights. */
export function formatArmChange(result: ArmChangeResult): string {
  const lines: string[] = [];
  const others = result.retired.filter((k) => k !== result.arm);
  if (others.length > 0) lines.push(`Retired: ${others.join(", ")}.`);
  if (result.retired.length > 0) lines.push(RETIRED_ARMS_KEEP_CUSTOMERS);
  if (result.demoted.length > 0) lines.push(`No longer champion (still in rotation): ${result.demoted.join(", ")}.`);
  const weights = Object.entries(result.policy.weights)
    .map(([key, w]) => `${key} ${w.toFixed(3)}`)
    .join(", ");
  lines.push(`Weights of ${result.stage} now: ${weights || "no arm in rotation"}.`);
  return lines.join("\n");
}

function isParseArgsError(error: unknown): boolean {
  const code = (error as { code?: unknown } | null)?.code;
  return typeof code === "string" && code.startsWith("ERR_PARSE_ARGS");
}
