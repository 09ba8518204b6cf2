/**
 * The inbox worker: takes pending inbox rows in arrival order (so each
 * customer's messages are handled in order) and hands each to the inbound
 * handler. A failing row is retried, then parked, and the next one goes on.
 * @module
 */
import type { Kysely } from "kysely";
import type { Logger } from "../log.js";
import { type Database, type InboxRow, markInboxAttemptFailed, pendingInboxRows, savepoint } from "../store/index.js";
import type { Clock } from "./clock.js";
import type { GroupCommit } from "./group-commit.js";
import { handleInboxRowInTransaction, type InboundHandlerDeps, type InboundOutcome } from "./inbound-handler.js";
import type { InstanceCoordination } from "./instances.js";
import type { EngineMetrics } from "./metrics.js";
import { RepeatingPass } from "./repeating-pass.js";

/** A row that fails this many times (one try per poll, about a second apart) is parked as `failed`. */
export const MAX_INBOX_ATTEMPTS = 10;
/** Most rows handled per transaction. */
const BATCH_SIZE = 64;
/** A batch takes no new row after this many ms, so intake never waits long for SQLite's write lock. */
const BATCH_BUDGET_MS = 8;
/**
 * The same on PostgreSQL, where intake never waits for the worker (row locks): longer, so a batch
 * shares one lease, one claim and one commit among many rows, but well inside the chats' lease
 * (an eighth of it), which nothing renews while the batch runs.
 */
const SHARED_BATCH_BUDGET_MS = 250;

/** Each row is handled in a savepoint of the batch: a failing row rolls back alone. */
const inRowSavepoint = savepoint("inbox_row");

/** What the worker needs. */
export interface InboxWorkerDeps extends InboundHandlerDeps {
  clock: Clock;
  logger: Logger;
  metrics: EngineMetrics;
  /** Many instances on PostgreSQL: rows are taken only from chats leased to this instance. Unset: one instance. */
  coordination?: InstanceCoordination | undefined;
  /** Called after each row is handled (or parked). */
  onProcessed?: (inboxId: number, outcome: InboundOutcome | null) => void;
  /**
   * Intake's group commit (shared with the sender's records): what is queued there when a batch
   * takes the connection is committed with the batch, in its one disk sync.
   */
  sharedCommits?: GroupCommit | undefined;
}

/** Processes the inbox. */
export class InboxWorker {
  readonly #deps: InboxWorkerDeps;
  readonly #loop: RepeatingPass;

  readonly #budgetMs: number;

  constructor(deps: InboxWorkerDeps) {
    this.#deps = deps;
    const leaseMs = deps.coordination?.leaseMs;
    this.#budgetMs = leaseMs === undefined ? BATCH_BUDGET_MS : Math.min(SHARED_BATCH_BUDGET_MS, leaseMs / 8);
    this.#loop = new RepeatingPass(
      () => this.drain(),
      (error) => deps.logger.error({ err: error }, "inbox drain failed"),
    );
  }

  /** Starts a safety poll and handles whatever is pending (e.g. rows left by a crash). */
  start(pollMs = 1_000): void {
    this.#loop.start(pollMs);
  }

  /** Asks for a drain as soon as possible. */
  kick(): void {
    this.#loop.kick();
  }

  /**
   * Handles pending rows until none is left. Rows are handled in batches, one
   * transaction (one disk sync) per batch and a savepoint per row, so one
   * failing row rolls back alone; callbacks run after the batch is committed.
   */
  async drain(): Promise<void> {
    for (;;) {
      const coordination = this.#deps.coordination;
      const rows = await (coordination?.claimInbox(BATCH_SIZE) ?? pendingInboxRows(this.#deps.db, BATCH_SIZE));
      if (rows.length === 0 || this.#loop.stopped) {
        await coordination?.releaseChats(chatsOf(rows));
        return;
      }
      let results: RowResult[];
      try {
        results = await this.#handleBatch(rows);
      } finally {
        // Committed (or rolled back): another instance may take these chats now.
        await coordination?.releaseChats(chatsOf(rows));
      }
      for (const result of results) this.#report(result);
      // A row that failed and will be retried stops this pass: the next poll tries it again,
      // so a passing fault (a locked database) gets time to clear and later rows keep their order.
      if (results.some((r) => r.state === "retry")) return;
    }
  }

  /** Stops after the message in hand. */
  async stop(): Promise<void> {
    await this.#loop.stop();
  }

  async #handleBatch(rows: InboxRow[]): Promise<RowResult[]> {
    const { db, clock } = this.#deps;
    const now = clock.now();
    const results: RowResult[] = [];
    let settleUnits: ((failure?: { error: unknown }) => void) | undefined;
    try {
      await db.transaction().execute(async (trx) => {
        // One connection (SQLite): what waits for it commits with this batch. Not with many instances,
        // where intake never waits for the worker and a batch runs far longer.
        const coordination = this.#deps.coordination;
        if (coordination === undefined) {
          settleUnits = await this.#deps.sharedCommits?.absorb(trx);
          return this.#handleRows(trx, rows, now, results);
        }
        // Our lease may have lapsed before this commit began (a slow instance): what another instance
        // handled meanwhile is done, and is not handled again here.
        const pending = await coordination.lockPendingInbox(
          trx,
          rows.map((row) => Number(row.id)),
        );
        await this.#handleRows(
          trx,
          rows.filter((row) => pending.has(Number(row.id))),
          now,
          results,
        );
      });
    } catch (error) {
      settleUnits?.({ error });
      throw error;
    }
    settleUnits?.();
    return results;
  }

  async #handleRows(trx: Kysely<Database>, rows: InboxRow[], now: number, results: RowResult[]): Promise<void> {
    const started = performance.now();
    for (const row of rows) {
      if (this.#loop.stopped) return;
      // Hold the write lock briefly: webhooks waiting to be persisted queue behind this batch.
      if (results.length > 0 && performance.now() - started > this.#budgetMs) return;
      const id = Number(row.id);
      try {
        const outcome = await inRowSavepoint(trx, () =>
          handleInboxRowInTransaction({ ...this.#deps, db: trx }, row, now),
        );
        results.push({ id, outcome, state: "done", error: null });
      } catch (error) {
        const reason = error instanceof Error ? `${error.name}: ${error.message}` : String(error);
        const state = await markInboxAttemptFailed(trx, id, reason, MAX_INBOX_ATTEMPTS, now);
        results.push({ id, outcome: null, state, error });
        if (state === "retry") return;
      }
    }
  }

  #report({ id, outcome, state, error }: RowResult): void {
    const { logger, metrics } = this.#deps;
    if (outcome !== null) {
      metrics.inboundProcessed++;
      if (outcome.fallback !== null && outcome.fallback !== "none") metrics.guardrailFallbacks++;
      logger.debug({ inboxId: id, stage: outcome.stage, silent: outcome.silentBecause }, "inbound handled");
      this.#deps.onProcessed?.(id, outcome);
      return;
    }
    logger.error({ inboxId: id, err: error, state }, "inbound message failed");
    if (state === "failed") {
      metrics.inboundFailed++;
      this.#deps.onProcessed?.(id, null);
    }
  }
}

function chatsOf(rows: readonly InboxRow[]): string[] {
  return [...new Set(rows.map((row) => row.identity_index))];
}

/** What became of one row of a batch. */
interface RowResult {
  id: number;
  outcome: InboundOutcome | null;
  state: "done" | "retry" | "failed";
  error: unknown;
}
