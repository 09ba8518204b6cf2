/**
 * The report's customers: top interests and concerns and the objections of the
 * customers won and lost in the period, the reasons given with lost outcomes,
 * and the languages of the customers who wrote. Profiles are encrypted at rest;
 * they are decrypted here, counted, and never leave as text about one person.
 * @module
 */
import type { Kysely } from "kysely";
import { CUSTOMER_AAD, type Database, type FieldCipher } from "../store/index.js";
import type { ReportPeriod } from "./report-period.js";
import { idChunks, inSpan, type ReportRows, topTallies } from "./report-rows.js";
import type { WeeklyReport } from "./weekly-report-schema.js";

/** How many interests, concerns, reasons and languages each list keeps. */
export const TOP_N = 5;

/** The profile fields the report counts (the engine owns the profile's full schema). */
interface ProfileFacts {
  interests: string[];
  concerns: string[];
  language: string | null;
  objections: number;
  /** Where the customer came from: the ad's app and headline, or null without an ad referral. */
  source: string | null;
}

/** The source name of a customer who did not arrive through an ad. */
export const DIRECT_SOURCE = "direct (no ad)";

/** Builds the customers section. `activeIds`: the customers who wrote in the period. */
export async function customersSection(
  db: Kysely<Database>,
  cipher: FieldCipher,
  rows: ReportRows,
  period: ReportPeriod,
  activeIds: readonly string[],
): Promise<WeeklyReport["customers"]> {
  const current = { from: period.from, to: period.to };
  const outcomesNow = rows.outcomes.filter((o) => inSpan(o.at, current));
  const wonIds = new Set(outcomesNow.filter((o) => o.outcome === "won").map((o) => o.customerId));
  const lostIds = new Set(outcomesNow.filter((o) => o.outcome === "lost").map((o) => o.customerId));
  const profiles = await loadProfiles(db, cipher, [...new Set([...wonIds, ...lostIds, ...activeIds])]);
  const group = (ids: ReadonlySet<string>) => {
    const mine = [...ids].flatMap((id) => {
      const p = profiles.get(id);
      return p === undefined ? [] : [p];
    });
    return {
      customers: ids.size,
      interests: topTallies(
        mine.flatMap((p) => [...new Set(p.interests)]),
        TOP_N,
      ),
      concerns: topTallies(
        mine.flatMap((p) => [...new Set(p.concerns)]),
        TOP_N,
      ),
      objections: mine.reduce((total, p) => total + p.objections, 0),
    };
  };
  return {
    won: group(wonIds),
    lost: group(lostIds),
    lostReasons: topTallies(
      outcomesNow.filter((o) => o.outcome === "lost").map((o) => o.reason?.trim() || "(none given)"),
      TOP_N,
    ),
    languages: topTallies(
      activeIds.flatMap((id) => {
        const language = profiles.get(id)?.language;
        return language ? [language] : [];
      }),
      TOP_N,
    ),
    sources: topTallies(
      activeIds.map((id) => profiles.get(id)?.source ?? DIRECT_SOURCE),
      TOP_N,
    ),
  };
}

async function loadProfiles(
  db: Kysely<Database>,
  cipher: FieldCipher,
  ids: readonly string[],
): Promise<Map<string, ProfileFacts>> {
  const out = new Map<string, ProfileFacts>();
  if (ids.length === 0) return out;
  for (const chunk of idChunks(ids)) {
    const rows = await db
      .selectFrom("customers")
      .select(["id", "profile_enc", "referral_json"])
      .where("id", "in", chunk)
      .execute();
    for (const row of rows) {
      const facts = profileFacts(cipher.decryptJson(row.profile_enc, CUSTOMER_AAD.profile(row.id)));
      out.set(row.id, { ...facts, source: sourceOf(row.referral_json) });
    }
  }
  return out;
}

/** `app: headline` of the ad a customer came from (the engine stores it as JSON), or null. */
function sourceOf(referralJson: string | null): string | null {
  if (referralJson === null) return null;
  try {
    const r = JSON.parse(referralJson) as Record<string, unknown>;
    const text = (v: unknown) => (typeof v === "string" && v.trim() !== "" ? v.trim() : null);
    const what = text(r["headline"]) ?? text(r["sourceId"]) ?? text(r["sourceType"]) ?? "ad";
    const app = text(r["app"]);
    return app === null ? what : `${app}: ${what}`;
  } catch {
    return "ad";
  }
}

function profileFacts(value: unknown): Omit<ProfileFacts, "source"> {
  const p = (typeof value === "object" && value !== null ? value : {}) as Record<string, unknown>;
  const strings = (v: unknown) => (Array.isArray(v) ? v.filter((x): x is string => typeof x === "string") : []);
  return {
    interests: strings(p["interests"]),
    concerns: strings(p["concerns"]),
    language: typeof p["language"] === "string" ? p["language"] : null,
    objections: typeof p["objections"] === "number" && p["objections"] >= 0 ? Math.floor(p["objections"]) : 0,
  };
}
