import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { afterEach, describe, expect, it } from "vitest";
import { joinUrl, parseRetryAfter, requestJson } from "../../../src/engine/gateway/http-json.js";

const NOW = Date.UTC(2026, 0, 1, 0, 0, 0);

describe("requestJson", () => {
  let server: Server | undefined;

  afterEach(async () => {
    server?.closeAllConnections();
    await new Promise<void>((resolve) => (server ? server.close(() => resolve()) : resolve()));
    server = undefined;
  });

  async function serve(handler: Parameters<typeof createServer>[1]): Promise<string> {
    server = createServer(handler);
    await new Promise<void>((resolve) => server!.listen(0, "127.0.0.1", resolve));
    return `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  }

  it("should send JSON and return any status with the parsed body and Retry-After", async () => {
    let received = "";
    const url = await serve((req, res) => {
      req.on("data", (chunk: Buffer) => {
        received += chunk.toString();
      });
      req.on("end", () => {
        res.writeHead(429, { "content-type": "application/json", "retry-after": "12" });
        res.end('{"code":"SLOW"}');
      });
    });
    const response = await requestJson("gowa", { method: "POST", url, body: { a: 1 } }, { now: () => NOW });
    expect(received).toBe('{"a":1}');
    expect(response).toEqual({ status: 429, body: { code: "SLOW" }, retryAfterMs: 12_000 });
  });

  it("should hand back a non-JSON body as text and an empty one as null", async () => {
    const url = await serve((req, res) => {
      res.writeHead(req.url === "/empty" ? 204 : 401);
      res.end(req.url === "/empty" ? "" : "Unauthorized");
    });
    await expect(requestJson("gowa", { method: "GET", url })).resolves.toMatchObject({
      status: 401,
      body: "Unauthorized",
    });
    await expect(requestJson("gowa", { method: "GET", url: `${url}/empty` })).resolves.toMatchObject({
      status: 204,
      body: null,
    });
  });

  it("should give up after the timeout with a retryable, timed-out gateway_unreachable", async () => {
    const url = await serve(() => {
      // never answers
    });
    await expect(requestJson("waha", { method: "GET", url }, { timeoutMs: 100 })).rejects.toMatchObject({
      code: "gateway_unreachable",
      retryable: true,
      timedOut: true,
      gatewayCode: "TIMEOUT",
    });
  });

  it("should use an injected fetch", async () => {
    const calls: string[] = [];
    const fetch = async (input: string) => {
      calls.push(input);
      return new Response('{"ok":true}', { status: 200 });
    };
    await expect(
      requestJson("cloud", { method: "GET", url: "http://127.0.0.1:9/x" }, { fetch }),
    ).resolves.toMatchObject({
      body: { ok: true },
    });
    expect(calls).toEqual(["http://127.0.0.1:9/x"]);
  });
});

describe("parseRetryAfter", () => {
  it.each([
    ["delay seconds", "120", 120_000],
    ["an HTTP date 30 s ahead", new Date(NOW + 30_000).toUTCString(), 30_000],
    ["a date in the past", new Date(NOW - 5_000).toUTCString(), 0],
    ["garbage", "soon", null],
    ["nothing", null, null],
  ])("should read %s", (_name, value, expected) => {
    expect(parseRetryAfter(value, NOW)).toBe(expected);
  });
});

describe("joinUrl", () => {
  it("should keep a base path and avoid double slashes", () => {
    expect(joinUrl("http://gowa:3000/gowa/", "/send/message")).toBe("http://gowa:3000/gowa/send/message");
  });
});
