/**
 * Many instances on one PostgreSQL database: who this instance is, and the
 * claims it takes before handling a chat's messages or sending a reply, plus
 * the number's send window shared by every instance (the pacing caps hold for
 * the number, not per instance). On SQLite there is one instance and none of
 * this is used (`instanceCoordination` returns undefined).
 * @module
 */
import { randomBytes } from "node:crypto";
import { hostname } from "node:os";
import type { Kysely } from "kysely";
import {
  admitSendSlot,
  bumpChangeVersion,
  changeVersions,
  claimInboxRows,
  claimOutboxHeads,
  type Database,
  holdLiveness,
  type InboxRow,
  type Liveness,
  lockPendingInboxRows,
  type OutboxRow,
  recordSendSlot,
  releaseChatLeases,
  releaseSendSlot,
  runJobOnce,
  sqlDialectOf,
  startClaimedOutboxSend,
} from "../store/index.js";
import type { Clock } from "./clock.js";
import { GATEWAY_REQUEST_TIMEOUT_MS } from "./gateway/index.js";
import { nextSendSlot, type PacingConfig } from "./pacing.js";
import { type SendReservation, SendWindow } from "./send-window.js";

/** The number's recent sends, in memory (one instance) or in the database (many). */
export interface PacingWindow {
  admit(
    now: number,
    pacing: PacingConfig,
  ): SendReservation | { notBefore: number } | Promise<SendReservation | { notBefore: number }>;
  release(reservation: SendReservation | null): void | Promise<void>;
  record(at: number, reservation?: SendReservation | null): void | Promise<void>;
}

/** What an instance sharing the database takes before it works. */
export interface InstanceCoordination {
  /** `host:pid:random`, unique per process. */
  readonly holder: string;
  /** How long a lease or claim holds without renewal, ms (INSTANCE_LEASE_MS). */
  readonly leaseMs: number;
  /** Pending inbox rows of the chats leased to this instance now, oldest first. */
  claimInbox(limit: number): Promise<InboxRow[]>;
  /**
   * Of the inbox rows `ids` claimed, those still pending, locked in `trx` (the transaction that handles
   * them): rows another instance handled meanwhile (our lease lapsed) are left out.
   */
  lockPendingInbox(trx: Kysely<Database>, ids: readonly number[]): Promise<Set<number>>;
  /** Gives back the leases of these chats (their rows are handled). */
  releaseChats(chats: readonly string[]): Promise<void>;
  /** The outbox heads (one per chat, due or not) claimed by this instance now. */
  claimOutbox(limit: number): Promise<OutboxRow[]>;
  /**
   * Marks claimed outbox row `id` as being sent (see `startOutboxSend`) and extends the claim, unless
   * another instance took it over meanwhile: false then, and this instance must not send it.
   */
  startSend(db: Kysely<Database>, id: number, attempt: { sendHash: string; startedAt: number }): Promise<boolean>;
  /** The shared send window. */
  readonly window: PacingWindow;
  /** Runs a scheduled job unless another instance runs or just ran it; true when it ran here. */
  runOnce(name: string, fn: () => Promise<void>): Promise<boolean>;
  /**
   * Takes this instance's liveness lock: from then on, when this process dies, the others take its
   * chats and replies over at once instead of after the lease. Call before the workers start.
   */
  start(onLost: (error: unknown) => void): Promise<void>;
  /** Gives back every chat lease this instance holds, then its liveness lock (at stop). */
  releaseAll(): Promise<void>;
}

/** How often the liveness lock's connection is checked (and the lock taken again if it was lost). */
const LIVENESS_HEARTBEAT_MS = 5_000;

/** How long a reply's claim holds once its send starts: the gateway call's timeout, and a margin. */
export const SEND_CLAIM_MS = GATEWAY_REQUEST_TIMEOUT_MS + 5_000;

/** A unique id for this process. */
export function instanceId(): string {
  return `${hostname()}:${process.pid}:${randomBytes(3).toString("hex")}`;
}

/**
 * The coordination for `db`: undefined on SQLite (one instance; the in-memory
 * paths stay as they are), the database-backed claims on PostgreSQL. A claim
 * lapses after `leaseMs`: that long after a crash, another instance takes the
 * crashed one's chats and replies over.
 */
