/**
 * Backups: `closer backup` taken while customers are writing (signed WAHA
 * webhooks into the real server) restores with `closer restore` into a new
 * DATA_DIR, and a customer's transcript reads the same there; `closer backup
 * verify` checks a file decrypts; restore refuses a DATA_DIR that is not empty;
 * no backup file holds a customer's number, name or text in clear.
 */
import { readdirSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { FakeWaha } from "../support/fake-waha.js";
import { REPO_ROOT, type RunningServer, runBuiltCli, startServer } from "../support/start-server.js";
import { tempDir } from "../support/temp-dir.js";
import { customerView, eventually, metric } from "./gateways-helpers.js";

const KEY = Buffer.from(Array.from({ length: 32 }, (_, i) => 200 - i)).toString("base64");
const PHONE = "15557310777";

describe("backup under traffic, restore into a new DATA_DIR", () => {
  let fake: FakeWaha;
  let server: RunningServer;
  let snapshot: string;
  let backupFiles: string[];

  beforeAll(async () => {
    fake = await FakeWaha.start({ apiKey: "waha-backup-key", hmacKey: "waha-backup-hmac" });
    server = await startServer({
      env: {
        GATEWAY: "waha",
        WAHA_URL: fake.url,
        WAHA_API_KEY: "waha-backup-key",
        WAHA_WEBHOOK_SECRET: "waha-backup-hmac",
        CLOSER_PACING: "off",
        CLOSER_QUIET_HOURS: "off",
        CLOSER_DATA_KEY: KEY,
      },
    });
    fake.webhookUrl = `${server.url}/webhooks/waha`;
    for (const [i, text] of ["Hi, do you have the oak board?", "How much is shipping?"].entries()) {
      expect((await fake.postMessage({ from: PHONE, text, id: `BK${i}`, name: "Marigold Ashcombe" })).status).toBe(200);
    }
    await eventually(
      async () => (await metric(server, 'closer_inbound_messages_total{result="processed"}')) >= 2,
      "the customer's messages handled",
    );
    // More customers keep writing while the backup runs.
    const traffic = (async () => {
      for (let i = 0; i < 20; i++)
        await fake.postMessage({ from: `1555731${String(1000 + i)}`, text: `busy ${i}`, id: `BT${i}` });
    })();
    const run = runBuiltCli(["backup"], {
      env: { DATA_DIR: server.dataDir, CLOSER_DATA_KEY: KEY, PLAYBOOKS_DIR: join(REPO_ROOT, "playbooks") },
      cwd: server.dataDir,
      timeoutMs: 60_000,
    });
    await traffic;
    expect(run.status, run.lines.join("\n")).toBe(0);
    backupFiles = readdirSync(join(server.dataDir, "backups")).map((name) => join(server.dataDir, "backups", name));
    snapshot = backupFiles.find((file) => file.endsWith(".snapshot.backup")) ?? "";
  }, 120_000);
  afterAll(async () => {
    expect(await server?.stop()).toBe(0);
    await fake?.close();
  });

  it("writes an encrypted snapshot, a conversations export and a profiles export, none readable without the key", () => {
    expect(backupFiles.map((file) => file.replace(/.*\.(\w+)\.backup$/, "$1")).sort()).toEqual([
      "conversations",
      "profiles",
      "snapshot",
    ]);
    for (const file of backupFiles) {
      const text = readFileSync(file, "latin1");
      for (const secret of [PHONE, "Marigold Ashcombe", "oak board", "SQLite format"])
        expect(text).not.toContain(secret);
    }
  });

  it("verify says each file decrypts, and fails with another key", () => {
    for (const file of backupFiles) {
      const run = runBuiltCli(["backup", "verify", file], { env: { DATA_DIR: server.dataDir, CLOSER_DATA_KEY: KEY } });
      expect(run.status, run.lines.join("\n")).toBe(0);
      expect(run.stdout).toMatch(/^OK: /);
    }
    const other = Buffer.alloc(32, 7).toString("base64");
    const bad = runBuiltCli(["backup", "verify", snapshot], {
      env: { DATA_DIR: server.dataDir, CLOSER_DATA_KEY: other },
    });
    expect(bad.status).not.toBe(0);
  }, 120_000);

  it("restores into an empty DATA_DIR, refuses a full one, and the transcript reads the same", async () => {
    const refused = runBuiltCli(["restore", snapshot], { env: { DATA_DIR: server.dataDir, CLOSER_DATA_KEY: KEY } });
    expect(refused.status).not.toBe(0);
    expect(refused.lines.join("\n")).toMatch(/not empty/);

    const fresh = tempDir("closer-restored-");
    const restored = runBuiltCli(["restore", snapshot], { env: { DATA_DIR: fresh, CLOSER_DATA_KEY: KEY } });
    expect(restored.status, restored.lines.join("\n")).toBe(0);

    const original = await customerView(server, PHONE);
    const second = await startServer({
      dataDir: fresh,
      env: {
        GATEWAY: "waha",
        WAHA_URL: fake.url,
        WAHA_API_KEY: "waha-backup-key",
        WAHA_WEBHOOK_SECRET: "waha-backup-hmac",
        CLOSER_PACING: "off",
        CLOSER_DATA_KEY: KEY,
      },
    });
    try {
      const copy = await customerView(second, PHONE);
      expect(copy?.transcript.length).toBeGreaterThanOrEqual(2);
      // What was said, by whom and when; a delivery status may still move on in the running original.
      const said = (view: typeof copy) =>
        view?.transcript.map(({ direction, author, text, at }) => ({ direction, author, text, at }));
      expect(said(copy)).toEqual(said(original));
      expect(copy?.stage).toBe(original?.stage);
    } finally {
      expect(await second.stop()).toBe(0);
    }
  }, 120_000);
});
