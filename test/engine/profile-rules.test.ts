import { describe, expect, it } from "vitest";
import { type Profile, profileSchema } from "../../src/engine/customer-profile.js";
import {
  type MessageSignals,
  PROFILE_LIST_MAX,
  profileAfterOutcome,
  profileForNewJourney,
  timeZoneForPhone,
  updateProfile,
} from "../../src/engine/profile-rules.js";

const EMPTY: Profile = profileSchema.parse({});
const NONE: MessageSignals = { productIds: [], concerns: [], intent: "default", positive: false };

/** The default funnel's stages. */
const FIRST = { id: "first_contact", index: 0, count: 4 };
const TRUST = { id: "building_trust", index: 1, count: 4 };
const INTENT = { id: "intent", index: 2, count: 4 };
const CLOSING = { id: "closing", index: 3, count: 4 };

function signals(over: Partial<MessageSignals>): MessageSignals {
  return { ...NONE, ...over };
}

describe("updateProfile", () => {
  describe("interests and concerns", () => {
    it("should append named products and concerns, most recent last", () => {
      const once = updateProfile(EMPTY, signals({ productIds: ["kettle"], concerns: ["price"] }), FIRST, null);
      const twice = updateProfile(once, signals({ productIds: ["mug"], concerns: ["shipping"] }), FIRST, null);
      expect(twice.interests).toEqual(["kettle", "mug"]);
      expect(twice.concerns).toEqual(["price", "shipping"]);
    });

    it("should move a product named again to the end instead of repeating it", () => {
      const profile = { ...EMPTY, interests: ["kettle", "mug", "teapot"] };
      const next = updateProfile(profile, signals({ productIds: ["kettle", "kettle"] }), FIRST, null);
      expect(next.interests).toEqual(["mug", "teapot", "kettle"]);
    });

    it(`should keep only the ${PROFILE_LIST_MAX} most recent entries`, () => {
      const many = Array.from({ length: PROFILE_LIST_MAX }, (_, i) => `p${i}`);
      const next = updateProfile(
        { ...EMPTY, interests: many, concerns: many },
        signals({ productIds: ["new1", "new2"], concerns: ["c-new"] }),
        FIRST,
        null,
      );
      expect(next.interests).toHaveLength(PROFILE_LIST_MAX);
      expect(next.interests.slice(0, 1)).toEqual(["p2"]);
      expect(next.interests.slice(-2)).toEqual(["new1", "new2"]);
      expect(next.concerns).toHaveLength(PROFILE_LIST_MAX);
      expect(next.concerns.at(0)).toBe("p1");
      expect(next.concerns.at(-1)).toBe("c-new");
    });

    it("should remember the last product named and keep it when a message names none", () => {
      const named = updateProfile(EMPTY, signals({ productIds: ["kettle", "mug"] }), FIRST, null);
      expect(named.lastProductId).toBe("mug");
      expect(updateProfile(named, NONE, FIRST, null).lastProductId).toBe("mug");
    });
  });

  describe("objections and message count", () => {
    it("should count objections and messages in this journey", () => {
      let profile = EMPTY;
      for (const intent of ["objection", "price_question", "objection"]) {
        profile = updateProfile(profile, signals({ intent }), TRUST, null);
      }
      expect(profile.objections).toBe(2);
      expect(profile.messagesThisJourney).toBe(3);
    });
  });

  describe("trust level", () => {
    it.each([
      { name: "first contact", stage: FIRST, trust: 2 },
      { name: "building trust", stage: TRUST, trust: 4 },
      { name: "intent", stage: INTENT, trust: 6 },
      { name: "closing", stage: CLOSING, trust: 8 },
    ])("should start from the stage's base in $name", ({ stage, trust }) => {
      expect(updateProfile(EMPTY, NONE, stage, null).trustLevel).toBe(trust);
    });

    it("should add one for a positive message", () => {
      expect(updateProfile(EMPTY, signals({ positive: true }), INTENT, null).trustLevel).toBe(7);
    });

    it("should take one per objection in the journey, at most two", () => {
      expect(updateProfile(EMPTY, signals({ intent: "objection" }), INTENT, null).trustLevel).toBe(5);
      expect(
        updateProfile({ ...EMPTY, objections: 1 }, signals({ intent: "objection" }), INTENT, null).trustLevel,
      ).toBe(4);
      expect(
        updateProfile({ ...EMPTY, objections: 5 }, signals({ intent: "objection" }), INTENT, null).trustLevel,
      ).toBe(4);
    });

    it("should stay within 0 to 10", () => {
      const deep = { id: "s9", index: 9, count: 10 };
      expect(updateProfile(EMPTY, signals({ positive: true }), deep, null).trustLevel).toBe(10);
      expect(updateProfile({ ...EMPTY, objections: 3 }, NONE, FIRST, null).trustLevel).toBe(0);
    });
  });

  describe("purchase probability", () => {
    it.each([
      { name: "first contact", stage: FIRST, p: 0.05 },
      { name: "building trust", stage: TRUST, p: 0.15 },
      { name: "intent", stage: INTENT, p: 0.35 },
      { name: "closing", stage: CLOSING, p: 0.65 },
    ])("should use the default funnel's base in $name", ({ stage, p }) => {
      expect(updateProfile(EMPTY, NONE, stage, null).purchaseProbability).toBe(p);
    });

    it("should spread the base evenly from 5 % to 65 % over a funnel of another length", () => {
      const three = [0, 1, 2].map((index) => ({ id: `s${index}`, index, count: 3 }));
      expect(three.map((s) => updateProfile(EMPTY, NONE, s, null).purchaseProbability)).toEqual([0.05, 0.35, 0.65]);
    });

    it("should add five points once a product is known", () => {
      expect(updateProfile(EMPTY, signals({ productIds: ["kettle"] }), INTENT, null).purchaseProbability).toBe(0.4);
      expect(updateProfile({ ...EMPTY, lastProductId: "kettle" }, NONE, INTENT, null).purchaseProbability).toBe(0.4);
    });

    it("should take five points per objection, at most fifteen", () => {
      const p = (objections: number) =>
        updateProfile({ ...EMPTY, objections }, NONE, CLOSING, null).purchaseProbability;
      expect([p(0), p(1), p(2), p(3), p(6)]).toEqual([0.65, 0.6, 0.55, 0.5, 0.5]);
    });

    it("should never go below zero", () => {
      expect(updateProfile({ ...EMPTY, objections: 3 }, NONE, FIRST, null).purchaseProbability).toBe(0);
    });
  });

  describe("recommended approach", () => {
    it("should answer an objection first, then the latest concern, then the stage", () => {
      expect(
        updateProfile(EMPTY, signals({ intent: "objection", concerns: ["price"] }), INTENT, null).recommendedApproach,
      ).toMatch(/objection/);
      expect(updateProfile(EMPTY, signals({ concerns: ["shipping"] }), INTENT, null).recommendedApproach).toMatch(
        /shipping concern/,
      );
      expect(updateProfile(EMPTY, NONE, INTENT, null).recommendedApproach).toMatch(/direct/i);
    });
  });

  describe("time zone", () => {
    it("should guess the time zone from the phone when none is known", () => {
      expect(updateProfile(EMPTY, NONE, FIRST, "15551234567").timeZone).toBe("America/New_York");
    });

    it("should keep a known time zone", () => {
      const known = { ...EMPTY, timeZone: "America/Los_Angeles" };
      expect(updateProfile(known, NONE, FIRST, "15551234567").timeZone).toBe("America/Los_Angeles");
    });
  });

  it("should not change the profile it was given", () => {
    const before = { ...EMPTY, interests: ["kettle"] };
    const copy = structuredClone(before);
    updateProfile(before, signals({ productIds: ["mug"], intent: "objection" }), INTENT, "15551234567");
    expect(before).toEqual(copy);
  });
});

