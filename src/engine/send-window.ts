/**
 * The number's recent sends, kept in memory for the per-minute and per-hour caps.
 * Chats are delivered concurrently, so a send counts from the moment it is
 * admitted (a reservation), not only once the gateway has answered.
 * @module
 */
import { nextSendSlot, type PacingConfig } from "./pacing.js";

/** How long a send counts against the caps, ms (the longest cap window). */
const WINDOW_MS = 3_600_000;

/** A reserved place in the window; give it back with `release` or turn it into a send with `record`. */
export interface SendReservation {
  readonly at: number;
}

/** Recent send times of one number. */
export class SendWindow {
  readonly #times: number[] = [];

  /**
   * Admits a send at `now` when the caps allow it: returns a reservation that
   * already counts, or the time (epoch ms) when the next send is allowed.
   */
  admit(now: number, pacing: PacingConfig): SendReservation | { notBefore: number } {
    const slot = nextSendSlot(this.#times, now, pacing);
    if (slot > now) return { notBefore: slot };
    this.#times.push(now);
    return { at: now };
  }

  /** Gives back a reservation whose send did not happen. Safe with null. */
  release(reservation: SendReservation | null): void {
    if (reservation === null) return;
    const index = this.#times.indexOf(reservation.at);
    if (index >= 0) this.#times.splice(index, 1);
  }

  /** Records a send that happened at `at` (replacing its reservation, if any) and forgets old ones. */
  record(at: number, reservation: SendReservation | null = null): void {
    this.release(reservation);
    this.#times.push(at);
    for (let i = this.#times.length - 1; i >= 0; i--) {
      if ((this.#times[i] ?? at) <= at - WINDOW_MS) this.#times.splice(i, 1);
    }
  }
}
