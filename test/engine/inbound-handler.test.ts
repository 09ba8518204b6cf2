import { join } from "node:path";
import { afterEach, beforeAll, beforeEach, describe, expect, it } from "vitest";
import type { InboundMessage } from "../../src/engine/gateway/whatsapp-gateway.js";
import { handleInboxRow, type InboundHandlerDeps, type InboundOutcome } from "../../src/engine/inbound-handler.js";
import { acceptMessage } from "../../src/engine/intake.js";
import { OPT_IN_CONFIRMATION, OPT_OUT_CONFIRMATION } from "../../src/engine/opt-out.js";
import type { PlaybookRuntime } from "../../src/engine/playbook-runtime.js";
import { createPlaybookRuntime } from "../../src/engine/playbook-runtime-factory.js";
import { createSeededRandom, loadedVersionsOf, syncArms } from "../../src/experiments/index.js";
import {
  assignmentsOf,
  CUSTOMER_AAD,
  type CustomerRow,
  consentHistory,
  findCustomerByPhoneIndex,
  gatewayIdIndex,
  handoffHistory,
  MESSAGE_TEXT_AAD,
  pendingInboxRows,
  setMessageStatus,
  transcript,
  updateCustomer,
} from "../../src/store/index.js";
import { loadPlaybookSet, nodeFileReader, type PlaybookSet } from "../../src/strategies/index.js";
import { REPO_ROOT } from "../support/start-server.js";
import { createTestDatabase, type TestDatabase } from "../support/test-database.js";

const T0 = Date.UTC(2026, 2, 10, 12, 0, 0);
const HOUR = 3_600_000;
const HANDOFF_MS = 12 * HOUR;

let set: PlaybookSet;
let playbooks: PlaybookRuntime;

beforeAll(async () => {
  const loaded = await loadPlaybookSet(join(REPO_ROOT, "playbooks"), nodeFileReader);
  if (!loaded.ok) throw new Error(`the example playbooks do not load: ${JSON.stringify(loaded.problems)}`);
  set = loaded.set;
  playbooks = createPlaybookRuntime(set);
});

