import { describe, expect, it } from "vitest";
import { ChatGaps } from "../../src/engine/chat-gaps.js";

describe("ChatGaps (the sender's last send per chat)", () => {
  it("holds a second send in a chat for the rest of the gap, and no other chat", () => {
    const gaps = new ChatGaps(2500);
    gaps.record("a", 1000);
    expect(gaps.waitFor("a", 2000)).toBe(1500);
    expect(gaps.waitFor("b", 2000)).toBe(0);
    expect(gaps.waitFor("a", 4000)).toBe(0);
  });

  it("stays bounded: chats whose gap has run out are forgotten (issue 12: the map was never pruned)", () => {
    const gaps = new ChatGaps(2500);
    let now = 0;
    for (let i = 0; i < 100_000; i++) {
      now += 100; // a send every 100 ms, each to a new customer
      gaps.record(`customer-${i}`, now);
    }
    expect(gaps.size).toBeLessThanOrEqual(26);
    expect(gaps.waitFor("customer-99999", now)).toBe(2500);
    expect(gaps.waitFor("customer-0", now)).toBe(0);
  });

  it("keeps a chat that sends again at the end of the order", () => {
    const gaps = new ChatGaps(1000);
    gaps.record("a", 0);
    gaps.record("b", 500);
    gaps.record("a", 900);
    gaps.record("c", 1600); // b's gap has run out; a's has not
    expect(gaps.waitFor("a", 1600)).toBe(300);
    expect(gaps.size).toBe(2);
  });
});
