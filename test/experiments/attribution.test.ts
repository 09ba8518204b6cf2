import { describe, expect, it } from "vitest";
import { attribute, type PendingAssignment } from "../../src/experiments/attribution.js";

const STAGES = ["first_contact", "building_trust", "intent", "closing"];
const indexOf = (stage: string) => STAGES.indexOf(stage);
const NOW = 10_000;

/** Pending assignments, one per active stage; the intent window has already closed. */
const PENDING: readonly PendingAssignment[] = [
  { id: 1, stage: "first_contact", windowEndsAt: NOW + 1 },
  { id: 2, stage: "building_trust", windowEndsAt: NOW },
  { id: 3, stage: "intent", windowEndsAt: NOW - 1 },
  { id: 4, stage: "closing", windowEndsAt: NOW + 1_000 },
];

describe("attribute", () => {
  describe("when the customer advances", () => {
    it("should resolve only assignments of earlier stages, as successes inside their window", () => {
      expect(attribute(PENDING.slice(0, 2), { kind: "advanced", toStageIndex: 2 }, NOW, indexOf)).toEqual([
        { id: 1, status: "success", resolution: "advanced" },
        { id: 2, status: "success", resolution: "advanced" },
      ]);
    });

    it("should leave the assignment of the stage reached and later stages pending", () => {
      const resolved = attribute(PENDING, { kind: "advanced", toStageIndex: 1 }, NOW, indexOf);
      expect(resolved.map((r) => r.id)).toEqual([1]);
    });

    it("should fail an earlier assignment whose window closed before the advance", () => {
      expect(attribute(PENDING, { kind: "advanced", toStageIndex: 3 }, NOW, indexOf)).toEqual([
        { id: 1, status: "success", resolution: "advanced" },
        { id: 2, status: "success", resolution: "advanced" },
        { id: 3, status: "failure", resolution: "window_expired" },
      ]);
    });

    it("should resolve nothing when the customer stays in the first stage", () => {
      expect(attribute(PENDING, { kind: "advanced", toStageIndex: 0 }, NOW, indexOf)).toEqual([]);
    });
  });

  describe("when the customer is won", () => {
    it("should succeed every pending assignment still inside its window and fail the expired ones", () => {
      expect(attribute(PENDING, { kind: "won" }, NOW, indexOf)).toEqual([
        { id: 1, status: "success", resolution: "won" },
        { id: 2, status: "success", resolution: "won" },
        { id: 3, status: "failure", resolution: "window_expired" },
        { id: 4, status: "success", resolution: "won" },
      ]);
    });
  });

  describe("when the customer is lost", () => {
    it("should fail every pending assignment, naming the expired windows as such", () => {
      expect(attribute(PENDING, { kind: "lost" }, NOW, indexOf)).toEqual([
        { id: 1, status: "failure", resolution: "lost" },
        { id: 2, status: "failure", resolution: "lost" },
        { id: 3, status: "failure", resolution: "window_expired" },
        { id: 4, status: "failure", resolution: "lost" },
      ]);
    });
  });

  it("should count a window ending exactly now as still open", () => {
    const [onTheEdge] = attribute([{ id: 9, stage: "intent", windowEndsAt: NOW }], { kind: "won" }, NOW, indexOf);
    expect(onTheEdge).toEqual({ id: 9, status: "success", resolution: "won" });
  });

  it("should resolve nothing when nothing is pending", () => {
    expect(attribute([], { kind: "won" }, NOW, indexOf)).toEqual([]);
    expect(attribute([], { kind: "lost" }, NOW, indexOf)).toEqual([]);
  });

  it("should not change the list it was given", () => {
    const copy = structuredClone(PENDING);
    attribute(PENDING, { kind: "lost" }, NOW, indexOf);
    expect(PENDING).toEqual(copy);
  });
});
