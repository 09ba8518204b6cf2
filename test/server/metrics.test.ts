/**
 * `GET /metrics`: Prometheus text that a strict parser accepts, with the
 * histograms, the labelled counters and the gauges read from the store; open
 * from loopback, behind a token from anywhere else. The service runs
 * in-process on a real SQLite file with the playground gateway.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { ManualClock } from "../../src/engine/index.js";
import type { Closer } from "../../src/main.js";
import { latestPolicyVersion } from "../../src/store/index.js";
import { type InProcessCloser, startInProcessCloser } from "../support/in-process-closer.js";
import { type PromFamily, parsePrometheusText } from "../support/prometheus-text.js";

const TOKEN = "metrics-admin-token-0123456789abcdef";
const METRICS_TOKEN = "scraper-token-0123456789abcdef";

describe("GET /metrics", () => {
  const clock = new ManualClock(Date.UTC(2026, 2, 10, 12, 0, 0));
  let service: InProcessCloser;
  let closer: Closer;
  let families: Map<string, PromFamily>;

  beforeAll(async () => {
    service = await startInProcessCloser({ token: TOKEN, clock, env: { METRICS_TOKEN, CLOSER_RANDOM_SEED: "1" } });
    closer = service.closer;
    const chat = await fetch(`${closer.url}/api/playground/messages`, {
      method: "POST",
      headers: { "content-type": "application/json" },
      body: JSON.stringify({ from: "+15551230001", text: "Hi! How much is the skillet?" }),
    });
    expect(chat.status).toBe(200);
    await fetch(`${closer.url}/api/customers/+15551230001`); // 401: an API request with a phone in its URL
    const response = await fetch(`${closer.url}/metrics`);
    expect(response.status).toBe(200);
    expect(response.headers.get("content-type")).toMatch(/^text\/plain; version=0\.0\.4/);
    families = parsePrometheusText(await response.text());
  });
  afterAll(async () => {
    await service?.close();
  });

  const sample = (family: string, name: string, labels: Record<string, string> = {}) =>
    families
      .get(family)
      ?.samples.find((s) => s.name === name && Object.entries(labels).every(([k, v]) => s.labels[k] === v))?.value;

  it("has the reply latency histogram with the reply just sent", () => {
    expect(families.get("closer_reply_latency_seconds")?.type).toBe("histogram");
    expect(sample("closer_reply_latency_seconds", "closer_reply_latency_seconds_count")).toBe(1);
    expect(sample("closer_reply_latency_seconds", "closer_reply_latency_seconds_bucket", { le: "30" })).toBe(1);
  });

  it("has the HTTP duration histogram and request counters by route pattern, never by URL", () => {
    expect(families.get("closer_http_request_duration_seconds")?.type).toBe("histogram");
    expect(
      sample("closer_api_requests_total", "closer_api_requests_total", {
        route: "/api/playground/messages",
        status: "200",
      }),
    ).toBe(1);
    expect(
      sample("closer_api_requests_total", "closer_api_requests_total", {
        route: "/api/customers/:phone",
        status: "401",
      }),
    ).toBe(1);
    expect(families.get("closer_webhook_requests_total")?.type).toBe("counter");
    const labels = [...families.values()].flatMap((f) => f.samples.flatMap((s) => Object.values(s.labels)));
    expect(labels.filter((v) => v.includes("5551230001"))).toEqual([]);
  });

  it("counts sends by gateway and result, and the LLM requests and tokens", () => {
    expect(sample("closer_sends_total", "closer_sends_total", { gateway: "playground", result: "sent" })).toBe(1);
    expect(sample("closer_sends_total", "closer_sends_total", { gateway: "playground", result: "failed" })).toBe(0);
    expect(sample("closer_llm_requests_total", "closer_llm_requests_total", { result: "failed" })).toBe(0);
    expect(sample("closer_llm_tokens_total", "closer_llm_tokens_total", { direction: "in" })).toBe(0);
    expect(sample("closer_inbound_messages_total", "closer_inbound_messages_total", { result: "accepted" })).toBe(1);
  });

  it("has queue depths, the arm weights of every stage's policy and the gateway state as gauges", async () => {
    expect(sample("closer_outbox_rows", "closer_outbox_rows", { status: "sent" })).toBe(1);
    const weights = families.get("closer_arm_weight")?.samples ?? [];
    const expected: Record<string, number> = {};
    for (const stage of ["first_contact", "building_trust", "intent", "closing"]) {
      const policy = await latestPolicyVersion(closer.db, stage);
      for (const [arm, weight] of Object.entries(policy?.weights ?? {})) expected[`${stage} ${arm}`] = weight;
    }
    expect(Object.keys(expected).length).toBeGreaterThan(0);
    expect(Object.fromEntries(weights.map((w) => [`${w.labels.stage} ${w.labels.arm}`, w.value]))).toEqual(expected);
    expect(sample("closer_gateway_connected", "closer_gateway_connected")).toBe(1);
  });

  it("has the default process metrics", () => {
    expect(families.get("closer_process_resident_memory_bytes")?.type).toBe("gauge");
    expect(families.get("closer_nodejs_eventloop_lag_seconds")?.type).toBe("gauge");
  });

  it.each([
    ["no token", undefined, 401],
    ["the metrics token", `Bearer ${METRICS_TOKEN}`, 200],
    ["the admin token", `Bearer ${TOKEN}`, 200],
    ["a wrong token", "Bearer not-the-token-0123456789", 401],
  ])("from another host with %s answers %d", async (_name, authorization, status) => {
    const response = await closer.app.inject({
      method: "GET",
      url: "/metrics",
      remoteAddress: "203.0.113.7",
      headers: authorization === undefined ? {} : { authorization },
    });
    expect(response.statusCode).toBe(status);
  });

  it("asks for a token when a reverse proxy on this host forwarded the request", async () => {
    const response = await fetch(`${closer.url}/metrics`, { headers: { "x-forwarded-for": "203.0.113.7" } });
    expect(response.status).toBe(401);
    expect(((await response.json()) as { error: { code: string } }).error.code).toBe("unauthorized");
  });
});