describe("timeZoneForPhone", () => {
  it.each([
    { name: "a US number (+1)", phone: "15551234567", zone: "America/New_York" },
    { name: "a UK number (+44)", phone: "447700900123", zone: "Europe/London" },
    { name: "an Indonesian number (+62)", phone: "6281234567890", zone: "Asia/Jakarta" },
    { name: "a Nigerian number (+234), longest prefix wins", phone: "2348012345678", zone: "Africa/Lagos" },
  ])("should guess $zone for $name", ({ phone, zone }) => {
    expect(timeZoneForPhone(phone)).toBe(zone);
  });

  it.each([
    { name: "a @lid identity", phone: "123456789012345@lid" },
    { name: "no phone", phone: null },
    { name: "an unknown country code", phone: "8613812345678" },
    { name: "a number with a plus sign", phone: "+15551234567" },
    { name: "too few digits", phone: "12345" },
  ])("should be null for $name", ({ phone }) => {
    expect(timeZoneForPhone(phone)).toBeNull();
  });
});

describe("profileForNewJourney", () => {
  it("should keep what we know of the person and reset the journey counters, lowering trust by two", () => {
    const profile = { ...EMPTY, interests: ["kettle"], objections: 2, messagesThisJourney: 7, trustLevel: 5 };
    expect(profileForNewJourney(profile)).toEqual({ ...profile, objections: 0, messagesThisJourney: 0, trustLevel: 3 });
    expect(profileForNewJourney({ ...EMPTY, trustLevel: 1 }).trustLevel).toBe(0);
  });
});

describe("profileAfterOutcome", () => {
  it("should set the purchase probability to 1 when won and 0.02 when lost", () => {
    expect(profileAfterOutcome(EMPTY, "won").purchaseProbability).toBe(1);
    expect(profileAfterOutcome(EMPTY, "lost").purchaseProbability).toBe(0.02);
  });
});
