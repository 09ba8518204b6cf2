import { resolve } from "node:path";
import { beforeAll, describe, expect, it } from "vitest";
import type { CommandIo } from "../../src/cli/command.js";
import { customersCommand } from "../../src/cli/commands/customers.js";
import { migrateCommand } from "../../src/cli/commands/migrate.js";
import { loadConfig } from "../../src/config.js";
import { silentLogger } from "../../src/log.js";
import { startCloser } from "../../src/main.js";
import { openDatabase } from "../../src/store/index.js";
import { tempDir } from "../support/temp-dir.js";
import { placeholderCustomerRow } from "../support/test-database.js";

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
    dataDir = tempDir("closer-cli-customers-");
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

  /** The short id `list` shows for the only customer, read from its output as a user would. */
  async function listedId(): Promise<string> {
    const rows = (await run(dataDir, "list")).out.split("\n");
    const id = /^([0-9a-f]{8}) /.exec(rows[1] ?? "")?.[1];
    if (id === undefined) throw new Error(`no short id in:\n${rows.join("\n")}`);
    return id;
  }

  it("lists each customer with a short id, the name, the stage and the time of the last message", async () => {
    const db = openDatabase({ DATA_DIR: dataDir });
    const row = await db
      .selectFrom("customers")
      .select(["id", "stage", "last_interaction_at"])
      .executeTakeFirstOrThrow();
    await db.destroy();
    const result = await run(dataDir, "list");
    const [header, line] = result.out.split("\n");
    expect(header).toMatch(/^id\s+name\s+phone\s+stage\s+journey\s+last message \(UTC\)\s+flags$/);
    const when = new Date(row.last_interaction_at).toISOString().slice(0, 16).replace("T", " ");
    expect(line).toMatch(new RegExp(`^${row.id.slice(0, 8)}  Rosa\\s+…1111\\s+${row.stage}\\s+1\\s+${when}$`));
  });

  it.each(["show", "export", "resume"])(
    "accepts the short id from the list in place of the phone: %s",
    async (action) => {
      const byId = await run(dataDir, action, await listedId());
      expect(byId.err).toBe("");
      expect(byId.code).toBe(0);
      if (action !== "resume") expect(byId.out).toBe((await run(dataDir, action, "+15550001111")).out);
    },
  );

  it("accepts the whole id, in any case, and says clearly when no customer has an id", async () => {
    const db = openDatabase({ DATA_DIR: dataDir });
    const { id } = await db.selectFrom("customers").select("id").executeTakeFirstOrThrow();
    await db.destroy();
    expect(JSON.parse((await run(dataDir, "export", id.toUpperCase())).out)).toMatchObject({ id });
    const other = (await listedId()).startsWith("0") ? "fffffff" : "0000000";
    const unknown = await run(dataDir, "show", other);
    expect(unknown.code).toBe(1);
    expect(unknown.err).toBe(`closer customers: no customer has the id ${other} or writes from that number`);
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

  it("refuses a short id that more than one customer's id starts with", async () => {
    const id = await listedId();
    const db = openDatabase({ DATA_DIR: dataDir });
    const twin = `${id}-0000-4000-8000-000000000000`;
    await db
      .insertInto("customers")
      .values(placeholderCustomerRow(twin, { phone_index: "twin" }))
      .execute();
    try {
      const result = await run(dataDir, "show", id);
      expect(result.code).toBe(1);
      expect(result.err).toBe(`closer customers: more than one customer's id starts with ${id}; give more of it`);
    } finally {
      await db.deleteFrom("customers").where("id", "=", twin).execute();
      await db.destroy();
    }
  });

  it("forgets a customer only with --yes, and then they are gone", async () => {
    const refused = await run(dataDir, "forget", "+15550001111");
    expect(refused.code).toBe(1);
    expect(refused.err).toMatch(/--yes/);
    const done = await run(dataDir, "forget", await listedId(), "--yes");
    expect(done.code).toBe(0);
    const after = await run(dataDir, "show", "+15550001111");
    expect(after.code).toBe(1);
  });
});

describe("closer migrate", () => {
  it("applies migrations once, then reports the database up to date", async () => {
    const dir = tempDir("closer-cli-migrate-");
    const first = fakeIo(dir);
    expect(await migrateCommand([], first.io)).toBe(0);
    expect(first.out.join("\n")).toMatch(/applied/);
    const second = fakeIo(dir);
    expect(await migrateCommand([], second.io)).toBe(0);
    expect(second.out.join("\n")).toMatch(/up to date/);
  });
});