export function instanceCoordination(
  db: Kysely<Database>,
  clock: Clock,
  leaseMs: number,
  holder: string = instanceId(),
): InstanceCoordination | undefined {
  if (sqlDialectOf(db) !== "postgres") return undefined;
  let liveness: Liveness | undefined;
  return {
    holder,
    leaseMs,
    async start(onLost) {
      liveness ??= await holdLiveness(db, holder, LIVENESS_HEARTBEAT_MS, onLost);
    },
    // Only an instance that holds its own liveness lock takes over those of instances whose lock is gone.
    claimInbox: (limit) => claimInboxRows(db, holder, limit, clock.now(), leaseMs, liveness !== undefined),
    lockPendingInbox: (trx, ids) => lockPendingInboxRows(trx, ids),
    releaseChats: (chats) => releaseChatLeases(db, holder, chats),
    claimOutbox: (limit) => claimOutboxHeads(db, holder, limit, clock.now(), leaseMs, liveness !== undefined),
    // A send's claim outlasts the gateway call (its timeout): a slow but live instance is never
    // thought dead, and its reply sent again, while it still waits for the gateway's answer.
    startSend: (trx, id, attempt) =>
      startClaimedOutboxSend(trx, id, holder, attempt, clock.now(), Math.max(leaseMs, SEND_CLAIM_MS)),
    window: new SharedSendWindow(db, holder),
    async runOnce(name, fn) {
      const run = await runJobOnce(db, { name, holder, now: () => clock.now() }, fn);
      return run.ran;
    },
    async releaseAll() {
      await releaseChatLeases(db, holder);
      await liveness?.release();
      liveness = undefined;
    },
  };
}

/** The in-memory window of a single instance. */
export function localPacingWindow(): PacingWindow {
  return new SendWindow();
}

/** A reservation backed by a `send_slots` row. */
interface SlotReservation extends SendReservation {
  readonly slotId: number;
}

/** The send window in `send_slots`, admitted under an advisory lock so two instances never both take the last slot. */
class SharedSendWindow implements PacingWindow {
  readonly #db: Kysely<Database>;
  readonly #holder: string;

  constructor(db: Kysely<Database>, holder: string) {
    this.#db = db;
    this.#holder = holder;
  }

  async admit(now: number, pacing: PacingConfig): Promise<SendReservation | { notBefore: number }> {
    const admitted = await admitSendSlot(this.#db, this.#holder, now, (recent, at) => nextSendSlot(recent, at, pacing));
    if ("notBefore" in admitted) return admitted;
    const reservation: SlotReservation = { at: now, slotId: admitted.slotId };
    return reservation;
  }

  async release(reservation: SendReservation | null): Promise<void> {
    if (reservation === null || !("slotId" in reservation)) return;
    await releaseSendSlot(this.#db, (reservation as SlotReservation).slotId);
  }

  async record(at: number, reservation: SendReservation | null = null): Promise<void> {
    if (reservation !== null && "slotId" in reservation) {
      await recordSendSlot(this.#db, (reservation as SlotReservation).slotId, at);
    }
  }
}

/**
 * Tells other instances that shared state `name` changed here (a playbook
 * reload), and calls `onChange(name)` when another instance changed it: the
 * versions in `change_versions` are polled every `intervalMs`.
 * @returns `bump(name)` to call after a change made here, and `stop()`.
 */
export function watchSharedChanges(
  db: Kysely<Database>,
  clock: Clock,
  intervalMs: number,
  onChange: (name: string) => void,
  onError: (error: unknown) => void,
): { bump(name: string): Promise<void>; stop(): void } {
  let known: Map<string, number> | undefined;
  let busy = false;
  const poll = async () => {
    if (busy) return;
    busy = true;
    try {
      const now = await changeVersions(db);
      if (known !== undefined) {
        for (const [name, version] of now) if (version > (known.get(name) ?? 0)) onChange(name);
      }
      known = now;
    } catch (error) {
      onError(error);
    } finally {
      busy = false;
    }
  };
  void poll();
  const timer = setInterval(() => void poll(), intervalMs);
  timer.unref();
  return {
    async bump(name) {
      await bumpChangeVersion(db, name, clock.now());
      // Our own change is not news to us.
      const now = await changeVersions(db);
      const version = now.get(name);
      if (known !== undefined && version !== undefined) known.set(name, version);
    },
    stop() {
      clearInterval(timer);
    },
  };
}
