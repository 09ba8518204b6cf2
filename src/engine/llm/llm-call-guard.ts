/**
 * What an LLM adapter asks before and tells after each call: a guard admits the
 * call (a free slot, a closed circuit, budget left) and hears how it went, for
 * usage accounting, metrics and the breaker. Adapters do not know what the
 * guard does with it.
 * @module
 */
import type { LlmFailureReason, LlmPurpose } from "./llm-client.js";
import type { StructuredOutputMode } from "./structured-output.js";

/** How one call went; never holds message text or reasoning. */
export interface LlmCallReport {
  purpose: LlmPurpose;
  model: string;
  outcome: "ok" | "failed";
  /** Why it failed; null when it worked. */
  reason: LlmFailureReason | null;
  /** Tokens the endpoint billed, every attempt summed. */
  tokensIn: number;
  tokensOut: number;
  /** From the call to its end, waiting for a slot excluded, ms. */
  latencyMs: number;
  /** Retries after 429, 5xx or network errors. */
  retries: number;
  /** The structured-output mode of the last attempt; null when no attempt was made. */
  mode: StructuredOutputMode | null;
  /** True when the model returned reasoning (a think block or a reasoning field), which was dropped. */
  thinkSeen: boolean;
}

/** A call the guard let through. */
export interface LlmPermit {
  /** Reports how the call went and frees its slot. Call exactly once. */
  finish(report: LlmCallReport): void;
}

/** Admits calls. */
export interface LlmCallGuard {
  /**
   * Waits for a free slot until `deadlineAt` (epoch ms) and checks that the call may be made.
   * @throws LlmError `llm_unavailable` (circuit open, budget spent) or `llm_timeout` (no slot in time).
   */
  admit(purpose: LlmPurpose, deadlineAt: number): Promise<LlmPermit>;
}

/** A guard that admits everything and records nothing. */
export const OPEN_GUARD: LlmCallGuard = {
  async admit() {
    return { finish() {} };
  },
};
