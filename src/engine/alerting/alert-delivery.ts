/**
 * Where alerts go: the log always, and `ALERT_WEBHOOK_URL` as a JSON POST,
 * retried with backoff on network errors, timeouts, 429 and 5xx (a 4xx other
 * than 429 is the receiver saying no, and is not retried).
 * @module
 */
import type { Logger } from "../../log.js";

/** One delivery of an alert, as the webhook receives it (JSON). */
export interface AlertNotice {
  /** The alert's kind: `send_success_low`, `gateway_offline`, `hot_lead`, … */
  alert: string;
  /** `firing` when it starts or repeats while it holds, `resolved` when it clears. */
  status: "firing" | "resolved";
  /** True for a reminder of an alert that still holds. */
  repeat: boolean;
  /** A one-off alert (no "resolved" will follow). */
  oneOff: boolean;
  message: string;
  detail: Record<string, unknown>;
  /** When this delivery was made, ISO 8601. */
  at: string;
  /** When the alert first fired, ISO 8601. */
  since: string;
}

/** Options of {@link createWebhookDelivery}. */
export interface WebhookDeliveryOptions {
  url: string;
  logger: Logger;
  /** Waits between attempts, ms; one more attempt than entries. Default 1 s, 5 s, 30 s. */
  retryDelaysMs?: readonly number[];
  /** Give up on one attempt after this many ms. Default 5 000. */
  timeoutMs?: number;
}

/** Default waits between webhook attempts, ms. */
export const ALERT_WEBHOOK_RETRY_DELAYS_MS: readonly number[] = [1_000, 5_000, 30_000];
/** Default timeout of one webhook attempt, ms. */
export const ALERT_TIMEOUT_MS = 5_000;

/** Delivers notices to a webhook; `close()` stops waiting retries (their notices are logged as undelivered). */
export interface WebhookDelivery {
  deliver(notice: AlertNotice): Promise<boolean>;
  close(): void;
}

/** Posts notices to `url`, retrying as described in the module comment. Never throws. */
export function createWebhookDelivery({
  url,
  logger,
  retryDelaysMs = ALERT_WEBHOOK_RETRY_DELAYS_MS,
  timeoutMs = ALERT_TIMEOUT_MS,
}: WebhookDeliveryOptions): WebhookDelivery {
  const closing = new AbortController();
  // The URL may carry a secret (chat webhooks do); logs name only its host.
  const host = new URL(url).host;
  return {
    async deliver(notice) {
      let lastProblem = "";
      for (let attempt = 0; attempt <= retryDelaysMs.length; attempt++) {
        if (attempt > 0 && !(await pause(retryDelaysMs[attempt - 1] ?? 0, closing.signal))) break;
        const outcome = await postOnce(url, notice, timeoutMs);
        if (outcome === "ok") return true;
        lastProblem = outcome.problem;
        if (!outcome.retry) break;
      }
      logger.warn({ alert: notice.alert, host, problem: lastProblem }, "alert webhook delivery failed");
      return false;
    },
    close() {
      closing.abort();
    },
  };
}

/** Writes a notice to the log: warn while firing, info when resolved. */
export function logNotice(logger: Logger, notice: AlertNotice): void {
  const fields = { alert: notice.alert, status: notice.status, repeat: notice.repeat, ...notice.detail };
  if (notice.status === "resolved") logger.info(fields, `resolved: ${notice.message}`);
  else logger.warn(fields, notice.message);
}

async function postOnce(
  url: string,
  notice: AlertNotice,
  timeoutMs: number,
): Promise<"ok" | { retry: boolean; problem: string }> {
  try {
    const response = await fetch(url, {
      method: "POST",
      headers: { "content-type": "application/json" },
      body: JSON.stringify(notice),
      signal: AbortSignal.timeout(timeoutMs),
    });
    await response.body?.cancel();
    if (response.ok) return "ok";
    return { retry: response.status === 429 || response.status >= 500, problem: `HTTP ${response.status}` };
  } catch (error) {
    return { retry: true, problem: error instanceof Error ? error.message : String(error) };
  }
}

/** Waits `ms`; resolves false at once when `signal` aborts. */
function pause(ms: number, signal: AbortSignal): Promise<boolean> {
  if (signal.aborted) return Promise.resolve(false);
  return new Promise((resolve) => {
    const timer = setTimeout(() => {
      signal.removeEventListener("abort", onAbort);
      resolve(true);
    }, ms);
    const onAbort = () => {
      clearTimeout(timer);
      resolve(false);
    };
    signal.addEventListener("abort", onAbort, { once: true });
  });
}
