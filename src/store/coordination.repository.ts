/**
 * What lets several instances share one PostgreSQL database: chat leases
 * (one instance handles a chat's inbound messages at a time), outbox claims
 * (one instance sends a reply), job runs under an advisory lock, the shared
 * send slots of the pacing caps, and change versions other instances poll.
 * Every lease and claim has an expiry, so the work of a crashed instance is
 * taken over once it lapses. These statements are PostgreSQL's (`for update
 * skip locked`, advisory locks); a single SQLite instance does not use them.
 * @module
 */
import { type Kysely, type RawBuilder, sql } from "kysely";
import type { Database, InboxRow, OutboxRow } from "./database.js";

/**
 * Takes the inbound work this instance may do now: the chats of the oldest
 * pending inbox rows (rows other claimers hold are skipped, `skip locked`)
 * whose lease is free, lapsed or already ours, leased to `holder` until
 * `now + leaseMs`; then every pending row of those chats, oldest first, up to
 * `limit`. Holding a chat's lease is what allows handling its rows, so a
 * chat's messages are handled in order, by one instance at a time.
 */
export async function claimInboxRows(
  db: Kysely<Database>,
  holder: string,
  limit: number,
  now: number,
  leaseMs: number,
  takeOverGone = false,
): Promise<InboxRow[]> {
  const chats = await db.transaction().execute(async (trx) => {
    const candidates = await trx
      .selectFrom("inbox")
      .select("identity_index")
      .where("status", "=", "pending")
      .orderBy("id")
      .limit(limit)
      .forUpdate()
      .skipLocked()
      .execute();
    const wanted = [...new Set(candidates.map((row) => row.identity_index))];
    return leaseChats(trx, holder, wanted, now, leaseMs, takeOverGone);
  });
  if (chats.length === 0) return [];
  return db
    .selectFrom("inbox")
    .selectAll()
    .where("status", "=", "pending")
    .where("identity_index", "in", chats)
    .orderBy("id")
    .limit(limit)
    .execute();
}

/**
 * Of the inbox rows `ids` (read when their chats were leased), the ones still pending, locked in `trx`
 * until it ends. Called first in the transaction that handles them: when this instance's lease lapsed
 * before (it was slow) and another instance leased the chat and handled some of these rows, the lock
 * waits for that instance's commit and those rows come back `done`, so no message is handled twice.
 */
export async function lockPendingInboxRows(trx: Kysely<Database>, ids: readonly number[]): Promise<Set<number>> {
  if (ids.length === 0) return new Set();
  const rows = await trx
    .selectFrom("inbox")
    .select("id")
    .where("id", "in", ids)
    .where("status", "=", "pending")
    .orderBy("id")
    .forUpdate()
    .execute();
  return new Set(rows.map((row) => Number(row.id)));
}

/**
 * Leases `chats` to `holder` until `now + leaseMs` where no other instance
 * holds them (a lapsed lease counts as free, and with `takeOverGone` so does
 * the lease of an instance whose liveness lock is gone: see `holdLiveness`).
 * Two instances asking at once serialise on the row; the second sees the
 * first's lease and gets nothing.
 * @returns the chats now leased to `holder`.
 */
export async function leaseChats(
  db: Kysely<Database>,
  holder: string,
  chats: readonly string[],
  now: number,
  leaseMs: number,
  takeOverGone = false,
): Promise<string[]> {
  if (chats.length === 0) return [];
  const rows = await db
    .insertInto("chat_leases")
    .values(chats.map((chat) => ({ chat, holder, expires_at: now + leaseMs })))
    .onConflict((oc) =>
      oc
        .column("chat")
        .doUpdateSet({ holder, expires_at: now + leaseMs })
        .where((eb) =>
          eb.or([
            eb("chat_leases.holder", "=", holder),
            eb("chat_leases.expires_at", "<", now),
            ...(takeOverGone ? [holderGone(sql.ref("chat_leases.holder"))] : []),
          ]),
        ),
    )
    .returning("chat")
    .execute();
  return rows.map((row) => row.chat);
}

