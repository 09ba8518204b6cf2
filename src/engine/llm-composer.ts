/**
 * The LLM composer: rewrites queued replies (`composing` outbox rows) with the
 * LLM, within the assigned variant's strategy and rules, outside the database
 * transaction that queued them. The template reply is the draft and the
 * fallback: a failure, a timeout, or an answer that states something the
 * catalog does not back (or breaks a guardrail), or that states a price,
 * percentage or deadline neither the draft nor the catalog facts state, sends
 * the draft, and is counted. The same call returns an analysis of the
 * customer's message, merged into the profile (the keyword rules decide alone
 * when it is missing or invalid). A row left composing by a crash is composed
 * again after the restart.
 * @module
 */
import type { Kysely } from "kysely";
import { isCloserError } from "../errors.js";
import type { Logger } from "../log.js";
import {
  CUSTOMER_AAD,
  composingOutboxRows,
  type Database,
  type FieldCipher,
  findCustomerById,
  MESSAGE_TEXT_AAD,
  type OutboxRow,
  transcript,
} from "../store/index.js";
import { unbackedFigures } from "../strategies/index.js";
import type { Clock } from "./clock.js";
import { type Profile, parseProfile } from "./customer-profile.js";
import { type LlmClient, LlmError } from "./llm/llm-client.js";
import { mergeAnalysis, type ReplyAnalysis, readAnalysis } from "./llm/reply-analysis.js";
import {
  buildReplyPrompt,
  DEFAULT_TRANSCRIPT_TOKENS,
  PROMPT_TURNS_MAX,
  REPLY_ANSWER_JSON_SCHEMA,
  replyAnswerSchema,
} from "./llm/reply-prompt.js";
import type { EngineMetrics } from "./metrics.js";
import type { PlaybookRuntime } from "./playbook-runtime.js";
import { RepeatingPass } from "./repeating-pass.js";

/** Rows composed per pass. */
const BATCH_SIZE = 20;

/** What the composer needs. */
export interface LlmComposerDeps {
  db: Kysely<Database>;
  cipher: FieldCipher;
  llm: LlmClient;
  playbooks: PlaybookRuntime;
  clock: Clock;
  logger: Logger;
  metrics: EngineMetrics;
  /** Give up on one answer after this many ms. */
  timeoutMs: number;
  /** The transcript's budget in the prompt, estimated tokens (`LLM_TRANSCRIPT_TOKENS`). */
  transcriptTokens?: number;
  /** Called after rows became `pending` (to kick the sender). */
  onComposed: () => void;
}

/** Rewrites composing replies. */
export class LlmComposer {
  readonly #deps: LlmComposerDeps;
  readonly #loop: RepeatingPass;

