/**
 * Issue 12, findings 2, 7 (inbound text) and 8, against the real service on loopback: who may
 * reach the playground and learn its arms, the rate limits per scope, the lockout after wrong
 * admin tokens, the Host allow-list, request timeouts, security headers on every page, the cap
 * on inbound text, and the secrets refused at start.
 */
import { cpSync, readFileSync, writeFileSync } from "node:fs";
import { request as httpRequest } from "node:http";
import { connect } from "node:net";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import {
  REPO_ROOT,
  type RunningServer,
  type StartServerOptions,
  startServer as startRealServer,
} from "../support/start-server.js";
import { tempDir } from "../support/temp-dir.js";

/** The machine may be busy: give a start more time than the default. */
const startServer = (options: StartServerOptions) => startRealServer({ timeoutMs: 50_000, ...options });

interface Reply {
  text: string;
  stage: string;
  variant: string | null;
  version: number | null;
  propensity: number | null;
}

async function say(
  server: RunningServer,
  from: string,
  text: string,
  token?: string,
): Promise<{ status: number; json: { replies?: Reply[]; error?: { code: string; message: string } } }> {
  const response = await fetch(`${server.url}/api/playground/messages`, {
    method: "POST",
    headers: {
      "content-type": "application/json",
      ...(token === undefined ? {} : { authorization: `Bearer ${token}` }),
    },
    body: JSON.stringify({ from, text }),
  });
  return { status: response.status, json: (await response.json()) as never };
}

function admin(server: RunningServer, path: string, token = server.adminToken): Promise<Response> {
  return fetch(`${server.url}${path}`, { headers: { authorization: `Bearer ${token}` } });
}

/** A GET with a Host header of our choosing (fetch does not let a caller set Host). */
function getWithHost(server: RunningServer, path: string, host: string): Promise<number> {
  const url = new URL(server.url);
  return new Promise((resolve, reject) => {
    const req = httpRequest({ host: url.hostname, port: url.port, path, method: "GET", headers: { host } }, (res) => {
      res.resume();
      resolve(res.statusCode ?? 0);
    });
    req.on("error", reject);
    req.end();
  });
}

