/**
 * The inbox worker: takes pending inbox rows in arrival order (so each
 * customer's messages are handled in order) and hands each to the inbound
 * handler. A failing row is retried, then parked, and the next one goes on.
 * @module
 */
import type { Logger } from "../log.js";
import { type InboxRow, markInboxAttemptFailed, pendingInboxRows } from "../store/index.js";
import type { Clock } from "./clock.js";
import { handleInboxRow, type InboundHandlerDeps, type InboundOutcome } from "./inbound-handler.js";
import type { EngineMetrics } from "./metrics.js";

/** A row that fails this many times (one try per poll, about a second apart) is parked as `failed`. */
export const MAX_INBOX_ATTEMPTS = 10;
/** Rows read per batch. */
const BATCH_SIZE = 200;

/** What the worker needs. */
export interface InboxWorkerDeps extends InboundHandlerDeps {
  clock: Clock;
  logger: Logger;
  metrics: EngineMetrics;
  /** Called after each row is handled (or parked). */
  onProcessed?: (inboxId: number, outcome: InboundOutcome | null) => void;
}

/** Processes the inbox. */
export class InboxWorker {
  readonly #deps: InboxWorkerDeps;
  #running: Promise<void> | null = null;
  #again = false;
  #stopped = false;
  #pollTimer: NodeJS.Timeout | undefined;

  constructor(deps: InboxWorkerDeps) {
    this.#deps = deps;
  }

  /** Starts a safety poll and handles whatever is pending (e.g. rows left by a crash). */
  start(pollMs = 1_000): void {
    this.#pollTimer = setInterval(() => this.kick(), pollMs);
    this.#pollTimer.unref();
    this.kick();
  }

  /** Asks for a drain as soon as possible. */
  kick(): void {
    if (this.#stopped) return;
    if (this.#running !== null) {
      this.#again = true;
      return;
    }
    this.#running = this.drain()
      .catch((error: unknown) => this.#deps.logger.error({ err: error }, "inbox drain failed"))
      .finally(() => {
        this.#running = null;
        if (this.#again) {
          this.#again = false;
          this.kick();
        }
      });
  }

  /** Handles pending rows until none is left. */
  async drain(): Promise<void> {
    for (;;) {
      const rows = await pendingInboxRows(this.#deps.db, BATCH_SIZE);
      if (rows.length === 0 || this.#stopped) return;
      for (const row of rows) {
        if (this.#stopped) return;
        // A row that failed and will be retried stops this pass: the next poll tries it again,
        // so a passing fault (a locked database) gets time to clear and later rows keep their order.
        if ((await this.#handle(row)) === "retry") return;
      }
    }
  }

  /** Stops after the message in hand. */
  async stop(): Promise<void> {
    this.#stopped = true;
    clearInterval(this.#pollTimer);
    await this.#running;
  }

  async #handle(row: InboxRow): Promise<"done" | "retry" | "failed"> {
    const { clock, logger, metrics } = this.#deps;
    const id = Number(row.id);
    try {
      const outcome = await handleInboxRow(this.#deps, row, clock.now());
      metrics.inboundProcessed++;
      if (outcome.fallback !== null && outcome.fallback !== "none") metrics.guardrailFallbacks++;
      logger.debug({ inboxId: id, stage: outcome.stage, silent: outcome.silentBecause }, "inbound handled");
      this.#deps.onProcessed?.(id, outcome);
      return "done";
    } catch (error) {
      const reason = error instanceof Error ? `${error.name}: ${error.message}` : String(error);
      const state = await markInboxAttemptFailed(this.#deps.db, id, reason, MAX_INBOX_ATTEMPTS, clock.now());
      logger.error({ inboxId: id, err: error, state }, "inbound message failed");
      if (state === "failed") {
        metrics.inboundFailed++;
        this.#deps.onProcessed?.(id, null);
      }
      return state;
    }
  }
}
