/**
 * Reloading the playbooks while the service runs (`closer playbooks reload`,
 * SIGHUP, a change in the folder, the reflection job): the folder is loaded and
 * linted, the new arms are recorded, and the holder switches to the new set in
 * one step. A folder that fails lint is refused with its problems logged, and
 * the old set keeps serving. Reloads run one at a time.
 * @module
 */
import { type FSWatcher, watch } from "node:fs";
import { isCloserError } from "../errors.js";
import type { Logger } from "../log.js";
import type { PlaybookSet } from "../strategies/index.js";
import type { PlaybookHolder } from "./playbook-holder.js";

/** Quiet time after the last change in the folder before it is reloaded (editors write in bursts). */
export const PLAYBOOK_WATCH_DEBOUNCE_MS = 500;

/** What one reload did. */
export type ReloadResult =
  | {
      ok: true;
      /** Variant versions in the new set. */
      variants: number;
      /** Arms recorded for the first time. */
      added: string[];
    }
  | {
      ok: false;
      /** Why the folder was refused (every problem, one per line); the old set is still serving. */
      problems: string;
    };

/** What the reloader uses. */
export interface PlaybookReloaderDeps {
  holder: PlaybookHolder;
  /** Loads and lints the folder; throws (a CloserError naming every problem) when it cannot be served. */
  load(): Promise<PlaybookSet>;
  /** Records the set's new arms in the store; returns the keys added. */
  sync(set: PlaybookSet): Promise<string[]>;
  logger: Logger;
}

/** Reloads the playbooks on demand. */
export interface PlaybookReloader {
  /** Loads, checks and swaps in the folder; `why` goes to the log (`api`, `sighup`, `watch`, `reflection`). */
  reload(why: string): Promise<ReloadResult>;
}

/** Builds the reloader. */
export function createPlaybookReloader(deps: PlaybookReloaderDeps): PlaybookReloader {
  let queue: Promise<unknown> = Promise.resolve();
  async function reloadNow(why: string): Promise<ReloadResult> {
    let set: PlaybookSet;
    try {
      set = await deps.load();
    } catch (error) {
      const problems = error instanceof Error ? error.message : String(error);
      deps.logger.error(
        { why, code: isCloserError(error) ? error.code : undefined, problems },
        "playbooks reload refused; the previous set keeps serving",
      );
      return { ok: false, problems };
    }
    // Arms first, then the swap: an arm the engine can draw is always in the store.
    const added = await deps.sync(set);
    deps.holder.replace(set);
    deps.logger.info({ why, variants: set.variants.length, added }, "playbooks reloaded");
    return { ok: true, variants: set.variants.length, added };
  }
  return {
    reload(why) {
      const next = queue.then(() => reloadNow(why));
      queue = next.catch(() => undefined);
      return next;
    },
  };
}

/**
 * Watches `dir` (recursively) and calls `onChange` once changes have been quiet for `debounceMs`.
 * Returns a function that stops watching. A platform without recursive watching logs a warning and
 * watches nothing (reload with `closer playbooks reload` or SIGHUP instead).
 */
export function watchPlaybookFolder(
  dir: string,
  onChange: () => void,
  logger: Logger,
  debounceMs = PLAYBOOK_WATCH_DEBOUNCE_MS,
): () => void {
  let timer: NodeJS.Timeout | undefined;
  let watcher: FSWatcher;
  try {
    watcher = watch(dir, { recursive: true, persistent: false }, (_event, file) => {
      if (file !== null && !/\.ya?ml$/.test(String(file))) return; // temporary files of atomic writes
      clearTimeout(timer);
      timer = setTimeout(onChange, debounceMs);
    });
  } catch (error) {
    logger.warn(
      { err: error, dir },
      "cannot watch the playbooks folder; reload with `closer playbooks reload` or SIGHUP",
    );
    return () => undefined;
  }
  watcher.on("error", (error) => logger.warn({ err: error, dir }, "watching the playbooks folder failed"));
  return function stopWatching() {
    clearTimeout(timer);
    watcher.close();
  };
}