describe("the inbound handler", () => {
  let t: TestDatabase;
  let deps: InboundHandlerDeps;
  let counter = 0;

  beforeEach(async () => {
    t = await createTestDatabase();
    const variants = loadedVersionsOf(set.variants);
    await syncArms(t.db, variants, T0);
    deps = { db: t.db, cipher: t.cipher, playbooks, rng: createSeededRandom(42), handoffMs: HANDOFF_MS };
  });
  afterEach(async () => {
    await t.close();
  });

  function message(fields: Partial<InboundMessage> & { text: string }, at = T0): InboundMessage {
    counter += 1;
    return {
      kind: "message",
      gateway: "gowa",
      gatewayMessageId: `3AIN${counter}`,
      phone: "6281234500001",
      lid: null,
      name: null,
      fromMe: false,
      origin: fromMeOrigin(fields.fromMe),
      sentAt: at,
      ...fields,
    };
  }

  /** Intake then the handler, as the engine does. */
  async function handle(msg: InboundMessage, now = msg.sentAt): Promise<InboundOutcome> {
    const intake = await acceptMessage(t.db, t.cipher, msg, now);
    expect(intake.accepted).toBe(true);
    const row = (await pendingInboxRows(t.db, 10)).find((r) => Number(r.id) === intake.inboxId);
    if (row === undefined) throw new Error("the accepted message is not pending");
    return handleInboxRow(deps, row, now);
  }

  async function customerBy(identity: string): Promise<CustomerRow | undefined> {
    return findCustomerByPhoneIndex(t.db, t.cipher.blindIndex(identity));
  }

  async function customerCount(): Promise<number> {
    const row = await t.db
      .selectFrom("customers")
      .select((eb) => eb.fn.countAll<number>().as("n"))
      .executeTakeFirst();
    return Number(row?.n ?? 0);
  }

  async function outboxTexts(customerId: string): Promise<string[]> {
    const rows = await t.db
      .selectFrom("outbox")
      .innerJoin("messages", "messages.id", "outbox.message_id")
      .select(["messages.text_enc"])
      .where("outbox.customer_id", "=", customerId)
      .orderBy("outbox.id")
      .execute();
    return rows.map((r) => t.cipher.decrypt(r.text_enc, MESSAGE_TEXT_AAD(customerId)));
  }

  describe("identities", () => {
    it("merges a customer first known only by an @lid into one customer when a payload maps the lid to a phone", async () => {
      const lid = "214748364712345@lid";
      const first = await handle(message({ phone: null, lid, text: "Hi there" }));
      expect(first.customerId).not.toBeNull();
      expect((await customerBy(lid))?.id).toBe(first.customerId);

      const second = await handle(
        message({ phone: "6281234500002", lid, text: "How much is the skillet?" }, T0 + 60_000),
      );
      expect(second.customerId).toBe(first.customerId);
      expect(await customerCount()).toBe(1);
      // The phone is now the identity: sends go to it and the admin API finds the customer by it.
      const merged = await customerBy("6281234500002");
      expect(merged?.id).toBe(first.customerId);
      expect(t.cipher.decrypt(merged?.phone_enc ?? "", CUSTOMER_AAD.phone(first.customerId ?? ""))).toBe(
        "6281234500002",
      );
      expect(second.outboxIds).toHaveLength(1);
      const lines = await transcript(t.db, t.cipher, first.customerId ?? "", 10);
      expect(lines.filter((l) => l.author === "customer").map((l) => l.text)).toEqual([
        "Hi there",
        "How much is the skillet?",
      ]);
    });

    it("finds a customer known by phone and lid again when a later payload carries only the lid", async () => {
      const lid = "998877665544@lid";
      const first = await handle(message({ phone: "6281234500003", lid, text: "Hello" }));
      const again = await handle(message({ phone: null, lid, text: "Are you there?" }, T0 + 60_000));
      expect(again.customerId).toBe(first.customerId);
      expect(await customerCount()).toBe(1);
    });
  });

  describe("messages from the business phone (fromMe)", () => {
    it("ignores the gateway's echo of a message sent through its API", async () => {
      const outcome = await handle(message({ fromMe: true, origin: "api", text: "Our own reply" }));
      expect(outcome).toMatchObject({ silentBecause: "own_echo", customerId: null, outboxIds: [] });
      expect(await customerCount()).toBe(0);
    });

    it("ignores an echo whose origin is unknown when its gateway id is one we sent", async () => {
      const hello = await handle(message({ text: "Hi there" }));
      const customerId = hello.customerId ?? "";
      const [botLine] = (await transcript(t.db, t.cipher, customerId, 10)).filter((l) => l.author === "bot");
      await setMessageStatus(t.db, botLine?.id ?? -1, "sent", T0 + 1_000, {
        gatewayMessageIndex: gatewayIdIndex(t.cipher, "3EB0SENTBYUS"),
      });

      const echo = await handle(
        message(
          { fromMe: true, origin: "unknown", gatewayMessageId: "3EB0SENTBYUS", text: botLine?.text ?? "" },
          T0 + 2_000,
        ),
      );
      expect(echo.silentBecause).toBe("own_echo");
      const customer = await customerBy("6281234500001");
      expect(customer?.handoff_until).toBeNull();
      expect(await handoffHistory(t.db, customerId)).toEqual([]);
    });

    it("ignores an echo whose origin is unknown that arrives before the send's id is known, by its text", async () => {
      const hello = await handle(message({ text: "Hi there" }));
      const customerId = hello.customerId ?? "";
      const [botLine] = (await transcript(t.db, t.cipher, customerId, 10)).filter((l) => l.author === "bot");
      const echo = await handle(
        message(
          { fromMe: true, origin: "unknown", gatewayMessageId: "UNKNOWN-ID", text: botLine?.text ?? "" },
          T0 + 2_000,
        ),
      );
      expect(echo.silentBecause).toBe("own_echo");
      expect(await handoffHistory(t.db, customerId)).toEqual([]);

      const person = await handle(
        message(
          { fromMe: true, origin: "unknown", gatewayMessageId: "OTHER-ID", text: "Sari here, I'll help you" },
          T0 + 3_000,
        ),
      );
      expect(person.silentBecause).toBe("human_reply");
    });

    it("starts a handoff for HANDOFF_HOURS when a person writes from the business phone, and the bot answers again after it", async () => {
      const hello = await handle(message({ text: "Hi there" }));
      const customerId = hello.customerId ?? "";
      const human = await handle(
        message({ fromMe: true, origin: "app", text: "Hi, Sari from the shop!" }, T0 + 60_000),
      );
      expect(human).toMatchObject({ silentBecause: "human_reply", customerId, outboxIds: [] });
      expect((await customerBy("6281234500001"))?.handoff_until).toBe(T0 + 60_000 + HANDOFF_MS);
      const [handoff] = await handoffHistory(t.db, customerId);
      expect(handoff).toMatchObject({
        started_at: T0 + 60_000,
        ends_at: T0 + 60_000 + HANDOFF_MS,
        reason: "human_reply",
      });

      const during = await handle(message({ text: "How much is the skillet?" }, T0 + 2 * HOUR));
      expect(during).toMatchObject({ silentBecause: "handoff", outboxIds: [] });
      const lines = await transcript(t.db, t.cipher, customerId, 10);
      expect(lines.map((l) => l.author)).toEqual(["customer", "bot", "human", "customer"]);
      expect(lines[2]?.text).toBe("Hi, Sari from the shop!");

      const after = await handle(message({ text: "Hello? Anyone?" }, T0 + 60_000 + HANDOFF_MS + 1));
      expect(after.silentBecause).toBeNull();
      expect(after.outboxIds).toHaveLength(1);
    });
  });

  describe("opt-out and opt-in", () => {
    it("confirms an opt-out once, then stays silent, and confirms START", async () => {
      const hello = await handle(message({ text: "Hi there" }));
      const customerId = hello.customerId ?? "";
      const stop = await handle(message({ text: "STOP" }, T0 + 60_000));
      expect(stop.outboxIds).toHaveLength(1);
      const again = await handle(message({ text: "stop!" }, T0 + 120_000));
      expect(again).toMatchObject({ silentBecause: "opted_out", outboxIds: [] });
      const question = await handle(message({ text: "How much is the skillet?" }, T0 + 180_000));
      expect(question).toMatchObject({ silentBecause: "opted_out", outboxIds: [] });
      const start = await handle(message({ text: "START" }, T0 + 240_000));
      expect(start.outboxIds).toHaveLength(1);

      const texts = await outboxTexts(customerId);
      expect(texts.slice(1)).toEqual([OPT_OUT_CONFIRMATION, OPT_IN_CONFIRMATION]);
      expect((await consentHistory(t.db, customerId)).map((c) => [c.kind, c.at])).toEqual([
        ["opt_out", T0 + 60_000],
        ["opt_in", T0 + 240_000],
      ]);
      // Every message the customer sent is in the transcript, once.
      const inbound = (await transcript(t.db, t.cipher, customerId, 20)).filter((l) => l.author === "customer");
      expect(inbound.map((l) => l.text)).toEqual(["Hi there", "STOP", "stop!", "How much is the skillet?", "START"]);
    });

    it("counts an opt-out as the customer's first message, so its confirmation answers them", async () => {
      const stop = await handle(message({ text: "Unsubscribe" }));
      expect(stop.outboxIds).toHaveLength(1);
      const customer = await customerBy("6281234500001");
      expect(customer?.opted_out).toBe(1);
      expect(customer?.last_inbound_at).toBe(T0);
    });

    it("keeps the time an opted-out customer last wrote", async () => {
      await handle(message({ text: "STOP" }));
      await handle(message({ text: "hello?" }, T0 + HOUR));
      expect((await customerBy("6281234500001"))?.last_inbound_at).toBe(T0 + HOUR);
    });

    it("treats START from a subscribed customer as an ordinary message, recorded once and answered", async () => {
      const start = await handle(message({ text: "start" }));
      expect(start.silentBecause).toBeNull();
      expect(start.outboxIds).toHaveLength(1);
      const inbound = (await transcript(t.db, t.cipher, start.customerId ?? "", 10)).filter(
        (l) => l.author === "customer",
      );
      expect(inbound.map((l) => l.text)).toEqual(["start"]);
      expect(await consentHistory(t.db, start.customerId ?? "")).toEqual([]);
    });

    it("does not take 'we have to stop the bill' for an opt-out", async () => {
      const outcome = await handle(message({ text: "we have to stop the bill" }));
      expect(outcome.silentBecause).toBeNull();
      expect((await customerBy("6281234500001"))?.opted_out).toBe(0);
    });
  });

  describe("journeys", () => {
    it("starts a lost customer who writes again on a new journey at first_contact, with a new assignment", async () => {
      const first = await handle(message({ text: "How much is the dutch oven?" }));
      const customerId = first.customerId ?? "";
      expect(first.stage).toBe("intent");
      await updateCustomer(t.db, customerId, { stage: "lost", stage_entered_at: T0 + HOUR });

      const back = await handle(message({ text: "Hi, me again" }, T0 + 10 * 24 * HOUR));
      expect(back).toMatchObject({ stage: "first_contact", stageChanged: true, silentBecause: null });
      expect(back.outboxIds).toHaveLength(1);
      const customer = await customerBy("6281234500001");
      expect(customer).toMatchObject({ stage: "first_contact", journey: 2 });
      const assignments = await assignmentsOf(t.db, customerId);
      expect(assignments.map((a) => [a.journey, a.stage])).toContainEqual([2, "first_contact"]);
      expect(assignments.filter((a) => a.journey === 2)).toHaveLength(1);
    });

    it("moves a customer forward on stronger signals and never back", async () => {
      const a = await handle(message({ text: "Hi!" }));
      expect(a.stage).toBe("first_contact");
      const b = await handle(message({ text: "How much is the skillet?" }, T0 + 60_000));
      expect(b).toMatchObject({ stage: "intent", stageChanged: true });
      const c = await handle(message({ text: "hello again" }, T0 + 120_000));
      expect(c).toMatchObject({ stage: "intent", stageChanged: false });
    });
  });

  describe("a customer whose arm is no longer loaded", () => {
    /** Serves `next` from now on, as a restart or a reload with other files would. */
    async function serve(next: PlaybookSet): Promise<void> {
      await syncArms(t.db, loadedVersionsOf(next.variants), T0 + HOUR);
      deps = { ...deps, playbooks: createPlaybookRuntime(next) };
    }
    async function replyArm(outcome: InboundOutcome): Promise<string> {
      const row = await t.db
        .selectFrom("outbox")
        .innerJoin("messages", "messages.id", "outbox.message_id")
        .select(["messages.variant_id", "messages.variant_version"])
        .where("outbox.id", "=", outcome.outboxIds[0] as number)
        .executeTakeFirstOrThrow();
      return `${row.variant_id}@${row.variant_version}`;
    }

    it("keeps the assignment and answers with the newest loaded version of the same variant", async () => {
      const hello = await handle(message({ text: "Hi!" }));
      const [assigned] = await assignmentsOf(t.db, hello.customerId ?? "");
      const id = assigned?.variant_id as string;
      const old = `${id}@${assigned?.variant_version}`;
      expect(await replyArm(hello)).toBe(old);
      // The file moved on to a new version: the old one is not loaded any more.
      await serve({ ...set, variants: set.variants.map((v) => (v.id === id ? { ...v, version: v.version + 1 } : v)) });

      const again = await handle(message({ text: "hello again" }, T0 + 2 * HOUR));
      expect(again).toMatchObject({ stage: "first_contact", silentBecause: null });
      expect(await replyArm(again)).toBe(`${id}@${(assigned?.variant_version ?? 0) + 1}`);
      const assignments = await assignmentsOf(t.db, hello.customerId ?? "");
      expect(assignments.map((a) => `${a.variant_id}@${a.variant_version}`)).toEqual([old]);
    });

    it("answers with the stage's champion when no version of the variant is loaded", async () => {
      const hello = await handle(message({ text: "Hi!" }));
      const [assigned] = await assignmentsOf(t.db, hello.customerId ?? "");
      const champion = set.variants.find((v) => v.stage === "first_contact" && v.status === "champion");
      const gone = set.variants.find((v) => v.stage === "first_contact" && v.id !== champion?.id);
      // Make the customer's arm one whose file is then deleted.
      await t.db
        .updateTable("assignments")
        .set({ variant_id: gone?.id as string, variant_version: gone?.version as number })
        .where("id", "=", assigned?.id as number)
        .execute();
      await serve({ ...set, variants: set.variants.filter((v) => v !== gone) });

      const again = await handle(message({ text: "hello again" }, T0 + 2 * HOUR));
      expect(again.outboxIds).toHaveLength(1);
      expect(await replyArm(again)).toBe(`${champion?.id}@${champion?.version}`);
    });
  });

  it("records the message and its reply in one transaction: a failure stores neither", async () => {
    const msg = message({ text: "Hi there" });
    const intake = await acceptMessage(t.db, t.cipher, msg, T0);
    const [row] = await pendingInboxRows(t.db, 10);
    if (row === undefined) throw new Error("no pending row");
    const broken: InboundHandlerDeps = {
      ...deps,
      playbooks: {
        ...playbooks,
        compose: () => {
          throw new Error("template exploded");
        },
      },
    };
    await expect(handleInboxRow(broken, row, T0)).rejects.toThrow("template exploded");
    expect(await customerCount()).toBe(0);
    expect(await t.db.selectFrom("messages").selectAll().execute()).toEqual([]);
    expect((await pendingInboxRows(t.db, 10)).map((r) => Number(r.id))).toEqual([intake.inboxId]);
  });
});

function fromMeOrigin(fromMe: boolean | undefined): InboundMessage["origin"] {
  return fromMe ? "unknown" : "app";
}
