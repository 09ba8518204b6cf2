import { mkdtempSync, readdirSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { createServiceLogger, maskPhonesDeep, maskPhonesInText } from "../src/log.js";

describe("masking phone numbers in free text", () => {
  it.each([
    ["an E.164 number", "customer +15551234567 asked", "customer …4567 asked"],
    ["digits only", "chat 6281234567890", "chat …7890"],
    ["with spaces and dashes", "call +62 812-3456-7890 now", "call …7890 now"],
    ["two numbers", "+15551234567 and +442071234567", "…4567 and …4567"],
    ["a price stays", "the skillet is 1299 (12.99 USD)", "the skillet is 1299 (12.99 USD)"],
    ["a short code stays", "order 12345678", "order 12345678"],
    ["an ISO date stays", "since 2026-12-02T15:00:00.000Z", "since 2026-12-02T15:00:00.000Z"],
    ["an already masked number stays", "…4567", "…4567"],
  ])("%s", (_name, text, expected) => {
    expect(maskPhonesInText(text)).toBe(expected);
  });

  it("masks every string inside objects and arrays, and leaves numbers alone", () => {
    expect(maskPhonesDeep({ to: "15551234567", list: ["+15551234567"], at: 1764687600000, ok: true })).toEqual({
      to: "…4567",
      list: ["…4567"],
      at: 1764687600000,
      ok: true,
    });
  });
});

describe("createServiceLogger with LOG_FILE", () => {
  it("also writes to a file named for the day (rotated daily by pino-roll), with phones masked as ever", async () => {
    const dir = mkdtempSync(join(tmpdir(), "closer-logfile-"));
    try {
      const logger = await createServiceLogger({ level: "info", file: join(dir, "closer.log"), retainDays: 3 });
      logger.info({ phone: "15551234567", customer: "…4567" }, "hello file");
      await eventuallyTrue(() =>
        readdirSync(dir).some((n) => readFileSync(join(dir, n), "utf8").includes("hello file")),
      );
      const [name] = readdirSync(dir);
      const day = new Date().toISOString().slice(0, 10);
      expect(name).toMatch(new RegExp(`^closer\\.log\\.${day}\\.\\d+$`));
      expect(readFileSync(join(dir, name as string), "utf8")).not.toContain("15551234567");
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});

async function eventuallyTrue(probe: () => boolean, timeoutMs = 5_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!probe()) {
    if (Date.now() > deadline) throw new Error("timed out");
    await new Promise((resolve) => setTimeout(resolve, 25));
  }
}