/** Gives back `holder`'s leases of `chats` (all of them when omitted). */
export async function releaseChatLeases(
  db: Kysely<Database>,
  holder: string,
  chats?: readonly string[],
): Promise<void> {
  if (chats !== undefined && chats.length === 0) return;
  let query = db.deleteFrom("chat_leases").where("holder", "=", holder);
  if (chats !== undefined) query = query.where("chat", "in", chats);
  await query.execute();
}

/**
 * Claims the heads of the chats' outbox queues for `holder` until
 * `now + leaseMs`: per customer, the oldest row still to finish, when its
 * claim is free, lapsed or already ours (rows not due yet too, so the sender
 * knows when to wake; it sends only due ones); rows other claimers are
 * taking now are skipped (`skip locked`). A later reply never overtakes an
 * earlier one (only heads are claimed), and no two instances send one reply.
 */
export async function claimOutboxHeads(
  db: Kysely<Database>,
  holder: string,
  limit: number,
  now: number,
  leaseMs: number,
  takeOverGone = false,
): Promise<OutboxRow[]> {
  // A reply whose send had started stays with its claim (the gateway's timeout) even when its holder
  // looks gone: a live instance whose liveness session was cut may still be waiting for the gateway,
  // and taking the reply over at once could send it twice.
  const gone = takeOverGone ? sql`or (o.status <> 'sending' and ${holderGone(sql.ref("o.claimed_by"))})` : sql``;
  // A head is an open row with no older open row of its customer: with the statuses as literals the
  // probe reads the partial index outbox_open_customer_idx, so a claim costs the open rows, not the
  // chat's whole history (a `min(id)` per row read every sent reply: seconds per claim, then a stall).
  const claimed = await sql<OutboxRow>`
    update outbox set claimed_by = ${holder},
      -- A renewal never shortens a claim (a send in flight holds its own for the gateway's timeout).
      claim_expires_at = case when claimed_by = ${holder} and claim_expires_at > ${now + leaseMs}
        then claim_expires_at else ${now + leaseMs} end
    where id in (
      select o.id from outbox o
      where o.status in ('pending', 'sending', 'composing')
        and not exists (
          select 1 from outbox older
          where older.customer_id = o.customer_id
            and older.status in ('pending', 'sending', 'composing')
            and older.id < o.id)
        and (o.claimed_by is null or o.claimed_by = ${holder} or o.claim_expires_at < ${now} ${gone})
      order by o.next_attempt_at, o.id
      limit ${limit}
      for update of o skip locked)
    returning *`.execute(db);
  return claimed.rows.sort((a, b) => a.next_attempt_at - b.next_attempt_at || Number(a.id) - Number(b.id));
}

/**
 * Records that `holder` calls the gateway for outbox row `id` now (`sending`, with the text's hash and
 * the attempt time, as `startOutboxSend`) and extends its claim to `now + leaseMs`, only while the row
 * is still claimed by `holder` and still open. False when another instance took the claim over (ours
 * lapsed while this instance was slow), or settled the reply meanwhile (it found an interrupted send
 * in the gateway's history and recorded it while we held a claim read before): then this instance
 * must not send.
 */
export async function startClaimedOutboxSend(
  db: Kysely<Database>,
  id: number,
  holder: string,
  attempt: { sendHash: string; startedAt: number },
  now: number,
  leaseMs: number,
): Promise<boolean> {
  const result = await db
    .updateTable("outbox")
    .set({
      status: "sending",
      send_hash: attempt.sendHash,
      send_started_at: attempt.startedAt,
      claim_expires_at: now + leaseMs,
    })
    .where("id", "=", id)
    .where("claimed_by", "=", holder)
    .where("status", "in", ["pending", "sending"])
    .executeTakeFirst();
  return Number(result.numUpdatedRows) === 1;
}

