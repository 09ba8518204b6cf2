import { randomUUID } from "node:crypto";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { ManualClock } from "../../src/engine/clock.js";
import { profileSchema } from "../../src/engine/customer-profile.js";
import type { OutboundText, SendResult, WhatsAppGateway } from "../../src/engine/gateway/whatsapp-gateway.js";
import { EngineMetrics } from "../../src/engine/metrics.js";
import {
  forgetCustomer,
  giveBackToBot,
  queueShopMessage,
  SHOP_MESSAGE_MAX_CHARS,
  takeOverChat,
} from "../../src/engine/operator-actions.js";
import { OutboxSender } from "../../src/engine/outbox-sender.js";
import { DEFAULT_PACING } from "../../src/engine/pacing.js";
import { isCloserError } from "../../src/errors.js";
import { createSeededRandom } from "../../src/experiments/index.js";
import { silentLogger } from "../../src/log.js";
import {
  CUSTOMER_AAD,
  findCustomerById,
  handoffHistory,
  insertCustomer,
  insertMessage,
  insertOutboxEntry,
  MESSAGE_TEXT_AAD,
  recentAudit,
} from "../../src/store/index.js";
import { createTestDatabase, type TestDatabase } from "../support/test-database.js";

const T0 = Date.UTC(2026, 2, 10, 12, 0, 0);
const HOUR = 3_600_000;
const HANDOFF_MS = 12 * HOUR;
const PHONE = "6281234500077";
const dashboard = (now: number) => ({ actor: "dashboard", now });

