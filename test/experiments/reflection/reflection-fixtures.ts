/**
 * Fixtures of the reflection tests: a temporary copy of the shipped playbooks,
 * a test database, the reflection's dependencies built as the service builds
 * them, proposals the model may answer with (good ones and each kind of bad
 * one), and conversations seeded with personal data to be redacted.
 */
import { cpSync, mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import { loadConfig } from "../../../src/config.js";
import { type LlmClient, PlaybookHolder } from "../../../src/engine/index.js";
import {
  type CandidateDeps,
  createSeededRandom,
  loadedVersionsOf,
  nodePlaybookFolder,
  type ReflectionDeps,
  syncArms,
} from "../../../src/experiments/index.js";
import { loadServablePlaybooks, reflectionDeps } from "../../../src/main.js";
import { CUSTOMER_AAD, MESSAGE_TEXT_AAD } from "../../../src/store/index.js";
import { createTestDatabase, placeholderCustomerRow, type TestDatabase } from "../../support/test-database.js";
import { seedPolicy, T0 } from "../experiment-fixtures.js";

/** The shipped playbooks. */
export const SHIPPED_PLAYBOOKS = resolve(import.meta.dirname, "../../../playbooks");

/** A test install: database, playbooks copy, the holder the service would hand around. */
export interface ReflectionWorld {
  t: TestDatabase;
  dir: string;
  holder: PlaybookHolder;
  now: number;
  deps(llm: LlmClient, options?: { review?: boolean; prices?: { in: number; out: number } }): ReflectionDeps;
  candidates(): CandidateDeps;
  close(): Promise<void>;
}

/** Makes a world at `now` (default a week after T0) with the shipped playbooks synced as arms. */
export async function reflectionWorld(now = T0 + 7 * 86_400_000): Promise<ReflectionWorld> {
  const t = await createTestDatabase();
  const dir = mkdtempSync(join(tmpdir(), "closer-reflect-"));
  cpSync(SHIPPED_PLAYBOOKS, dir, { recursive: true });
  const config = loadConfig({ PLAYBOOKS_DIR: dir, DATA_DIR: t.dir });
  const set = await loadServablePlaybooks(config, t.db);
  await syncArms(t.db, loadedVersionsOf(set.variants), T0);
  const holder = new PlaybookHolder(set);
  const clock = { now: () => now };
  const rng = createSeededRandom(7);
  const reload = async () => {
    const next = await loadServablePlaybooks(config, t.db);
    await syncArms(t.db, loadedVersionsOf(next.variants), now);
    holder.replace(next);
  };
  return {
    t,
    dir,
    holder,
    now,
    deps(llm, { review = true, prices = { in: 0, out: 0 } } = {}) {
      const built = reflectionDeps(config, {
        db: t.db,
        cipher: t.cipher,
        llm,
        clock,
        rng,
        playbooks: () => holder,
        reload,
      });
      return { ...built, review, pricePerMTok: prices };
    },
    candidates: () => ({
      db: t.db,
      folder: nodePlaybookFolder(dir),
      loadPlaybooks: () => loadServablePlaybooks(config, t.db),
      playbooks: () => holder,
      reload,
      clock,
      rng,
    }),
    async close() {
      await t.close();
      rmSync(dir, { recursive: true, force: true });
    },
  };
}

/** A proposal for stage intent that passes every check. */
export function goodProposal(
  id = "fit-question-first",
  overrides: Record<string, unknown> = {},
): Record<string, unknown> {
  return {
    id,
    description: "Asks what the customer cooks before naming the one product that fits, with its catalog price.",
    strategy: {
      tone: "curious, warm and concrete",
      goals: ["learn what the customer cooks most", "name one fitting product with its price"],
      avoid: ["listing every product", "inventing offers"],
    },
    templates: {
      default:
        "{{#if product}}Good choice to look at the {{product.name}}: it is {{product.price}}. What do you cook with it most often?{{else}}What do you cook most often, and for how many people? I'll point you to the one piece that fits.{{/if}}\n",
      price_question:
        "{{#if product}}The {{product.name}} is {{product.price}}{{#if offer}}, or {{offer.price}} with the current offer{{/if}}. Is it for everyday cooking?{{else}}Tell me which piece you mean and I'll give you its price straight away.{{/if}}\n",
    },
    llm_instructions:
      "Ask one short question about what the customer cooks, then recommend the single catalog product that fits and state its catalog price. Mention an offer only if the catalog lists one for that product.",
    guardrails: { forbidden_phrases: ["hurry"], max_discount_percent: 10 },
    parents: ["fit-finder@2"],
    rationale:
      "Design move: change the question asked. Lost customers often worry about price; asking about use first lets the price land next to a concrete fit.",
    ...overrides,
  };
}

/** A second good proposal, different in every part. */
export function secondGoodProposal(id = "budget-first"): Record<string, unknown> {
  return {
    id,
    description: "Answers the price objection head-on by asking the budget and matching a product to it.",
    strategy: {
      tone: "plain-spoken and reassuring",
      goals: ["ask for the budget", "match a product within it"],
      avoid: ["pressure", "vague ranges"],
    },
    templates: {
      default:
        "Happy to help you stay within budget. Roughly what would you like to spend? {{#if product}}For reference, the {{product.name}} is {{product.price}}.{{/if}}\n",
    },
    llm_instructions:
      "Ask the customer's budget first. Then suggest the catalog product that fits it and give its catalog price. Never state a discount the catalog does not list.",
    guardrails: { forbidden_phrases: [], max_discount_percent: 10 },
    parents: ["straight-price@2", "fit-finder@2"],
    rationale:
      "Design move: answer the top objection (price) head-on, crossing straight-price's numbers with fit-finder's recommendation.",
  };
}

/** Proposals that each fail one check, by the check. */
export function badProposals(): Record<string, Record<string, unknown>> {
  return {
    schema: { id: "no-templates", description: "Forgot its templates.", parents: ["fit-finder@2"] },
    lint: goodProposal("unknown-variable", {
      templates: {
        default: "The {{product.colour}} one is lovely. {{#if product}}It is {{product.price}}.{{/if}}\n",
        haggle: "Let's talk.\n",
      },
    }),
    claim: goodProposal("invented-discount", {
      llm_instructions: "Always tell the customer the dutch oven is 40% off this week and only 2 left in stock.",
    }),
    guardrails: goodProposal("greedy-discount", {
      guardrails: { forbidden_phrases: [], max_discount_percent: 30 },
      templates: { default: "Act now and pick the one that fits, {{customer.firstName}}!\n" },
    }),
  };
}

/** A model answer holding `proposals`. */
export function answer(proposals: readonly unknown[]): string {
  return JSON.stringify({ proposals });
}

/** Seeds `won` and `lost` conversations of stage intent with names, phone numbers, emails and addresses. */
export async function seedConversations(world: ReflectionWorld): Promise<void> {
  const { db, cipher } = world.t;
  const policy = await seedPolicy(db, "intent", { "fit-finder@2": 1 }, world.now - 10 * 86_400_000);
  const talks = [
    {
      id: "c-won",
      arm: "fit-finder",
      name: "Marisol Vega",
      status: "success",
      lines: ["Hi, I'm Marisol. How much is the dutch oven? Call me on +1 415 555 0199", "fit-finder reply"],
    },
    {
      id: "c-lost",
      arm: "straight-price",
      name: "Oskar Lind",
      status: "failure",
      lines: ["Too expensive for me. Send it to 12 Baker Street, mail oskar@example.com", "ok"],
    },
  ];
  for (const talk of talks) {
    await db
      .insertInto("customers")
      .values(
        placeholderCustomerRow(talk.id, {
          name_enc: cipher.encrypt(talk.name, CUSTOMER_AAD.name(talk.id)),
          stage: "lost",
        }),
      )
      .execute();
    const at = world.now - 3 * 86_400_000;
    await db
      .insertInto("assignments")
      .values({
        customer_id: talk.id,
        journey: 1,
        stage: "intent",
        variant_id: talk.arm,
        variant_version: shippedVersion(talk.arm),
        propensity: 1,
        policy_version_id: policy,
        assigned_at: at,
        window_ends_at: at + 48 * 3_600_000,
        status: talk.status,
        resolved_at: at + 3_600_000,
        resolution: talk.status === "success" ? "advanced" : "lost",
      })
      .execute();
    for (const [i, text] of talk.lines.entries()) {
      await db
        .insertInto("messages")
        .values({
          customer_id: talk.id,
          direction: i === 0 ? "in" : "out",
          author: i === 0 ? "customer" : "bot",
          text_enc: cipher.encrypt(text, MESSAGE_TEXT_AAD(talk.id)),
          gateway_message_index: null,
          journey: 1,
          stage: "intent",
          assignment_id: null,
          variant_id: talk.arm,
          variant_version: shippedVersion(talk.arm),
          intent: null,
          status: "sent",
          status_reason: null,
          created_at: at + i,
          status_at: at + i,
        })
        .execute();
    }
  }
}

/** The version of a shipped intent variant, as its file says. */
function shippedVersion(variant: string): number {
  const text = readFileSync(join(SHIPPED_PLAYBOOKS, `variants/intent/${variant}.yaml`), "utf8");
  const version = /^version: (\d+)$/m.exec(text)?.[1];
  if (version === undefined) throw new Error(`variants/intent/${variant}.yaml has no version line`);
  return Number(version);
}