describe("the playground and the service's exposure, on the real server", () => {
  let server: RunningServer;

  beforeAll(async () => {
    server = await startServer({
      env: { CLOSER_RANDOM_SEED: "5", HTTP_REQUEST_TIMEOUT_MS: "1500", HTTP_HEADERS_TIMEOUT_MS: "1000" },
    });
  });
  afterAll(async () => {
    expect(await server.stop()).toBe(0);
  });

  it("names a reply's arm only to a request with the admin token (finding 2: experiments could be rigged)", async () => {
    const anonymous = await say(server, "+15557770001", "Hi there!");
    expect(anonymous.status).toBe(200);
    expect(anonymous.json.replies?.[0]?.text.length).toBeGreaterThan(0);
    expect(anonymous.json.replies?.[0]).toMatchObject({ variant: null, version: null, propensity: null });

    const asAdmin = await say(server, "+15557770002", "Hi there!", server.adminToken);
    expect(asAdmin.json.replies?.[0]?.variant).toMatch(/^[a-z0-9-]+$/);
    expect(asAdmin.json.replies?.[0]?.propensity).toBeGreaterThan(0);

    const history = (await (await fetch(`${server.url}/api/playground/conversations`)).json()) as {
      conversations: { messages: { author: string; variant: string | null; propensity: number | null }[] }[];
    };
    const bot = history.conversations.flatMap((c) => c.messages).filter((m) => m.author === "bot");
    expect(bot.length).toBeGreaterThanOrEqual(2);
    for (const m of bot) expect(m).toMatchObject({ variant: null, propensity: null });
  });

  it("answers only the hosts it is bound to: another Host header gets 421 (DNS rebinding)", async () => {
    const port = new URL(server.url).port;
    expect(await getWithHost(server, "/healthz", "attacker.example")).toBe(421);
    expect(await getWithHost(server, "/playground", `attacker.example:${port}`)).toBe(421);
    expect(await getWithHost(server, "/healthz", `localhost:${port}`)).toBe(200);
    expect(await getWithHost(server, "/healthz", `127.0.0.1:${port}`)).toBe(200);
  });

  it("forbids framing and sets the usual security headers on every page and API", async () => {
    for (const path of ["/playground", "/dashboard/login", "/healthz", "/api/experiments"]) {
      const response = await fetch(`${server.url}${path}`);
      const csp = response.headers.get("content-security-policy") ?? "";
      expect(csp, path).toContain("frame-ancestors 'none'");
      expect(response.headers.get("x-frame-options"), path).toBe("DENY");
      expect(response.headers.get("x-content-type-options"), path).toBe("nosniff");
      expect(response.headers.get("referrer-policy"), path).toBe("no-referrer");
    }
  });

  it("cuts inbound text at MAX_MESSAGE_CHARS (4096), marked, before it is stored (finding 7)", async () => {
    const phone = "+15557770003";
    const long = `How much is the skillet? ${"a".repeat(200_000)}`;
    const answer = await say(server, phone, long);
    expect(answer.status).toBe(200);
    const view = (await (await admin(server, `/api/customers/${encodeURIComponent(phone)}`)).json()) as {
      transcript: { direction: string; text: string }[];
    };
    const inbound = view.transcript.find((m) => m.direction === "in");
    expect(inbound?.text.length).toBeLessThanOrEqual(4096);
    expect(inbound?.text.startsWith("How much is the skillet?")).toBe(true);
    expect(inbound?.text.endsWith("[…truncated]")).toBe(true);
    const metrics = await (await fetch(`${server.url}/metrics`)).text();
    expect(metrics).toMatch(/^closer_inbound_truncated_total 1$/m);
  });

  it("cuts a request whose body arrives too slowly (HTTP_REQUEST_TIMEOUT_MS)", async () => {
    const url = new URL(server.url);
    const started = Date.now();
    const answer = await new Promise<string>((resolve, reject) => {
      const socket = connect(Number(url.port), url.hostname, () => {
        socket.write(
          "POST /api/playground/messages HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: application/json\r\n" +
            'Content-Length: 1000\r\n\r\n{"from":"+1555',
        );
      });
      let received = "";
      socket.on("data", (chunk) => {
        received += chunk.toString();
      });
      socket.on("close", () => resolve(received));
      socket.on("error", reject);
      socket.setTimeout(15_000, () => {
        socket.destroy();
        resolve("still open after 15 s");
      });
    });
    expect(answer).toMatch(/^HTTP\/1\.1 408/);
    expect(Date.now() - started).toBeLessThan(10_000);
  });
});

describe("rate limits per scope (RATE_LIMIT_PLAYGROUND, RATE_LIMIT_WEBHOOKS, RATE_LIMIT_ADMIN)", () => {
  let server: RunningServer;

  beforeAll(async () => {
    server = await startServer({
      env: { RATE_LIMIT_PLAYGROUND: "3", RATE_LIMIT_WEBHOOKS: "2", RATE_LIMIT_ADMIN: "3" },
    });
  });
  afterAll(async () => {
    expect(await server.stop()).toBe(0);
  });

  it("stops a client creating customers without limit through the playground (finding 2)", async () => {
    for (let i = 1; i <= 3; i++) expect((await say(server, `+1555888000${i}`, "Hi")).status).toBe(200);
    const refused = await say(server, "+15558880004", "Hi");
    expect(refused.status).toBe(429);
    expect(refused.json.error?.code).toBe("rate_limited");
    expect((await admin(server, `/api/customers/${encodeURIComponent("+15558880004")}`)).status).toBe(404);
    expect((await fetch(`${server.url}/healthz`)).status).toBe(200); // health checks are not limited
  });

  it("limits webhooks and the admin API each on their own count", async () => {
    const hook = () => fetch(`${server.url}/webhooks/gowa`, { method: "POST", body: "{}" });
    expect((await hook()).status).toBe(404); // GOWA is not the gateway here
    expect((await hook()).status).toBe(404);
    expect((await hook()).status).toBe(429);

    // One admin request was made above; two more pass, the fourth is refused.
    expect((await admin(server, "/api/experiments")).status).toBe(200);
    expect((await admin(server, "/api/experiments")).status).toBe(200);
    const refused = await admin(server, "/api/experiments");
    expect(refused.status).toBe(429);
    expect(Number(refused.headers.get("retry-after"))).toBeGreaterThan(0);
  });
});

