/**
 * Customers as the engine stores them: phone, name and profile encrypted with
 * the data key, the phone's blind index for lookups, spread over the funnel's
 * stages. Written straight through better-sqlite3 in large transactions.
 * @module
 */
import { randomUUID } from "node:crypto";
import BetterSqlite3 from "better-sqlite3";
import { createSeededRandom, HOUR_MS } from "../../src/experiments/index.js";
import { CUSTOMER_AAD, createFieldCipher, sqliteFilePath } from "../../src/store/index.js";

/** The phone number of the `n`-th fixture customer (digits with country code). */
export function fixturePhone(n: number): string {
  return `62815${String(n).padStart(8, "0")}`;
}

const NAMES = ["Budi", "Siti", "Andi", "Dewi", "Rina", "Agus", "Putri", "Eko", "Maya", "Joko"];
const PRODUCTS = ["dutch-oven", "cast-iron-skillet", "chef-knife", "pour-over-kettle", "maple-cutting-board"];
const CONCERNS = ["price", "shipping", "quality", "trust"];

/**
 * Inserts `count` customers into the database in `dataDir` (migrated already),
 * encrypted with `dataKey` (base64 of 32 bytes), as the engine would have
 * after their conversations. Returns the time it took, ms.
 */
export function writeCustomers(
  dataDir: string,
  dataKey: string,
  stageIds: readonly string[],
  count: number,
  now: number,
): number {
  const started = performance.now();
  const cipher = createFieldCipher({ primary: Buffer.from(dataKey, "base64") });
  const rng = createSeededRandom(100_000);
  const pick = <T>(list: readonly T[]): T => list[Math.floor(rng.next() * list.length)] as T;
  const db = new BetterSqlite3(sqliteFilePath(dataDir));
  db.pragma("journal_mode = WAL");
  db.pragma("synchronous = OFF");
  const insert = db.prepare(
    `insert into customers (id, phone_index, phone_enc, lid_index, name_enc, stage, journey, stage_entered_at,
      profile_enc, opted_out, handoff_until, first_contact_at, last_inbound_at, last_interaction_at,
      conversation_count, created_at, updated_at)
     values (?, ?, ?, null, ?, ?, 1, ?, ?, ?, null, ?, ?, ?, ?, ?, ?)`,
  );
  const stages = [...stageIds, "won", "lost"];
  const writeMany = db.transaction((from: number, to: number) => {
    for (let n = from; n < to; n++) {
      const phone = fixturePhone(n);
      const first = now - rng.next() * 90 * 24 * HOUR_MS;
      const last = first + rng.next() * (now - first);
      const stage = pick(stages);
      const profile = {
        interests: [pick(PRODUCTS)],
        concerns: rng.next() < 0.5 ? [pick(CONCERNS)] : [],
        trustLevel: Math.floor(rng.next() * 10),
        purchaseProbability: Math.round(rng.next() * 100) / 100,
        recommendedApproach: "Answer the open question about shipping, then offer the bundle.",
        language: "en",
        timeZone: "Asia/Jakarta",
        lastProductId: pick(PRODUCTS),
        objections: Math.floor(rng.next() * 3),
        messagesThisJourney: 1 + Math.floor(rng.next() * 8),
      };
      const id = randomUUID();
      insert.run(
        id,
        cipher.blindIndex(phone),
        cipher.encrypt(phone, CUSTOMER_AAD.phone(id)),
        cipher.encrypt(pick(NAMES), CUSTOMER_AAD.name(id)),
        stage,
        Math.round(last),
        cipher.encryptJson(profile, CUSTOMER_AAD.profile(id)),
        rng.next() < 0.02 ? 1 : 0,
        Math.round(first),
        Math.round(last),
        Math.round(last),
        1 + Math.floor(rng.next() * 3),
        Math.round(first),
        Math.round(last),
      );
    }
  });
  for (let from = 0; from < count; from += 20_000) writeMany(from, Math.min(count, from + 20_000));
  db.pragma("wal_checkpoint(TRUNCATE)");
  db.close();
  return Math.round(performance.now() - started);
}
