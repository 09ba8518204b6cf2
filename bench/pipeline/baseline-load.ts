/**
 * The baseline's load: the same client and the same signed GOWA bodies as the
 * pipeline, posted at a fixed number of concurrent requests for a bounded time.
 * @module
 */
import { createConversationFactory, gowaMessageBody, signGowaBody } from "./conversations.js";
import type { WebhookClient } from "./webhook-client.js";

/** What the baseline sustained in its measurement window. */
export interface BaselineResult {
  windowMs: number;
  requests: number;
  errors: number;
  requestsPerSecond: number;
  ackMs: number[];
}

/** Posts webhooks with `concurrency` requests in flight for `warmupMs + measureMs`; measures the last `measureMs`. */
export async function runBaselineLoad(
  client: WebhookClient,
  secret: string,
  rng: () => number,
  { concurrency, warmupMs, measureMs }: { concurrency: number; warmupMs: number; measureMs: number },
): Promise<BaselineResult> {
  const nextConversation = createConversationFactory(rng, "62813");
  const start = performance.now();
  const opensAt = start + warmupMs;
  const end = opensAt + measureMs;
  let counter = 0;
  let requests = 0;
  let errors = 0;
  const ackMs: number[] = [];
  const worker = async () => {
    while (performance.now() < end) {
      const conversation = nextConversation();
      for (const text of conversation.messages) {
        counter += 1;
        const id = `3B${counter.toString(16).toUpperCase().padStart(18, "0")}`;
        const body = gowaMessageBody({ id, phone: conversation.phone, name: conversation.name, text, at: Date.now() });
        const startedAt = performance.now();
        if (startedAt >= end) return;
        const result = await client.post(body, { "x-hub-signature-256": signGowaBody(body, secret) }, startedAt);
        const endedAt = performance.now();
        // Throughput counts answers that ended inside the window, whenever they started.
        if (endedAt < opensAt || endedAt > end) continue;
        if (result.status === 200) {
          requests += 1;
          ackMs.push(result.ms);
        } else {
          errors += 1;
        }
      }
    }
  };
  await Promise.all(Array.from({ length: concurrency }, worker));
  return { windowMs: measureMs, requests, errors, requestsPerSecond: (requests * 1000) / measureMs, ackMs };
}
