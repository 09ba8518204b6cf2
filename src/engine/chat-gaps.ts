/**
 * The time of our last send in each chat, for the least gap between two of our messages in
 * one chat. Bounded: an entry older than the gap can no longer hold anything back, so it is
 * dropped as newer sends are recorded (oldest first; the map stays in send order).
 * @module
 */

/** Last send per chat, pruned to the chats whose gap is still running. */
export class ChatGaps {
  readonly #lastSend = new Map<string, number>();

  constructor(private readonly minGapMs: number) {}

  /** Milliseconds to wait before the next send in `chat` at `now` (0 when none). */
  waitFor(chat: string, now: number): number {
    const last = this.#lastSend.get(chat);
    return last === undefined ? 0 : Math.max(0, last + this.minGapMs - now);
  }

  /** Records a send in `chat` at `now`, and forgets chats whose gap has run out. */
  record(chat: string, now: number): void {
    this.#lastSend.delete(chat);
    this.#lastSend.set(chat, now);
    for (const [other, at] of this.#lastSend) {
      if (at + this.minGapMs > now) break;
      this.#lastSend.delete(other);
    }
  }

  /** Chats remembered now. */
  get size(): number {
    return this.#lastSend.size;
  }
}
