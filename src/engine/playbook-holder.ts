/**
 * The loaded playbooks as everything that runs uses them: one holder, handed to
 * the engine, the experiments and the server, whose content a reload swaps in
 * one assignment. Every call reads the set current at that moment, so a reload
 * switches everyone at once and never shows half a set.
 * @module
 */
import type { StageSettings } from "../experiments/index.js";
import type { FollowUp, PlaybookSet } from "../strategies/index.js";
import type { ReplyBrief } from "./llm/reply-prompt.js";
import type { ComposedFollowUp, ComposedReply, PlaybookRuntime, ReplyAudience } from "./playbook-runtime.js";
import { createPlaybookRuntime } from "./playbook-runtime-factory.js";
import type { MessageSignals } from "./profile-rules.js";
import type { StageRule } from "./stage-machine.js";

/** A {@link PlaybookRuntime} whose playbook set can be replaced while it serves. */
export class PlaybookHolder implements PlaybookRuntime {
  #current: { set: PlaybookSet; runtime: PlaybookRuntime };

  constructor(set: PlaybookSet) {
    this.#current = { set, runtime: createPlaybookRuntime(set) };
  }

  /** The set in force. */
  get set(): PlaybookSet {
    return this.#current.set;
  }

  /** Swaps in a new set (its runtime is built first, so a failure leaves the old one serving). */
  replace(set: PlaybookSet): void {
    const runtime = createPlaybookRuntime(set);
    this.#current = { set, runtime };
  }

  get stages(): readonly StageRule[] {
    return this.#current.runtime.stages;
  }

  get stageIds(): readonly string[] {
    return this.#current.runtime.stageIds;
  }

  get loadedKeys(): ReadonlySet<string> {
    return this.#current.runtime.loadedKeys;
  }

  settings(stage: string): StageSettings {
    return this.#current.runtime.settings(stage);
  }

  classify(text: string): MessageSignals {
    return this.#current.runtime.classify(text);
  }

  intentMovesStage(intent: string): string | false | null {
    return this.#current.runtime.intentMovesStage(intent);
  }

  get defaultLanguage(): string {
    return this.#current.runtime.defaultLanguage;
  }

  get languages(): readonly string[] {
    return this.#current.runtime.languages;
  }

  composePostPurchase(intent: string, audience: ReplyAudience, now: number): ComposedReply | null {
    return this.#current.runtime.composePostPurchase(intent, audience, now);
  }

  findProductId(reference: string): string | null {
    return this.#current.runtime.findProductId(reference);
  }

  compose(variantKey: string, intent: string, audience: ReplyAudience, now: number): ComposedReply {
    return this.#current.runtime.compose(variantKey, intent, audience, now);
  }

  speakingKey(variantKey: string, stage: string): string | null {
    return this.#current.runtime.speakingKey(variantKey, stage);
  }

  followUps(variantKey: string): readonly FollowUp[] {
    return this.#current.runtime.followUps(variantKey);
  }

  composeFollowUp(variantKey: string, step: number, audience: ReplyAudience, now: number): ComposedFollowUp {
    return this.#current.runtime.composeFollowUp(variantKey, step, audience, now);
  }

  replyBrief(variantKey: string, stage: string, now: number): ReplyBrief {
    return this.#current.runtime.replyBrief(variantKey, stage, now);
  }

  checkReply(variantKey: string, text: string, productId: string | null, now: number): string[] {
    return this.#current.runtime.checkReply(variantKey, text, productId, now);
  }
}