  constructor(deps: LlmComposerDeps) {
    this.#deps = deps;
    this.#loop = new RepeatingPass(
      () => this.#drain(),
      (error) => deps.logger.error({ err: error }, "llm composer pass failed"),
    );
  }

  /** Starts a safety poll and composes what a crash left behind. */
  start(pollMs = 1_000): void {
    this.#loop.start(pollMs);
  }

  /** Asks for a pass as soon as possible. */
  kick(): void {
    this.#loop.kick();
  }

  /** Stops after the replies in hand. */
  async stop(): Promise<void> {
    await this.#loop.stop();
  }

  async #drain(): Promise<void> {
    for (;;) {
      const rows = await composingOutboxRows(this.#deps.db, BATCH_SIZE);
      if (rows.length === 0 || this.#loop.stopped) return;
      // Replies to different customers are written concurrently; the model is the slow part.
      await Promise.all(rows.map((row) => this.#compose(row)));
      this.#deps.onComposed();
    }
  }

  async #compose(row: OutboxRow): Promise<void> {
    const { db, cipher, llm, playbooks, clock, logger, metrics } = this.#deps;
    const message = await db.selectFrom("messages").selectAll().where("id", "=", row.message_id).executeTakeFirst();
    const customer = await findCustomerById(db, row.customer_id);
    let text: string | null = null;
    let analysis: { value: ReplyAnalysis; objectionCounted: boolean } | null = null;
    if (message !== undefined && customer !== undefined && message.variant_id !== null) {
      const key = `${message.variant_id}@${message.variant_version}`;
      const draft = cipher.decrypt(message.text_enc, MESSAGE_TEXT_AAD(message.customer_id));
      const profile = parseProfile(cipher.decryptJson(customer.profile_enc, CUSTOMER_AAD.profile(customer.id)));
      const now = clock.now();
      try {
        const turns = (await transcript(db, cipher, customer.id, PROMPT_TURNS_MAX + 1)).filter(
          (m) => m.id < row.message_id,
        );
        const brief = playbooks.replyBrief(key, message.stage, now);
        const prompt = buildReplyPrompt({
          brief,
          customerName:
            customer.name_enc === null ? null : cipher.decrypt(customer.name_enc, CUSTOMER_AAD.name(customer.id)),
          profile,
          transcript: turns.map((t) => ({ author: t.author, text: t.text })),
          draft,
          transcriptTokens: this.#deps.transcriptTokens ?? DEFAULT_TRANSCRIPT_TOKENS,
        });
        const answer = await llm.completeJson({
          ...prompt,
          schema: replyAnswerSchema,
          jsonSchema: REPLY_ANSWER_JSON_SCHEMA,
          schemaName: "reply",
          timeoutMs: this.#deps.timeoutMs,
          purpose: "reply",
        });
        const problems = playbooks.checkReply(key, answer.reply, profile.lastProductId, now);
        const figures = unbackedFigures(answer.reply, [draft, ...brief.catalogFacts]);
        if (problems.length === 0 && figures.length === 0) text = answer.reply;
        else {
          metrics.countLlmFallback(problems.length > 0 ? "guardrail" : "unbacked_figure");
          const all = [...problems, ...figures.map((f) => `"${f.text}" is in neither the draft nor the catalog facts`)];
          // The problems quote the reply, so they stay at debug; warn says only how many.
          logger.debug({ outboxId: row.id, variant: key, problems: all }, "LLM reply problems");
          logger.warn(
            { outboxId: row.id, variant: key, problems: all.length },
            "LLM reply broke a rule; sending the template",
          );
        }
        const read = readAnalysis(answer.analysis);
        if ("analysis" in read) {
          const lastInbound = turns.filter((t) => t.author === "customer").at(-1);
          analysis = {
            value: {
              ...read.analysis,
              // An interest that names a catalog product is kept as the product's id, like the rules do.
              interests: read.analysis.interests.map((i) => playbooks.classify(i).productIds[0] ?? i),
            },
            objectionCounted: lastInbound?.intent === "objection",
          };
        } else {
          metrics.countLlmFallback(read.fallback);
          logger.debug({ outboxId: row.id, reason: read.fallback }, "LLM analysis not used; the keyword rules decide");
        }
      } catch (error) {
        const detail = {
          outboxId: row.id,
          reason: error instanceof LlmError ? error.reason : "other",
          err: error instanceof Error ? error.message : String(error),
        };
        // A breaker or budget skip raised its alert once; one warning per reply would drown the log.
        if (isCloserError(error, "llm_unavailable")) logger.debug(detail, "LLM not called; sending the template");
        else logger.warn(detail, "LLM reply failed; sending the template");
      }
    }
    await db.transaction().execute(async (trx) => {
      // The row leaves `composing` once: when instances share the database and two composed it,
      // the second finds it already pending (maybe sent) and leaves the text that went out alone.
      const flipped = await trx
        .updateTable("outbox")
        .set({ status: "pending" })
        .where("id", "=", Number(row.id))
        .where("status", "=", "composing")
        .executeTakeFirst();
      if (text !== null && Number(flipped.numUpdatedRows) === 1) {
        await trx
          .updateTable("messages")
          .set({ text_enc: cipher.encrypt(text, MESSAGE_TEXT_AAD(row.customer_id)) })
          .where("id", "=", row.message_id)
          .execute();
      }
      // Merged once, by the instance whose flip took the row.
      if (analysis !== null && Number(flipped.numUpdatedRows) === 1) {
        await mergeIntoProfile(trx, cipher, row.customer_id, analysis, clock.now());
      }
    });
    if (text !== null) metrics.llmReplies++;
    else metrics.llmFallbacks++;
  }
}

/** Reads the profile as it is now (another message may have updated it) and merges the analysis in. */
async function mergeIntoProfile(
  db: Kysely<Database>,
  cipher: FieldCipher,
  customerId: string,
  analysis: { value: ReplyAnalysis; objectionCounted: boolean },
  now: number,
): Promise<void> {
  const current = await findCustomerById(db, customerId);
  if (current === undefined || current.stage === "won" || current.stage === "lost") return;
  const profile: Profile = parseProfile(cipher.decryptJson(current.profile_enc, CUSTOMER_AAD.profile(customerId)));
  const merged = mergeAnalysis(profile, analysis.value, analysis.objectionCounted);
  await db
    .updateTable("customers")
    .set({ profile_enc: cipher.encryptJson(merged, CUSTOMER_AAD.profile(customerId)), updated_at: now })
    .where("id", "=", customerId)
    .execute();
}