/**
 * The first key of every instance's liveness lock (PostgreSQL's two-key advisory lock); the second is
 * `hashtext(holder)`. The lock lives as long as the instance's session: when the process dies, even by
 * SIGKILL, the server ends the session and the lock is gone at once.
 */
const LIVENESS_NAMESPACE = 0x436c7372;

/**
 * True when no session holds `holder`'s liveness lock: the instance that took the lease or claim has
 * died (or never took the lock). Two holders whose hashes collide only make a dead one look alive,
 * which leaves its work to the lease's expiry, as without this check.
 */
function holderGone(holder: RawBuilder<unknown>): RawBuilder<boolean> {
  return sql<boolean>`not exists (
    select 1 from pg_locks l
    where l.locktype = 'advisory' and l.granted and l.objsubid = 2
      and l.database = (select oid from pg_database where datname = current_database())
      and l.classid = ${sql.lit(LIVENESS_NAMESPACE)}::oid
      and l.objid = (hashtext(${holder})::int8 & 4294967295)::oid)`;
}

/** What `holdLiveness` returns. */
export interface Liveness {
  /** Gives the lock back and returns its connection to the pool. */
  release(): Promise<void>;
}

/**
 * Takes `holder`'s liveness lock on a connection of its own and keeps it for as long as the instance
 * runs, checking the session every `heartbeatMs` and taking the lock again on a new connection when
 * the old one was lost (`onLost` is told). Other instances read the lock to know a holder is gone
 * without waiting for its leases to lapse. Resolves once the lock is held. PostgreSQL only.
 */
export async function holdLiveness(
  db: Kysely<Database>,
  holder: string,
  heartbeatMs: number,
  onLost: (error: unknown) => void,
): Promise<Liveness> {
  let stopped = false;
  let wake = () => {};
  let held: () => void = () => {};
  const first = new Promise<void>((resolve) => {
    held = resolve;
  });
  const pause = (ms: number) =>
    new Promise<void>((resolve) => {
      wake = resolve;
      setTimeout(resolve, ms).unref();
    });
  const loop = (async () => {
    while (!stopped) {
      try {
        await db.connection().execute(async (conn) => {
          await sql`select pg_advisory_lock(${sql.lit(LIVENESS_NAMESPACE)}, hashtext(${holder}))`.execute(conn);
          held();
          while (!stopped) {
            await pause(heartbeatMs);
            await sql`select 1`.execute(conn);
          }
          await sql`select pg_advisory_unlock(${sql.lit(LIVENESS_NAMESPACE)}, hashtext(${holder}))`.execute(conn);
        });
      } catch (error) {
        if (stopped) return;
        onLost(error);
        await pause(heartbeatMs);
      }
    }
  })();
  await Promise.race([first, loop]);
  return {
    async release() {
      stopped = true;
      wake();
      await loop;
    },
  };
}

/** A number well inside PostgreSQL's bigint for an advisory lock key, from a name. */
export function advisoryKey(name: string): number {
  let hash = 0x811c9dc5;
  for (let i = 0; i < name.length; i++) {
    hash ^= name.charCodeAt(i);
    hash = Math.imul(hash, 0x01000193) >>> 0;
  }
  return hash;
}

/** Options of `runJobOnce`. */
export interface RunJobOnceOptions {
  /** The job's name (`weights`, `windows`, …): one lock and one `job_runs` row per name. */
  readonly name: string;
  readonly holder: string;
  readonly now: () => number;
  /**
   * A run that started less than this long ago counts as this tick's run, so an
   * instance whose cron fires a little later (clocks differ by a second) does
   * not run the job again. Default 30 s.
   */
  readonly dedupMs?: number;
}

/**
 * Runs `fn` on one instance: under a session advisory lock on one connection
 * (another instance holding it skips), and only when no run started within
 * `dedupMs` (recorded in `job_runs`).
 * @returns `ran` with fn's result, or `skipped` when another instance runs or ran it.
 */
