import { describe, expect, it } from "vitest";
import { RepeatingPass } from "../../src/engine/repeating-pass.js";

describe("RepeatingPass", () => {
  it("runs one more pass for any number of kicks during a pass, never two at once", async () => {
    let running = 0;
    let maxRunning = 0;
    let passes = 0;
    let release: () => void = () => {};
    const loop = new RepeatingPass(
      async () => {
        running++;
        maxRunning = Math.max(maxRunning, running);
        passes++;
        if (passes === 1) await new Promise<void>((r) => (release = r));
        running--;
      },
      () => {},
    );
    loop.kick();
    loop.kick();
    loop.kick();
    release();
    await new Promise((r) => setTimeout(r, 20));
    expect(passes).toBe(2);
    expect(maxRunning).toBe(1);
    await loop.stop();
  });

  it("reports a failing pass and keeps working", async () => {
    const errors: unknown[] = [];
    let calls = 0;
    const loop = new RepeatingPass(
      async () => {
        calls++;
        if (calls === 1) throw new Error("boom");
      },
      (e) => errors.push(e),
    );
    loop.kick();
    await new Promise((r) => setTimeout(r, 5));
    loop.kick();
    await new Promise((r) => setTimeout(r, 5));
    expect(calls).toBe(2);
    expect(errors).toHaveLength(1);
    await loop.stop();
  });

  it("waits for the pass in hand on stop, then ignores kicks", async () => {
    let finished = false;
    let calls = 0;
    const loop = new RepeatingPass(
      async () => {
        calls++;
        await new Promise((r) => setTimeout(r, 20));
        finished = true;
      },
      () => {},
    );
    loop.kick();
    await loop.stop();
    expect(finished).toBe(true);
    loop.kick();
    await new Promise((r) => setTimeout(r, 5));
    expect(calls).toBe(1);
  });
});
