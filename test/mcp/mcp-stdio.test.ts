/**
 * `closer mcp` as an assistant starts it: the built CLI spawned by the SDK's
 * own stdio client, over a data folder a playground conversation filled.
 */
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { Client } from "@modelcontextprotocol/sdk/client/index.js";
import { StdioClientTransport } from "@modelcontextprotocol/sdk/client/stdio.js";
import type { Kysely } from "kysely";
import { afterAll, beforeAll } from "vitest";
import { ManualClock } from "../../src/engine/index.js";
import { type Database, openDatabase } from "../../src/store/index.js";
import { startInProcessCloser } from "../support/in-process-closer.js";
import { playbooksWithProposal } from "../support/proposed-playbooks.js";
import { CLI_PATH } from "../support/start-server.js";
import { TEST_DATA_KEY } from "../support/test-database.js";
import { describeMcpSuite, SEEDED_PHONE } from "./mcp-contract.js";

const dir = mkdtempSync(join(tmpdir(), "closer-mcp-stdio-"));
const env = {
  DATA_DIR: join(dir, "data"),
  PLAYBOOKS_DIR: playbooksWithProposal(dir),
  CLOSER_DATA_KEY: TEST_DATA_KEY.toString("base64"),
  CLOSER_ADMIN_TOKEN: "stdio-admin-token-0123456789abcdef",
  LOG_LEVEL: "silent",
};
let client: Client;
let db: Kysely<Database>;
let stderr = "";

beforeAll(async () => {
  const seeding = await startInProcessCloser({
    token: env.CLOSER_ADMIN_TOKEN,
    clock: new ManualClock(Date.UTC(2026, 2, 10, 12)),
    env,
  });
  const chat = await fetch(`${seeding.closer.url}/api/playground/messages`, {
    method: "POST",
    headers: { "content-type": "application/json" },
    body: JSON.stringify({ from: SEEDED_PHONE, text: "Hi! How much is the skillet?" }),
  });
  if (chat.status !== 200) throw new Error(`seeding failed: ${chat.status}`);
  await seeding.close();

  const transport = new StdioClientTransport({
    command: process.execPath,
    args: [CLI_PATH, "mcp"],
    cwd: dir,
    env: { PATH: process.env.PATH ?? "", HOME: dir, USER: "tester", ...env },
    stderr: "pipe",
  });
  transport.stderr?.on("data", (chunk: Buffer) => {
    stderr += chunk.toString();
  });
  client = new Client({ name: "closer-test", version: "1.0.0" });
  await client.connect(transport);
  db = openDatabase({ DATA_DIR: env.DATA_DIR });
}, 30_000);

afterAll(async () => {
  await client?.close();
  await db?.destroy();
  rmSync(dir, { recursive: true, force: true });
  if (stderr.trim() !== "") console.error(`closer mcp wrote to stderr:\n${stderr}`);
});

describeMcpSuite("stdio", { client: () => client, db: () => db, actor: "mcp:stdio", dataDir: () => env.DATA_DIR });
