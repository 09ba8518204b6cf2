import { join } from "node:path";
import { afterEach, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { ManualClock } from "../../src/engine/clock.js";
import type { InboundMessage } from "../../src/engine/gateway/whatsapp-gateway.js";
import { InboxWorker, MAX_INBOX_ATTEMPTS } from "../../src/engine/inbox-worker.js";
import { acceptMessage } from "../../src/engine/intake.js";
import { EngineMetrics } from "../../src/engine/metrics.js";
import type { PlaybookRuntime } from "../../src/engine/playbook-runtime.js";
import { createPlaybookRuntime } from "../../src/engine/playbook-runtime-factory.js";
import { createSeededRandom, loadedVersionsOf, syncArms } from "../../src/experiments/index.js";
import { silentLogger } from "../../src/log.js";
import { loadPlaybookSet, nodeFileReader, type PlaybookSet } from "../../src/strategies/index.js";
import { REPO_ROOT } from "../support/start-server.js";
import { createTestDatabase, type TestDatabase } from "../support/test-database.js";

const T0 = Date.UTC(2026, 2, 10, 12, 0, 0);
let set: PlaybookSet;

beforeAll(async () => {
  const loaded = await loadPlaybookSet(join(REPO_ROOT, "playbooks"), nodeFileReader);
  if (!loaded.ok) throw new Error("the example playbooks do not load");
  set = loaded.set;
});

function message(id: string, text: string, phone = "15550002222"): InboundMessage {
  return {
    kind: "message",
    gateway: "playground",
    gatewayMessageId: id,
    phone,
    lid: null,
    name: null,
    text,
    fromMe: false,
    origin: "app",
    sentAt: T0,
  };
}

describe("the inbox worker", () => {
  let t: TestDatabase;
  let failuresLeft: number;
  let worker: InboxWorker;
  const handled: number[] = [];

  beforeEach(async () => {
    t = await createTestDatabase();
    await syncArms(t.db, loadedVersionsOf(set.variants), T0);
    const real = createPlaybookRuntime(set);
    failuresLeft = 0;
    handled.length = 0;
    // A runtime whose classifier fails while `failuresLeft` > 0: a passing fault inside the transaction.
    const flaky: PlaybookRuntime = {
      ...real,
      settings: (stage) => real.settings(stage),
      compose: (...args) => real.compose(...args),
      classify(text) {
        if (failuresLeft > 0) {
          failuresLeft--;
          throw new Error("passing fault");
        }
        return real.classify(text);
      },
    };
    worker = new InboxWorker({
      db: t.db,
      cipher: t.cipher,
      playbooks: flaky,
      rng: createSeededRandom(1),
      handoffMs: 3_600_000,
      clock: new ManualClock(T0),
      logger: silentLogger(),
      metrics: new EngineMetrics(),
      onProcessed: (id, outcome) => {
        if (outcome !== null) handled.push(id);
      },
    });
  });
  afterEach(async () => {
    await worker.stop();
    await t.close();
  });

  it("retries a failed message on a later pass and keeps the customer's order", async () => {
    const first = await acceptMessage(t.db, t.cipher, message("m1", "Hi"), T0);
    const second = await acceptMessage(t.db, t.cipher, message("m2", "How much is the skillet?"), T0);
    failuresLeft = 1;
    await worker.drain();
    expect(handled).toEqual([]);
    await worker.drain();
    expect(handled).toEqual([first.inboxId, second.inboxId]);
  });

  it("sets a message aside after the last attempt so the queue moves on", async () => {
    const poison = await acceptMessage(t.db, t.cipher, message("m1", "Hi", "15550003333"), T0);
    const next = await acceptMessage(t.db, t.cipher, message("m2", "Hello", "15550004444"), T0);
    failuresLeft = MAX_INBOX_ATTEMPTS;
    for (let pass = 0; pass < MAX_INBOX_ATTEMPTS; pass++) await worker.drain();
    expect(handled).toEqual([next.inboxId]);
    const row = await t.db.selectFrom("inbox").selectAll().where("id", "=", poison.inboxId).executeTakeFirstOrThrow();
    expect(row.status).toBe("failed");
    expect(row.attempts).toBe(MAX_INBOX_ATTEMPTS);
    expect(row.last_error).toMatch(/passing fault/);
  });
});
