/**
 * `closer playbooks reload [--url URL]`: asks the running service to load its
 * playbooks folder again (same as SIGHUP).
 * @module
 */
import type { Command } from "../command.js";
import { loadCliConfig } from "./cli-config.js";
import { parseCommandArgs, runCommand, UsageError, wantsHelp } from "./cli-context.js";
import { describeServiceReload, reloadRunningService } from "./running-service.js";

const USAGE = "closer playbooks reload [--url URL]";
const HELP = `${USAGE} — make the running service pick up playbook changes

The service lints PLAYBOOKS_DIR and switches to the new set at once, for every
new customer and reply; a folder with errors is refused, its problems printed,
and the previous set keeps serving. The service also reloads on SIGHUP and,
shortly after, on any change in the folder.

  --url URL   the service (default: the URL it wrote in DATA_DIR/service.json)

Exit status: 0 reloaded, 1 refused (lint errors) or no service running, 2 unexpected.`;

/** Reloads the running service's playbooks. */
export const playbooksReloadCommand: Command = async (argv, io) => {
  if (wantsHelp(argv)) {
    io.out(HELP);
    return 0;
  }
  return runCommand(io, "playbooks reload", USAGE, async () => {
    const { values, positionals } = parseCommandArgs(argv, { url: { type: "string" } });
    if (positionals.length > 0) throw new UsageError(`unexpected argument '${positionals[0]}'`);
    const result = await reloadRunningService(loadCliConfig(io), values.url);
    (result.kind === "reloaded" ? io.out : io.err)(describeServiceReload(result));
    return result.kind === "reloaded" ? 0 : 1;
  });
};
