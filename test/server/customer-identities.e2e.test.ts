/**
 * Customers the Cloud API names by a business-scoped user id (phone withheld)
 * or who have a WhatsApp username are found by every surface that takes a
 * customer: the admin HTTP API, MCP over HTTP and the built `closer customers`
 * CLI, against the real server on loopback with its real SQLite file. The
 * username is stored only as a keyed hash: it is in neither the raw database
 * files nor the logs, yet "@kai.cooks", "kai.cooks" and "@KAI.COOKS" all find
 * the customer; a new username replaces the old one.
 */
import { readdirSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { Client } from "@modelcontextprotocol/sdk/client/index.js";
import { StreamableHTTPClientTransport } from "@modelcontextprotocol/sdk/client/streamableHttp.js";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { SQLITE_FILE_NAME } from "../../src/store/index.js";
import { FakeCloud } from "../support/fake-cloud.js";
import { REPO_ROOT, type RunningServer, runBuiltCli, startServer } from "../support/start-server.js";
import { customerView, eventually } from "./gateways-helpers.js";
import { loadKindFixture } from "./message-kinds.contract.js";

/** The sender of test/contracts/cloud/kinds/username.json: a user id and a username, no phone. */
const USER_ID = "US.13491208655302741918";
const USERNAME = "@kai.cooks";
/** A customer whose phone is known and who has a username too. */
const PHONE = "16505550123";
const PHONE_USERNAME = "@Mara.Knits";

describe("customers known by a username or a business-scoped user id", () => {
  let fake: FakeCloud;
  let server: RunningServer;
  let mcp: Client;

  /** Posts username.json as Meta would now: signed, dated now, with `username` and message id as given. */
  async function postFromUserId(username: string, wamidTail: string, text: string) {
    const notification = loadKindFixture("cloud", "username", {
      "1764669600": String(Math.floor(Date.now() / 1000)),
      "@kai.cooks": username,
      QUtJTkRVMDAx: wamidTail,
      "Hi, is the chef's knife in stock?": text,
    });
    expect((await fake.postNotification(notification)).status).toBe(200);
  }

  const cli = (...args: string[]) =>
    runBuiltCli(args, { env: { DATA_DIR: server.dataDir, PLAYBOOKS_DIR: join(REPO_ROOT, "playbooks") } });

  const idOf = async (ref: string) => (await customerView(server, ref))?.id ?? null;

  beforeAll(async () => {
    fake = await FakeCloud.start({
      accessToken: "cloud-identity-token",
      phoneNumberId: "106540352242922",
      appSecret: "cloud-identity-app-secret",
      verifyToken: "cloud-identity-verify",
      autoStatuses: true,
    });
    server = await startServer({
      env: {
        GATEWAY: "cloud",
        CLOUD_API_URL: fake.apiUrl,
        CLOUD_PHONE_NUMBER_ID: "106540352242922",
        CLOUD_ACCESS_TOKEN: "cloud-identity-token",
        CLOUD_APP_SECRET: "cloud-identity-app-secret",
        CLOUD_VERIFY_TOKEN: "cloud-identity-verify",
        CLOSER_PACING: "off",
        CLOSER_QUIET_HOURS: "off",
        CLOSER_RANDOM_SEED: "41",
        LOG_LEVEL: "info",
      },
    });
    fake.webhookUrl = `${server.url}/webhooks/cloud`;
    await postFromUserId(USERNAME, "QUtJTkRVMDAx", "Hi, is the chef's knife in stock?");
    const phoneText = "Do you have the linen apron in green?";
    const posted = await fake.postMessage({ from: PHONE, text: phoneText, name: "Mara", username: PHONE_USERNAME });
    expect(posted.status).toBe(200);
    await eventually(
      async () => (await customerView(server, USER_ID)) !== null && (await customerView(server, PHONE)) !== null,
      "both customers stored",
    );
    mcp = new Client({ name: "closer-identity-test", version: "1.0.0" });
    await mcp.connect(
      new StreamableHTTPClientTransport(new URL(`${server.url}/mcp`), {
        requestInit: { headers: { authorization: `Bearer ${server.adminToken}` } },
      }),
    );
  });
  afterAll(async () => {
    await mcp?.close();
    if (server !== undefined) expect(await server.stop()).toBe(0);
    await fake?.close();
  });

  it("the admin API finds each customer by user id, phone and username, in any case, with or without @", async () => {
    const kai = await idOf(USER_ID);
    expect(kai).toEqual(expect.any(String));
    for (const ref of [USERNAME, "kai.cooks", "@KAI.Cooks"]) expect(await idOf(ref), ref).toBe(kai);
    const mara = await idOf(`+${PHONE}`);
    expect(mara).not.toBe(kai);
    for (const ref of ["@mara.knits", "Mara.Knits"]) expect(await idOf(ref), ref).toBe(mara);

    const unknown = await fetch(`${server.url}/api/customers/${encodeURIComponent("@nobody.here")}`, {
      headers: { authorization: `Bearer ${server.adminToken}` },
    });
    expect(unknown.status).toBe(404);
    expect(((await unknown.json()) as { error: { message: string } }).error.message).toBe(
      "No customer has written from that number, user id or username.",
    );
  });

  it("MCP finds the customer by username and by user id", async () => {
    const kai = await idOf(USER_ID);
    for (const customer of [USERNAME, USER_ID]) {
      const shown = await mcp.callTool({ name: "customer_show", arguments: { customer, messages: 1 } });
      expect(shown.isError, JSON.stringify(shown.content)).toBeFalsy();
      expect(shown.structuredContent).toMatchObject({ id: kai });
    }
    const missing = await mcp.callTool({ name: "customer_show", arguments: { customer: "@nobody.here" } });
    expect(missing.isError).toBe(true);
  });

  // Each run of the built CLI starts a process (migrations, playbooks): seconds each on a busy machine.
  it("the closer customers CLI shows and exports the customer by username and by user id", { timeout: 180_000 }, () => {
    const shown = cli("customers", "show", USERNAME, "--json");
    expect(shown.status, shown.stderr).toBe(0);
    const view = JSON.parse(shown.stdout) as { id: string; transcript: { text: string }[] };
    expect(view.transcript.map((m) => m.text)).toContain("Hi, is the chef's knife in stock?");
    const exported = cli("customers", "export", USER_ID);
    expect(exported.status, exported.stderr).toBe(0);
    expect((JSON.parse(exported.stdout) as { id: string }).id).toBe(view.id);
    const unknown = cli("customers", "show", "@nobody.here");
    expect(unknown.status).toBe(1);
    expect(unknown.stderr).toContain("no customer has written from that number, user id or username");
  });

  it("a new username replaces the old one", async () => {
    const kai = await idOf(USER_ID);
    await postFromUserId("@kai.bakes", "QUtJTkRVMDAy", "Actually, the bread knife too");
    await eventually(async () => (await idOf("@kai.bakes")) === kai, "the new username finds the customer");
    expect(await idOf(USERNAME)).toBeNull();
  });

  it("no raw database file and no log line holds a username", () => {
    const files = readdirSync(server.dataDir)
      .filter((name) => name.startsWith(SQLITE_FILE_NAME))
      .map((name) => ({ name, text: readFileSync(join(server.dataDir, name)).toString("latin1") }));
    expect(files.map((f) => f.name)).toContain(SQLITE_FILE_NAME);
    const needles = ["kai.cooks", "kai.bakes", "Mara.Knits", "mara.knits"];
    const found = [...files, { name: "logs", text: server.output() }].flatMap(({ name, text }) =>
      needles.filter((needle) => text.includes(needle)).map((needle) => `${needle} in ${name}`),
    );
    expect(found).toEqual([]);
  });

  it("the CLI forgets the customer named by username; then no name of theirs finds anyone", {
    timeout: 120_000,
  }, async () => {
    const forgotten = cli("customers", "forget", "@kai.bakes", "--yes");
    expect(forgotten.status, forgotten.stderr).toBe(0);
    expect(forgotten.stdout).toMatch(/^Forgotten:/);
    for (const ref of [USER_ID, "@kai.bakes", USERNAME]) expect(await idOf(ref), ref).toBeNull();
    expect(await idOf("@mara.knits")).toBe(await idOf(PHONE));
  });
});
