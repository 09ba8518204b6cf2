import { afterEach, beforeEach, describe, expect, it, vi } from "vitest";
import { SETTLE_BOARD_CAPACITY, SettleBoard } from "../../src/engine/settle-board.js";

describe("SettleBoard", () => {
  beforeEach(() => {
    vi.useFakeTimers();
  });
  afterEach(() => {
    vi.useRealTimers();
  });

  it("should give a late waiter the result posted before it waited", async () => {
    const board = new SettleBoard<string>();
    board.post(1, "done");
    await expect(board.wait(1, 1_000)).resolves.toBe("done");
  });

  it("should wake a waiter when the result is posted later", async () => {
    const board = new SettleBoard<string>();
    const waiting = board.wait(1, 1_000);
    await vi.advanceTimersByTimeAsync(500);
    board.post(1, "done");
    await expect(waiting).resolves.toBe("done");
  });

  it("should wake every waiter of the key and only them", async () => {
    const board = new SettleBoard<string>();
    const a = board.wait(1, 1_000);
    const b = board.wait(1, 1_000);
    const other = board.wait(2, 1_000);
    board.post(1, "one");
    await expect(Promise.all([a, b])).resolves.toEqual(["one", "one"]);
    await vi.advanceTimersByTimeAsync(1_000);
    await expect(other).resolves.toBeNull();
  });

  it("should resolve null when nothing is posted before the timeout", async () => {
    const board = new SettleBoard<string>();
    const waiting = board.wait(1, 1_000);
    await vi.advanceTimersByTimeAsync(999);
    let settled = false;
    void waiting.then(() => {
      settled = true;
    });
    await vi.advanceTimersByTimeAsync(0);
    expect(settled).toBe(false);
    await vi.advanceTimersByTimeAsync(1);
    await expect(waiting).resolves.toBeNull();
  });

  it("should let a longer waiter still get a result after a shorter one timed out", async () => {
    const board = new SettleBoard<string>();
    const short = board.wait(1, 100);
    const long = board.wait(1, 1_000);
    await vi.advanceTimersByTimeAsync(200);
    board.post(1, "done");
    await expect(short).resolves.toBeNull();
    await expect(long).resolves.toBe("done");
  });

  it("should keep a result posted after a timed-out wait for the next waiter", async () => {
    const board = new SettleBoard<string>();
    const first = board.wait(1, 100);
    await vi.advanceTimersByTimeAsync(100);
    await expect(first).resolves.toBeNull();
    board.post(1, "late");
    await expect(board.wait(1, 100)).resolves.toBe("late");
  });

  it("should deliver a null result as a value, not as a timeout", async () => {
    const board = new SettleBoard<string | null>();
    board.post(1, null);
    await expect(board.wait(1, 100)).resolves.toBeNull();
  });

  it(`should keep at most ${SETTLE_BOARD_CAPACITY} results, forgetting the oldest`, async () => {
    const board = new SettleBoard<number>();
    for (let key = 0; key <= SETTLE_BOARD_CAPACITY; key++) board.post(key, key);
    await expect(board.wait(SETTLE_BOARD_CAPACITY, 10)).resolves.toBe(SETTLE_BOARD_CAPACITY);
    await expect(board.wait(1, 10)).resolves.toBe(1);
    const oldest = board.wait(0, 10);
    await vi.advanceTimersByTimeAsync(10);
    await expect(oldest).resolves.toBeNull();
  });
});