describe("operator actions on a chat", () => {
  let t: TestDatabase;
  let clock: ManualClock;
  let sender: OutboxSender | undefined;
  const sent: string[] = [];
  const settled: { id: number; status: string }[] = [];

  beforeEach(async () => {
    t = await createTestDatabase();
    clock = new ManualClock(T0);
    sent.length = 0;
    settled.length = 0;
  });
  afterEach(async () => {
    await sender?.stop();
    sender = undefined;
    await t.close();
  });

  async function customer({ optedOut = false } = {}): Promise<string> {
    const id = randomUUID();
    await insertCustomer(t.db, {
      id,
      phone_index: t.cipher.blindIndex(PHONE),
      phone_enc: t.cipher.encrypt(PHONE, CUSTOMER_AAD.phone(id)),
      lid_index: null,
      name_enc: null,
      stage: "intent",
      journey: 1,
      stage_entered_at: T0 - HOUR,
      profile_enc: t.cipher.encryptJson(profileSchema.parse({}), CUSTOMER_AAD.profile(id)),
      opted_out: optedOut ? 1 : 0,
      handoff_until: null,
      first_contact_at: T0 - HOUR,
      last_inbound_at: T0 - 60_000,
      last_interaction_at: T0 - 60_000,
      conversation_count: 1,
      created_at: T0 - HOUR,
      updated_at: T0 - HOUR,
    });
    return id;
  }

  async function botReply(customerId: string, text: string): Promise<number> {
    const messageId = await insertMessage(t.db, {
      customerId,
      direction: "out",
      author: "bot",
      textEnc: t.cipher.encrypt(text, MESSAGE_TEXT_AAD(customerId)),
      gatewayMessageIndex: null,
      journey: 1,
      stage: "intent",
      assignmentId: null,
      variantId: null,
      variantVersion: null,
      intent: "reply",
      status: "queued",
      createdAt: clock.now(),
    });
    return insertOutboxEntry(t.db, {
      messageId,
      customerId,
      kind: "reply",
      inReplyToAt: clock.now(),
      inReplyToGatewayIdEnc: null,
      createdAt: clock.now(),
    });
  }

  async function sendAll(expected: number): Promise<void> {
    const gateway: WhatsAppGateway = {
      name: "gowa",
      async send(message: OutboundText): Promise<SendResult> {
        sent.push(message.text);
        return { gatewayMessageId: `WA-${sent.length}` };
      },
      async markRead() {},
      async setTyping() {},
      async health() {
        return { connected: true, detail: "connected" };
      },
    };
    sender = new OutboxSender({
      db: t.db,
      cipher: t.cipher,
      gateway,
      clock,
      rng: createSeededRandom(3),
      pacing: { ...DEFAULT_PACING, mode: "off" },
      logger: silentLogger(),
      alerts: { raise() {} },
      metrics: new EngineMetrics(),
      onSettled: (id, status) => settled.push({ id, status }),
    });
    sender.start(10);
    await expect.poll(() => settled.length).toBe(expected);
  }

  it("takes a chat over once: taking over or writing again keeps the same handoff, only longer", async () => {
    const id = await customer();
    expect(await takeOverChat(t.db, id, HANDOFF_MS, dashboard(T0))).toEqual({ handoffUntil: T0 + HANDOFF_MS });
    clock.advance(HOUR);
    await queueShopMessage(t.db, t.cipher, id, "Hello from the shop", HANDOFF_MS, dashboard(clock.now()));
    const handoffs = await handoffHistory(t.db, id);
    expect(handoffs).toHaveLength(1);
    expect(handoffs[0]?.ends_at).toBe(T0 + HOUR + HANDOFF_MS);
    expect((await findCustomerById(t.db, id))?.handoff_until).toBe(T0 + HOUR + HANDOFF_MS);
    expect((await recentAudit(t.db, 10)).map((a) => a.action)).toEqual(["handoff_start"]);
  });

  it("sends the person's message through the gateway while the bot's queued reply is held", async () => {
    const id = await customer();
    const bot = await botReply(id, "A bot reply that must not go out");
    const human = await queueShopMessage(t.db, t.cipher, id, "  I'll hold one for you.  ", HANDOFF_MS, dashboard(T0));
    await sendAll(2);
    expect(sent).toEqual(["I'll hold one for you."]);
    expect(settled).toEqual(
      expect.arrayContaining([
        { id: bot, status: "held" },
        { id: human, status: "sent" },
      ]),
    );
    const [message] = await t.db.selectFrom("messages").selectAll().where("author", "=", "human").execute();
    expect(message?.status).toBe("sent");
    expect(message?.direction).toBe("out");
  });

  it("sends nothing, not even a person's message, to a customer who opted out", async () => {
    const id = await customer({ optedOut: true });
    const human = await queueShopMessage(t.db, t.cipher, id, "Are you still there?", HANDOFF_MS, dashboard(T0));
    await sendAll(1);
    expect(sent).toEqual([]);
    expect(settled).toEqual([{ id: human, status: "held" }]);
  });

  it.each([
    ["empty", "   "],
    ["too long", "x".repeat(SHOP_MESSAGE_MAX_CHARS + 1)],
  ])("refuses a %s message and queues nothing", async (_name, text) => {
    const id = await customer();
    const error = await queueShopMessage(t.db, t.cipher, id, text, HANDOFF_MS, dashboard(T0)).catch((e: unknown) => e);
    expect(isCloserError(error, "bad_request")).toBe(true);
    expect(await t.db.selectFrom("outbox").selectAll().execute()).toEqual([]);
    expect((await findCustomerById(t.db, id))?.handoff_until).toBeNull();
  });

  it("gives the chat back to the bot, and forgets a customer: their audit entries go, one that names nobody stays", async () => {
    const id = await customer();
    await takeOverChat(t.db, id, HANDOFF_MS, dashboard(T0));
    await giveBackToBot(t.db, id, dashboard(T0 + HOUR));
    expect((await findCustomerById(t.db, id))?.handoff_until).toBeNull();
    expect((await handoffHistory(t.db, id))[0]?.ended_at).toBe(T0 + HOUR);
    await forgetCustomer(t.db, id, dashboard(T0 + 2 * HOUR));
    expect(await findCustomerById(t.db, id)).toBeUndefined();
    const audit = await recentAudit(t.db, 10);
    expect(audit.map((a) => a.action)).toEqual(["customer_forget"]);
    expect(JSON.stringify(audit)).not.toContain(id);
  });
});
