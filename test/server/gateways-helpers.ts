/**
 * Helpers shared by the gateway end-to-end tests: polling with a deadline, the
 * admin API's view of a customer, `/healthz` and `/metrics`, and exact arrival
 * times of the requests a fake gateway records.
 * @module
 */
import type { RunningServer } from "../support/start-server.js";

/** One transcript line as `GET /api/customers/:phone` shows it. */
export interface TranscriptLine {
  direction: "in" | "out";
  author: "customer" | "bot" | "human";
  text: string;
  stage: string;
  variant: string | null;
  status: string;
  at: string;
  /** The message kind (`text`, `image`, `voice`, …). */
  kind?: string;
  /** The customer's reaction to this message, or null. */
  reaction?: string | null;
  editedAt?: string | null;
  revokedAt?: string | null;
}

/** The parts of the admin API's customer view these tests read. */
export interface CustomerView {
  id: string;
  phone: string;
  stage: string;
  handoffUntil: string | null;
  handoffs: { startedAt: string; endsAt: string; endedAt: string | null; reason: string }[];
  transcript: TranscriptLine[];
  /** The ad or post the customer first wrote from. */
  referral?: Record<string, unknown> | null;
}

/** The pacing bounds the human-paced servers run with (small, so the suite stays fast). */
export const FAST_HUMAN_PACING = {
  CLOSER_PACING: "human",
  CLOSER_SEEN_DELAY_MS: "150",
  CLOSER_TYPING_BASE_MS: "300",
  CLOSER_TYPING_PER_CHAR_MS: "0",
  CLOSER_TYPING_MAX_MS: "300",
  CLOSER_PACING_JITTER: "0.2",
  CLOSER_MIN_GAP_MS: "200",
  // Replies to fresh messages ignore quiet hours anyway; off keeps the suite independent of the hour.
  CLOSER_QUIET_HOURS: "off",
} as const;

/** Lower bounds of the delays `FAST_HUMAN_PACING` allows (value × (1 − jitter)), ms. */
export const FAST_HUMAN_BOUNDS = { seenMinMs: 150 * 0.8, typingMinMs: 300 * 0.8 } as const;

/** Polls `probe` until it returns a value other than undefined/false, or fails after `timeoutMs`. */
export async function eventually<T>(
  probe: () => Promise<T | undefined | false> | T | undefined | false,
  what: string,
  timeoutMs = 10_000,
  everyMs = 25,
): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  let last: unknown;
  for (;;) {
    try {
      const value = await probe();
      if (value !== undefined && value !== false) return value;
    } catch (error) {
      last = error;
    }
    if (Date.now() > deadline) {
      throw new Error(
        `timed out after ${timeoutMs} ms waiting for ${what}${last ? ` (last error: ${String(last)})` : ""}`,
      );
    }
    await new Promise((resolve) => setTimeout(resolve, everyMs));
  }
}

/** Waits `ms`. Used only to show that something does NOT happen within a bound. */
export function pause(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}

/** `GET /api/customers/:phone`, or null on 404. */
export async function customerView(server: RunningServer, phone: string): Promise<CustomerView | null> {
  const response = await fetch(`${server.url}/api/customers/${encodeURIComponent(phone)}`, {
    headers: { authorization: `Bearer ${server.adminToken}` },
  });
  if (response.status === 404) return null;
  if (response.status !== 200) throw new Error(`GET customer answered ${response.status}: ${await response.text()}`);
  return (await response.json()) as CustomerView;
}

/** The bot's lines in a customer's transcript. */
export function botLines(view: CustomerView | null): TranscriptLine[] {
  return view?.transcript.filter((line) => line.author === "bot") ?? [];
}

/** Waits until the customer's transcript holds `count` inbound lines (each handled in one transaction). */
export function handledInbound(server: RunningServer, phone: string, count: number): Promise<CustomerView> {
  return eventually(async () => {
    const view = await customerView(server, phone);
    const inbound = view?.transcript.filter((line) => line.author === "customer").length ?? 0;
    return inbound >= count ? (view ?? undefined) : undefined;
  }, `${count} inbound message(s) from ${phone} to be handled`);
}

/** `POST /api/customers/:phone/resume`: ends a handoff. */
export async function resumeCustomer(server: RunningServer, phone: string): Promise<number> {
  const response = await fetch(`${server.url}/api/customers/${encodeURIComponent(phone)}/resume`, {
    method: "POST",
    headers: { authorization: `Bearer ${server.adminToken}` },
  });
  return response.status;
}

/** The `gateway` part of `GET /healthz`. */
export async function gatewayHealth(server: RunningServer): Promise<{ name: string; ok: boolean; detail: string }> {
  const response = await fetch(`${server.url}/healthz`);
  const body = (await response.json()) as { gateway: { name: string; ok: boolean; detail: string } };
  return body.gateway;
}

/** A counter or gauge from `GET /metrics` (0 when absent). */
export async function metric(server: RunningServer, name: string): Promise<number> {
  const text = await (await fetch(`${server.url}/metrics`)).text();
  const line = text.split("\n").find((l) => l.startsWith(`${name} `));
  return line === undefined ? 0 : Number(line.slice(name.length + 1));
}

/**
 * Records when each request is pushed onto a fake's `requests` array (the fake
 * pushes as the request arrives), so a test can check the pacing between them.
 * Returns the arrival times (`performance.now()`), index-aligned with `requests`.
 */
export function arrivalTimes<T>(requests: T[]): number[] {
  const times: number[] = requests.map(() => Number.NaN);
  const push = requests.push.bind(requests);
  requests.push = (...items: T[]) => {
    for (const _ of items) times.push(performance.now());
    return push(...items);
  };
  return times;
}

/** The output lines of a server that carry an alert of `kind` (alerts are logged as JSON with `alert`). */
export function alertLines(server: RunningServer, kind: string): string[] {
  return server
    .output()
    .split("\n")
    .filter((line) => line.includes(`"alert":"${kind}"`));
}
