/**
 * `POST /mcp` on the real server (in-process, loopback, real SQLite), reached
 * with the SDK's own Streamable HTTP client; without the admin token it answers 401.
 */
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { Client } from "@modelcontextprotocol/sdk/client/index.js";
import { StreamableHTTPClientTransport } from "@modelcontextprotocol/sdk/client/streamableHttp.js";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { ManualClock } from "../../src/engine/index.js";
import { type InProcessCloser, startInProcessCloser } from "../support/in-process-closer.js";
import { playbooksWithProposal } from "../support/proposed-playbooks.js";
import { describeMcpSuite, SEEDED_PHONE } from "./mcp-contract.js";

const TOKEN = "http-admin-token-0123456789abcdef";
const dir = mkdtempSync(join(tmpdir(), "closer-mcp-http-"));
let service: InProcessCloser;
let client: Client;

beforeAll(async () => {
  service = await startInProcessCloser({
    token: TOKEN,
    clock: new ManualClock(Date.UTC(2026, 2, 10, 12)),
    env: { CLOSER_RANDOM_SEED: "2", PLAYBOOKS_DIR: playbooksWithProposal(dir) },
  });
  const chat = await fetch(`${service.closer.url}/api/playground/messages`, {
    method: "POST",
    headers: { "content-type": "application/json" },
    body: JSON.stringify({ from: SEEDED_PHONE, text: "Hi! How much is the skillet?" }),
  });
  expect(chat.status).toBe(200);
  client = new Client({ name: "closer-test", version: "1.0.0" });
  await client.connect(
    new StreamableHTTPClientTransport(new URL(`${service.closer.url}/mcp`), {
      requestInit: { headers: { authorization: `Bearer ${TOKEN}` } },
    }),
  );
});
afterAll(async () => {
  await client?.close();
  await service?.close();
  rmSync(dir, { recursive: true, force: true });
});

describeMcpSuite("Streamable HTTP", {
  client: () => client,
  db: () => service.closer.db,
  actor: "mcp:http",
  dataDir: () => service.dataDir,
});

describe("POST /mcp without the admin token", () => {
  const initialize = {
    jsonrpc: "2.0",
    id: 1,
    method: "initialize",
    params: { protocolVersion: "2025-06-18", capabilities: {}, clientInfo: { name: "x", version: "1" } },
  };

  it.each([
    ["no token", {}],
    ["a wrong token", { authorization: "Bearer wrong-token-0123456789abcdef" }],
  ])("answers 401 with %s", async (_name, headers) => {
    const response = await fetch(`${service.closer.url}/mcp`, {
      method: "POST",
      headers: { "content-type": "application/json", accept: "application/json, text/event-stream", ...headers },
      body: JSON.stringify(initialize),
    });
    expect(response.status).toBe(401);
    expect(((await response.json()) as { error: { code: string } }).error.code).toBe("unauthorized");
  });

  it("makes the SDK client fail to connect", async () => {
    const stranger = new Client({ name: "stranger", version: "1.0.0" });
    await expect(
      stranger.connect(new StreamableHTTPClientTransport(new URL(`${service.closer.url}/mcp`))),
    ).rejects.toThrow(/401|nauthorized/);
  });
});
