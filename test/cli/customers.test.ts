import { mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import { beforeAll, describe, expect, it } from "vitest";
import type { CommandIo } from "../../src/cli/command.js";
import { customersCommand } from "../../src/cli/commands/customers.js";
import { migrateCommand } from "../../src/cli/commands/migrate.js";
import { loadConfig } from "../../src/config.js";
import { silentLogger } from "../../src/log.js";
import { startCloser } from "../../src/main.js";
import { openDatabase } from "../../src/store/index.js";

const PLAYBOOKS = resolve(import.meta.dirname, "../../playbooks");

function fakeIo(dataDir: string) {
  const out: string[] = [];
  const err: string[] = [];
  const io: CommandIo = {
    out: (t) => out.push(t),
    err: (t) => err.push(t),
    env: { DATA_DIR: dataDir, PLAYBOOKS_DIR: PLAYBOOKS, USER: "tester" },
    cwd: dataDir,
    isTty: false,
  };
  return { io, out, err };
}

async function run(dataDir: string, ...argv: string[]) {
  const { io, out, err } = fakeIo(dataDir);
  const code = await customersCommand(argv, io);
  return { code, out: out.join("\n"), err: err.join("\n") };
}

describe("closer customers", () => {
  let dataDir: string;

  beforeAll(async () => {
    dataDir = mkdtempSync(join(tmpdir(), "closer-cli-customers-"));
    const config = loadConfig({ DATA_DIR: dataDir, PLAYBOOKS_DIR: PLAYBOOKS, PORT: "0", CLOSER_RANDOM_SEED: "3" });
    const closer = await startCloser(config, silentLogger());
    for (const text of ["Hi!", "How much is the skillet?"]) {
      const response = await closer.app.inject({
        method: "POST",
        url: "/api/playground/messages",
        payload: { from: "+15550001111", name: "Rosa", text },
      });
      expect(response.statusCode).toBe(200);
    }
    await closer.stop();
  });

  it("lists customers with the phone masked to its last four digits", async () => {
    const result = await run(dataDir, "list");
    expect(result.code).toBe(0);
    expect(result.out).toContain("…1111");
    expect(result.out).not.toContain("5550001111");
    expect(result.out).toContain("1 customer(s)");
  });

  it("shows the profile, assignments and transcript", async () => {
    const result = await run(dataDir, "show", "+1 555 000 1111");
    expect(result.code).toBe(0);
    expect(result.out).toContain("Rosa");
    expect(result.out).toContain("How much is the skillet?");
    expect(result.out).toMatch(/assignments:\n\s+first_contact/);
  });

  it("exports everything as JSON", async () => {
    const result = await run(dataDir, "export", "+15550001111");
    expect(result.code).toBe(0);
    const view = JSON.parse(result.out) as { phone: string; transcript: unknown[] };
    expect(view.phone).toBe("15550001111");
    expect(view.transcript.length).toBe(4);
  });

  it("says clearly when the customer is unknown or the phone is malformed", async () => {
    const unknown = await run(dataDir, "show", "+15559999999");
    expect(unknown.code).toBe(1);
    expect(unknown.err).toMatch(/no customer/);
    const bad = await run(dataDir, "show", "call me");
    expect(bad.code).toBe(1);
    expect(bad.err).toMatch(/not a phone number/);
  });

  it("resumes a chat after a handoff", async () => {
    const db = openDatabase({ DATA_DIR: dataDir });
    await db
      .updateTable("customers")
      .set({ handoff_until: Date.now() + 3_600_000 })
      .execute();
    await db.destroy();
    const during = JSON.parse((await run(dataDir, "show", "+15550001111", "--json")).out) as {
      handoffUntil: string | null;
    };
    expect(during.handoffUntil).not.toBeNull();

    const result = await run(dataDir, "resume", "+15550001111");
    expect(result.code).toBe(0);
    expect(result.out).toMatch(/answers this customer again/);
    const after = JSON.parse((await run(dataDir, "show", "+15550001111", "--json")).out) as {
      handoffUntil: string | null;
    };
    expect(after.handoffUntil).toBeNull();
  });

  it("forgets a customer only with --yes, and then they are gone", async () => {
    const refused = await run(dataDir, "forget", "+15550001111");
    expect(refused.code).toBe(1);
    expect(refused.err).toMatch(/--yes/);
    const done = await run(dataDir, "forget", "+15550001111", "--yes");
    expect(done.code).toBe(0);
    const after = await run(dataDir, "show", "+15550001111");
    expect(after.code).toBe(1);
  });
});

describe("closer migrate", () => {
  it("applies migrations once, then reports the database up to date", async () => {
    const dir = mkdtempSync(join(tmpdir(), "closer-cli-migrate-"));
    const first = fakeIo(dir);
    expect(await migrateCommand([], first.io)).toBe(0);
    expect(first.out.join("\n")).toMatch(/applied/);
    const second = fakeIo(dir);
    expect(await migrateCommand([], second.io)).toBe(0);
    expect(second.out.join("\n")).toMatch(/up to date/);
  });
});
