/**
 * A pass that runs again whenever it is asked, never twice at once: `kick()`
 * during a pass schedules one more pass after it; a poll kicks it on a timer as
 * a safety net. The inbox worker, the LLM composer and the sender each run one.
 * @module
 */

/** Runs `pass` on demand and on a poll, one at a time. */
export class RepeatingPass {
  readonly #pass: () => Promise<void>;
  readonly #onError: (error: unknown) => void;
  #running: Promise<void> | null = null;
  #again = false;
  #stopped = false;
  #pollTimer: NodeJS.Timeout | undefined;

  /** @param onError gets what a pass throws (the next kick or poll tries again). */
  constructor(pass: () => Promise<void>, onError: (error: unknown) => void) {
    this.#pass = pass;
    this.#onError = onError;
  }

  /** True once {@link stop} was called. */
  get stopped(): boolean {
    return this.#stopped;
  }

  /** Starts the poll (every `pollMs`, calling `onPoll` first) and a first pass. */
  start(pollMs: number, onPoll?: () => void): void {
    this.#pollTimer = setInterval(() => {
      onPoll?.();
      this.kick();
    }, pollMs);
    this.#pollTimer.unref();
    this.kick();
  }

  /** Asks for a pass as soon as possible. */
  kick(): void {
    if (this.#stopped) return;
    if (this.#running !== null) {
      this.#again = true;
      return;
    }
    this.#running = this.#pass()
      .catch((error: unknown) => this.#onError(error))
      .finally(() => {
        this.#running = null;
        if (this.#again) {
          this.#again = false;
          this.kick();
        }
      });
  }

  /** Stops polling and kicking, and waits for the pass in hand. */
  async stop(): Promise<void> {
    this.#stopped = true;
    clearInterval(this.#pollTimer);
    await this.#running;
  }
}
