import { join } from "node:path";
import { afterEach, beforeAll, beforeEach, describe, expect, it } from "vitest";
import type { InboundMessage } from "../../src/engine/gateway/whatsapp-gateway.js";
import { handleInboxRow } from "../../src/engine/inbound-handler.js";
import { acceptMessage } from "../../src/engine/intake.js";
import type { PlaybookRuntime } from "../../src/engine/playbook-runtime.js";
import { createPlaybookRuntime } from "../../src/engine/playbook-runtime-factory.js";
import { createSeededRandom, expireWindows, loadedVersionsOf, syncArms } from "../../src/experiments/index.js";
import { pendingInboxRows } from "../../src/store/index.js";
import { loadPlaybookSet, nodeFileReader } from "../../src/strategies/index.js";
import { REPO_ROOT } from "../support/start-server.js";
import { createTestDatabase, type TestDatabase } from "../support/test-database.js";

const T0 = Date.UTC(2026, 2, 10, 12, 0, 0);
const HOUR = 3_600_000;
let playbooks: PlaybookRuntime;
let versions: ReturnType<typeof loadedVersionsOf>;

beforeAll(async () => {
  const loaded = await loadPlaybookSet(join(REPO_ROOT, "playbooks"), nodeFileReader);
  if (!loaded.ok) throw new Error("the example playbooks do not load");
  playbooks = createPlaybookRuntime(loaded.set);
  versions = loadedVersionsOf(loaded.set.variants);
});

describe("resolving expired conversion windows", () => {
  let t: TestDatabase;
  let n = 0;

  beforeEach(async () => {
    t = await createTestDatabase();
    await syncArms(t.db, versions, T0);
  });
  afterEach(async () => {
    await t.close();
  });

  async function say(phone: string, text: string, at: number): Promise<void> {
    const message: InboundMessage = {
      kind: "message",
      gateway: "playground",
      gatewayMessageId: `m${++n}`,
      phone,
      lid: null,
      name: null,
      text,
      fromMe: false,
      origin: "app",
      sentAt: at,
    };
    await acceptMessage(t.db, t.cipher, message, at);
    const deps = { db: t.db, cipher: t.cipher, playbooks, rng: createSeededRandom(3), handoffMs: 12 * HOUR };
    for (const row of await pendingInboxRows(t.db, 10)) await handleInboxRow(deps, row, at);
  }

  const customerStage = async () =>
    (await t.db.selectFrom("customers").select(["stage", "journey"]).executeTakeFirstOrThrow()).stage;
  const assignment = async (stage: string) =>
    t.db.selectFrom("assignments").selectAll().where("stage", "=", stage).executeTakeFirstOrThrow();

  it("credits the arm when the customer moves on inside the window", async () => {
    await say("15550001000", "Hi there", T0);
    await say("15550001000", "How much is the skillet?", T0 + HOUR);
    expect(await assignment("first_contact")).toMatchObject({ status: "success", resolution: "advanced" });
    expect(await customerStage()).toBe("intent");
  });

  it("fails the arm and marks a silent customer lost once the window closes; idempotent", async () => {
    await say("15550001001", "Hi there", T0);
    const first = await expireWindows(t.db, T0 + 49 * HOUR);
    expect(first).toEqual({ expired: 1, customersLost: 1 });
    expect(await assignment("first_contact")).toMatchObject({ status: "failure", resolution: "window_expired" });
    expect(await customerStage()).toBe("lost");
    expect(await expireWindows(t.db, T0 + 50 * HOUR)).toEqual({ expired: 0, customersLost: 0 });
  });

  it("keeps the journey of a customer who is still writing when the window closes", async () => {
    await say("15550001002", "Hi there", T0);
    await say("15550001002", "hello?", T0 + 47 * HOUR);
    const result = await expireWindows(t.db, T0 + 49 * HOUR);
    expect(result).toEqual({ expired: 1, customersLost: 0 });
    expect(await assignment("first_contact")).toMatchObject({ status: "failure" });
    expect(await customerStage()).toBe("first_contact");
  });
});