export async function runJobOnce<T>(
  db: Kysely<Database>,
  { name, holder, now, dedupMs = 30_000 }: RunJobOnceOptions,
  fn: () => Promise<T>,
): Promise<{ ran: true; result: T } | { ran: false }> {
  const key = advisoryKey(`job:${name}`);
  return db.connection().execute(async (conn) => {
    const locked = await sql<{ ok: boolean }>`select pg_try_advisory_lock(${key}) as ok`.execute(conn);
    if (locked.rows[0]?.ok !== true) return { ran: false };
    try {
      const last = await conn.selectFrom("job_runs").select("started_at").where("name", "=", name).executeTakeFirst();
      const startedAt = now();
      if (last !== undefined && startedAt - last.started_at < dedupMs) return { ran: false };
      await conn
        .insertInto("job_runs")
        .values({ name, holder, started_at: startedAt, finished_at: null })
        .onConflict((oc) => oc.column("name").doUpdateSet({ holder, started_at: startedAt, finished_at: null }))
        .execute();
      const result = await fn();
      await conn.updateTable("job_runs").set({ finished_at: now() }).where("name", "=", name).execute();
      return { ran: true, result };
    } finally {
      await sql`select pg_advisory_unlock(${key})`.execute(conn);
    }
  });
}

/**
 * Admits one send of the number at `now` across instances: under a
 * transaction advisory lock, reads the number's sends of the last hour from
 * `send_slots`, asks `nextSlot` when the next one is allowed, and when that is
 * now records the send. Returns the new slot's id, or the time to wait for.
 */
export async function admitSendSlot(
  db: Kysely<Database>,
  holder: string,
  now: number,
  nextSlot: (recent: number[], now: number) => number,
): Promise<{ slotId: number } | { notBefore: number }> {
  return db.transaction().execute(async (trx) => {
    await sql`select pg_advisory_xact_lock(${advisoryKey("send_slots")})`.execute(trx);
    const recent = await trx
      .selectFrom("send_slots")
      .select("at")
      .where("at", ">", now - 3_600_000)
      .execute();
    const slot = nextSlot(
      recent.map((row) => row.at),
      now,
    );
    if (slot > now) return { notBefore: slot };
    const row = await trx
      .insertInto("send_slots")
      .values({ holder, at: now })
      .returning("id")
      .executeTakeFirstOrThrow();
    // Older slots no longer count against any cap.
    await trx
      .deleteFrom("send_slots")
      .where("at", "<=", now - 3_600_000)
      .execute();
    return { slotId: Number(row.id) };
  });
}

/** Moves a send slot to the time the send happened. */
export async function recordSendSlot(db: Kysely<Database>, slotId: number, at: number): Promise<void> {
  await db.updateTable("send_slots").set({ at }).where("id", "=", slotId).execute();
}

/** Gives back a send slot whose send did not happen. */
export async function releaseSendSlot(db: Kysely<Database>, slotId: number): Promise<void> {
  await db.deleteFrom("send_slots").where("id", "=", slotId).execute();
}

/** Bumps the version of shared state `name` (after this instance changed it). */
export async function bumpChangeVersion(db: Kysely<Database>, name: string, now: number): Promise<void> {
  await db
    .insertInto("change_versions")
    .values({ name, version: 1, updated_at: now })
    .onConflict((oc) =>
      oc.column("name").doUpdateSet((eb) => ({ version: eb("change_versions.version", "+", 1), updated_at: now })),
    )
    .execute();
}

/** The version of every shared state that was ever changed. */
export async function changeVersions(db: Kysely<Database>): Promise<Map<string, number>> {
  const rows = await db.selectFrom("change_versions").select(["name", "version"]).execute();
  return new Map(rows.map((row) => [row.name, Number(row.version)]));
}
