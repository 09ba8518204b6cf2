/**
 * The message-kind contract every gateway passes: one payload per kind (the
 * fixtures in test/contracts/<gateway>/kinds/, written from the gateway's own
 * documentation and code), posted as signed webhooks to the real server, and
 * the reply — or its absence — asserted per kind. Each gateway's e2e file runs
 * it with its own fake gateway and cases (honojs/hono `runTest` style).
 */
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { REPO_ROOT, type RunningServer } from "../support/start-server.js";
import type { WebhookDelivery } from "../support/webhook-signing.js";
import { type CustomerView, customerView, eventually, metric, pause } from "./gateways-helpers.js";

/** One sent reply as the fake gateway recorded it. */
export interface SentReply {
  /** The gateway's id of the reply (what a reaction to it names). */
  id: string;
  text: string;
}

/** A running server with its fake gateway, as one gateway's contract run sees it. */
export interface KindRig {
  server: RunningServer;
  /** Posts the fixture, signed like the gateway signs, with time stamps set to now and `substitutions` made. */
  post(fixture: string, substitutions?: Record<string, string>): Promise<WebhookDelivery>;
  /** The replies the fake gateway delivered to a customer, oldest first. */
  replies(customer: string): SentReply[];
  close(): Promise<void>;
}

/** One row of the contract: a fixture and what Closer must do with it. */
export interface KindCase {
  /** A name for the test (the table row of the README it proves). */
  name: string;
  /** The fixture file in `test/contracts/<gateway>/kinds/`, without `.json`. */
  fixture: string;
  /** How the admin API names the customer (phone `+…`, `…@lid` or a user id); null for ignored events. */
  customer: string | null;
  /** `reply`: exactly one reply matching `reply`; `silent`: handled, no reply; `ignored`: accepted, not handled. */
  expect: "reply" | "silent" | "ignored";
  /** The message kind the engine must see (`closer_inbound_kinds_total{kind=…}`); for `reply` and `silent`. */
  kind?: string;
  reply?: RegExp;
  /** Fixture placeholders: `BOT_REPLY_ID` (and `BOT_REPLY_SHORT_ID`) become the id of the customer's last reply. */
  needsBotReply?: boolean;
  /** Further checks on the customer as the admin API shows them afterwards. */
  check?: (view: CustomerView, server: RunningServer) => void;
}

/** The fixture folder of a gateway. */
export function kindFixturePath(gateway: "gowa" | "waha" | "cloud", fixture: string): string {
  return join(REPO_ROOT, "test/contracts", gateway, "kinds", `${fixture}.json`);
}

/** A fixture's JSON with every occurrence of each substitution key replaced. */
export function loadKindFixture(
  gateway: "gowa" | "waha" | "cloud",
  fixture: string,
  substitutions: Record<string, string> = {},
): Record<string, unknown> {
  let text = readFileSync(kindFixturePath(gateway, fixture), "utf8");
  for (const [key, value] of Object.entries(substitutions)) text = text.replaceAll(key, value);
  return JSON.parse(text) as Record<string, unknown>;
}

/** Runs the contract for one gateway: the cases in order, against one server. */
export function runMessageKindContract(gateway: string, start: () => Promise<KindRig>, cases: readonly KindCase[]) {
  describe(`${gateway}: every message kind gets its answer (signed webhooks, real server, fake ${gateway})`, () => {
    let rig: KindRig;
    beforeAll(async () => {
      rig = await start();
    });
    afterAll(async () => {
      expect(await rig.server.stop()).toBe(0);
      await rig.close();
    });

    for (const row of cases) {
      it(row.name, async () => {
        await runCase(rig, row);
      });
    }
  });
}

async function runCase(rig: KindRig, row: KindCase): Promise<void> {
  const { server } = rig;
  const before = row.customer === null ? 0 : rig.replies(row.customer).length;
  const substitutions: Record<string, string> = {};
  if (row.needsBotReply) {
    const last = row.customer === null ? undefined : rig.replies(row.customer).at(-1);
    if (last === undefined) throw new Error(`${row.fixture}: the customer has no reply to react to yet`);
    substitutions["BOT_REPLY_SHORT_ID"] = last.id.split("_").at(-1) ?? last.id;
    substitutions["BOT_REPLY_ID"] = last.id;
  }
  const kindMetric = `closer_inbound_kinds_total{kind="${row.kind}"}`;
  const kindsBefore = row.kind === undefined ? 0 : await metric(server, kindMetric);
  const delivery = await rig.post(row.fixture, substitutions);
  expect(delivery.status, delivery.body).toBe(200);
  const answer = JSON.parse(delivery.body) as { accepted: number; ignored: string[] };
  if (row.expect === "ignored") {
    expect(answer.accepted).toBe(0);
    expect(answer.ignored.length).toBeGreaterThan(0);
    return;
  }
  expect(answer.accepted).toBe(1);
  await eventually(
    async () => (await metric(server, kindMetric)) > kindsBefore,
    `${row.fixture} handled as ${row.kind}`,
  );
  const customer = row.customer as string;
  if (row.expect === "reply") {
    const replies = await eventually(
      () => rig.replies(customer).length > before && rig.replies(customer),
      `the reply to ${row.fixture}`,
    );
    expect(replies.at(-1)?.text).toMatch(row.reply ?? /./);
  }
  // Whatever the case, no (further) reply follows.
  await pause(300);
  expect(rig.replies(customer)).toHaveLength(before + (row.expect === "reply" ? 1 : 0));
  if (row.check) {
    const view = await customerView(server, customer);
    if (view === null) throw new Error(`no customer ${customer}`);
    row.check(view, server);
  }
}

/** The customer's own lines in the transcript. */
export function customerLines(view: CustomerView) {
  return view.transcript.filter((line) => line.author === "customer");
}