describe("wrong admin tokens (ADMIN_AUTH_FAILURES_PER_MINUTE)", () => {
  let server: RunningServer;

  beforeAll(async () => {
    server = await startServer({ env: { ADMIN_AUTH_FAILURES_PER_MINUTE: "3" } });
  });
  afterAll(async () => {
    expect(await server.stop()).toBe(0);
  });

  it("locks the address out for the minute after too many, even for the right token then", async () => {
    for (let i = 0; i < 3; i++) {
      expect((await admin(server, "/api/experiments", `wrong-token-${i}-0123456789abcdefghijkl`)).status).toBe(401);
    }
    const locked = await admin(server, "/api/experiments");
    expect(locked.status).toBe(429);
    expect(((await locked.json()) as { error: { code: string } }).error.code).toBe("rate_limited");
    expect(Number(locked.headers.get("retry-after"))).toBeGreaterThan(0);
    expect((await admin(server, "/api/experiments", "yet-another-wrong-token-0123456789ab")).status).toBe(429);
    // The customer-facing part is not locked: the playground still answers.
    expect((await say(server, "+15559990001", "Hi")).status).toBe(200);
  });
});

describe("PLAYGROUND=auto|on|off", () => {
  it("has no playground with PLAYGROUND=off, and the home page goes to /healthz", async () => {
    const server = await startServer({ env: { PLAYGROUND: "off" } });
    try {
      expect((await fetch(`${server.url}/playground`)).status).toBe(404);
      expect((await fetch(`${server.url}/playground/assets/playground.js`)).status).toBe(404);
      expect((await say(server, "+15556660001", "Hi", server.adminToken)).status).toBe(404);
      expect((await fetch(`${server.url}/api/playground/conversations`)).status).toBe(404);
      const home = await fetch(`${server.url}/`, { redirect: "manual" });
      expect(home.headers.get("location")).toBe("/healthz");
    } finally {
      expect(await server.stop()).toBe(0);
    }
  }, 120_000);

  it("asks for the admin token on every playground API request with PLAYGROUND=on", async () => {
    const server = await startServer({ env: { PLAYGROUND: "on" } });
    try {
      expect((await fetch(`${server.url}/playground`)).status).toBe(200);
      expect((await say(server, "+15556660002", "Hi")).status).toBe(401);
      expect((await say(server, "+15556660002", "Hi", "not-the-admin-token-0123456789abcdef")).status).toBe(401);
      expect((await fetch(`${server.url}/api/playground/conversations`)).status).toBe(401);
      const ok = await say(server, "+15556660002", "Hi", server.adminToken);
      expect(ok.status).toBe(200);
      expect(ok.json.replies?.[0]?.variant).toMatch(/^[a-z0-9-]+$/);
      expect((await admin(server, `/api/customers/${encodeURIComponent("+15556660002")}`)).status).toBe(200);
    } finally {
      expect(await server.stop()).toBe(0);
    }
  }, 120_000);
});

describe("secrets refused at start (finding 8)", () => {
  it("refuses an admin token shorter than 32 characters, naming the variable", async () => {
    await expect(startServer({ env: { CLOSER_ADMIN_TOKEN: "only-31-characters-0123456789ab" } })).rejects.toThrow(
      /CLOSER_ADMIN_TOKEN: at least 32 characters/,
    );
  }, 120_000);

  it("refuses .env.example's placeholder webhook secret, naming the variable", async () => {
    await expect(
      startServer({
        env: {
          GATEWAY: "gowa",
          GOWA_URL: "http://127.0.0.1:9",
          GOWA_WEBHOOK_SECRET: "change-me-to-a-long-random-string",
        },
      }),
    ).rejects.toThrow(/GOWA_WEBHOOK_SECRET: still the placeholder from \.env\.example/);
  }, 120_000);
});

describe("a playbook regex that could stop the service (finding 6)", () => {
  it("is refused at start, naming the signal, so no message ever runs through it", async () => {
    const playbooks = join(tempDir("closer-redos-"), "playbooks");
    cpSync(join(REPO_ROOT, "playbooks"), playbooks, { recursive: true });
    const funnel = join(playbooks, "funnel.yaml");
    writeFileSync(
      funnel,
      readFileSync(funnel, "utf8").replace("      - /^\\s*(hi|hello|hey)\\b/", "      - /^(\\w+\\s?)+\\?$/"),
    );
    await expect(startServer({ env: { PLAYBOOKS_DIR: playbooks } })).rejects.toThrow(
      /funnel\.yaml:\d+:\d+ .*can backtrack catastrophically/,
    );
  }, 120_000);
});
