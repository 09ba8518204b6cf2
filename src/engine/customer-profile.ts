/**
 * The customer profile: Closer's long-term memory of one customer, stored
 * encrypted, shown in the dashboard and available to templates.
 * @module
 */
import { z } from "zod";

/** The profile schema; defaults make an empty profile for a new customer. */
export const profileSchema = z.object({
  /** Product ids (and free-text interests) the customer asked about, most recent last. */
  interests: z.array(z.string()).default([]),
  /** Concern names from the funnel (price, shipping, quality, trust, …), most recent last. */
  concerns: z.array(z.string()).default([]),
  /** 0 (no trust) … 10 (full trust). */
  trustLevel: z.number().min(0).max(10).default(2),
  /** Estimated probability (0–1) that this customer buys in this journey. */
  purchaseProbability: z.number().min(0).max(1).default(0.05),
  /** One sentence for whoever answers next (bot or human). */
  recommendedApproach: z.string().default("Welcome them warmly and find out what they need."),
  /** BCP 47 language tag. */
  language: z.string().default("en"),
  /** How sure the last confident detection of `language` was (0–1); 0 = assumed (the shop's language). */
  languageConfidence: z.number().min(0).max(1).default(0),
  /** The journey in which the shop was told this customer is a hot lead (one alert per journey). */
  hotLeadJourney: z.number().int().nullable().default(null),
  /** IANA time zone, guessed from the phone's country code; null when unknown. */
  timeZone: z.string().nullable().default(null),
  /** The product the conversation is about, if any (catalog id). */
  lastProductId: z.string().nullable().default(null),
  /** Number of objections raised in this journey. */
  objections: z.number().int().min(0).default(0),
  /** Number of inbound messages in this journey. */
  messagesThisJourney: z.number().int().min(0).default(0),
});

/** A customer profile. */
export type Profile = z.infer<typeof profileSchema>;

/** Parses a stored profile, filling defaults for fields added since it was written. */
export function parseProfile(value: unknown): Profile {
  const result = profileSchema.safeParse(value ?? {});
  return result.success ? result.data : profileSchema.parse({});
}
