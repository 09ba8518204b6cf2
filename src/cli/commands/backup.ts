/**
 * `closer backup [verify FILE]` and `closer restore FILE`: write an encrypted
 * backup into DATA_DIR/backups/ now, check that a backup file opens and
 * decrypts, or restore a snapshot into an empty DATA_DIR.
 * @module
 */
import { existsSync, mkdirSync, readdirSync, writeFileSync } from "node:fs";
import { join, resolve } from "node:path";
import { backupDir, runBackup } from "../../engine/index.js";
import { CloserError } from "../../errors.js";
import {
  checkSnapshot,
  createFieldCipher,
  DATA_KEY_FILE_NAME,
  loadDataKey,
  readBackupFile,
  SQLITE_FILE_NAME,
  sqliteFilePath,
} from "../../store/index.js";
import type { Command, CommandIo } from "../command.js";
import { loadCliConfig } from "./cli-config.js";
import { parseCommandArgs, runCommand, UsageError, wantsHelp, withCliContext } from "./cli-context.js";

const BACKUP_HELP = `closer backup — an encrypted backup of the database, now

  closer backup               writes into DATA_DIR/backups/ a consistent snapshot of the database,
                              a JSON export of every customer with their conversation, and one of
                              the profiles only, each encrypted with the data key; prunes old ones
                              (BACKUP_CONVERSATIONS_DAYS, BACKUP_PROFILES_DAYS)
  closer backup verify FILE   checks that FILE decrypts with the data key and, for a snapshot,
                              that it is a sound database

Copy the backups off the machine, and keep the data key (CLOSER_DATA_KEY or closer.key) apart
from them: without the key they cannot be read, and with it anyone can.`;

const RESTORE_HELP = `closer restore FILE — restore a snapshot backup into an empty DATA_DIR

DATA_DIR must hold no database (it may hold the key file closer.key); the data key comes from
CLOSER_DATA_KEY or that key file. Then start the service on it.`;

/** The `backup` command. */
export const backupCommand: Command = async (argv, io) => {
  if (wantsHelp(argv)) {
    io.out(BACKUP_HELP);
    return 0;
  }
  return runCommand(io, "backup", "closer backup [verify FILE]", async () => {
    const { positionals } = parseCommandArgs(argv, {});
    const [action, file] = positionals;
    if (action === "verify") {
      if (file === undefined) throw new UsageError("give the backup file to verify");
      const summary = verifyBackup(io, resolve(io.cwd, file));
      io.out(`OK: ${summary}`);
      return 0;
    }
    if (action !== undefined) throw new UsageError(`unknown action '${action}'`);
    return withCliContext(io, async (ctx) => {
      const report = await runBackup(
        { db: ctx.db, cipher: ctx.cipher },
        {
          dataDir: ctx.config.DATA_DIR,
          dbFile: sqliteFilePath(ctx.config.DATA_DIR),
          conversationsDays: ctx.config.BACKUP_CONVERSATIONS_DAYS,
          profilesDays: ctx.config.BACKUP_PROFILES_DAYS,
        },
        ctx.clock.now(),
      );
      for (const written of report.files) io.out(written);
      io.out(
        `Backed up ${report.customers} customer(s) into ${backupDir(ctx.config.DATA_DIR)}; ${report.pruned} old file(s) pruned. ` +
          "Copy them off this machine, and keep the data key apart from them.",
      );
      return 0;
    });
  });
};

/** The `restore` command. */
export const restoreCommand: Command = async (argv, io) => {
  if (wantsHelp(argv)) {
    io.out(RESTORE_HELP);
    return 0;
  }
  return runCommand(io, "restore", "closer restore FILE", async () => {
    const { positionals } = parseCommandArgs(argv, {});
    const [file] = positionals;
    if (file === undefined) throw new UsageError("give the snapshot backup file to restore");
    const config = loadCliConfig(io);
    const dataDir = config.DATA_DIR;
    const present = existsSync(dataDir) ? readdirSync(dataDir).filter((name) => name !== DATA_KEY_FILE_NAME) : [];
    if (present.length > 0) {
      throw new CloserError(
        "bad_request",
        `DATA_DIR ${dataDir} is not empty (${present.slice(0, 3).join(", ")}); restore only into an empty folder.`,
      );
    }
    const { kind, bytes } = readBackupFile(resolve(io.cwd, file), cipherFor(io, dataDir));
    if (kind !== "snapshot") {
      throw new CloserError("bad_request", `${file} is a ${kind} export; restore takes a snapshot backup.`);
    }
    const counts = checkSnapshot(bytes);
    mkdirSync(dataDir, { recursive: true, mode: 0o700 });
    writeFileSync(join(dataDir, SQLITE_FILE_NAME), bytes, { mode: 0o600 });
    io.out(`Restored ${counts.customers} customer(s) and ${counts.messages} message(s) into ${dataDir}.`);
    return 0;
  });
};

function verifyBackup(io: CommandIo, file: string): string {
  const config = loadCliConfig(io);
  const { kind, bytes } = readBackupFile(file, cipherFor(io, config.DATA_DIR));
  if (kind === "snapshot") {
    const counts = checkSnapshot(bytes);
    return `a snapshot with ${counts.customers} customer(s) and ${counts.messages} message(s)`;
  }
  const parsed = JSON.parse(bytes.toString("utf8")) as { customers?: unknown[] };
  return `a ${kind} export of ${parsed.customers?.length ?? 0} customer(s)`;
}

/** The cipher over the data key from CLOSER_DATA_KEY or DATA_DIR's key file; never makes a new key. */
function cipherFor(io: CommandIo, dataDir: string) {
  const envValue = io.env["CLOSER_DATA_KEY"];
  const hasEnv = envValue !== undefined && envValue.trim() !== "";
  if (!hasEnv && !existsSync(join(dataDir, DATA_KEY_FILE_NAME))) {
    throw new CloserError(
      "bad_request",
      `No data key: set CLOSER_DATA_KEY or put the key file ${DATA_KEY_FILE_NAME} in ${dataDir}.`,
    );
  }
  return createFieldCipher({ primary: loadDataKey({ envValue, dataDir }).key });
}
