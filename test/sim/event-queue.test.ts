import { describe, expect, it } from "vitest";
import { createSeededRandom } from "../../src/experiments/index.js";
import { EventQueue } from "../../src/sim/event-queue.js";

describe("EventQueue", () => {
  it("should pop the earliest first, and events at the same time in push order", () => {
    const queue = new EventQueue<string>();
    queue.push(5, "late");
    queue.push(1, "first");
    queue.push(3, "tie-1");
    queue.push(3, "tie-2");
    queue.push(3, "tie-3");
    expect(queue.peekTime()).toBe(1);
    expect([queue.pop(), queue.pop(), queue.pop(), queue.pop(), queue.pop()]).toEqual([
      "first",
      "tie-1",
      "tie-2",
      "tie-3",
      "late",
    ]);
    expect(queue.size).toBe(0);
    expect(queue.peekTime()).toBe(Number.POSITIVE_INFINITY);
  });

  it("should sort many random times", () => {
    const rng = createSeededRandom(1);
    const queue = new EventQueue<number>();
    const times = Array.from({ length: 2000 }, () => Math.floor(rng.next() * 100));
    for (const [i, t] of times.entries()) queue.push(t, i);
    const popped: number[] = [];
    while (queue.size > 0) popped.push(queue.pop());
    const expected = times.map((t, i) => ({ t, i })).sort((a, b) => a.t - b.t || a.i - b.i);
    expect(popped).toEqual(expected.map((e) => e.i));
  });

  it("should throw when popped empty", () => {
    expect(() => new EventQueue<number>().pop()).toThrow(RangeError);
  });
});
