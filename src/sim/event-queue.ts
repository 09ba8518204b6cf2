/**
 * A priority queue of timed events for the discrete-event simulator: earliest
 * time first, and events at the same time in the order they were pushed.
 * @module
 */

/** A binary min-heap on (time, push order). */
export class EventQueue<T> {
  readonly #times: number[] = [];
  readonly #orders: number[] = [];
  readonly #items: T[] = [];
  #pushed = 0;

  /** Events waiting. */
  get size(): number {
    return this.#items.length;
  }

  /** The time of the earliest event, or +∞ when empty. */
  peekTime(): number {
    return this.#times[0] ?? Number.POSITIVE_INFINITY;
  }

  /** Adds `item` at `time`. */
  push(time: number, item: T): void {
    this.#times.push(time);
    this.#orders.push(this.#pushed++);
    this.#items.push(item);
    this.#siftUp(this.#items.length - 1);
  }

  /**
   * Removes and returns the earliest event.
   * @throws RangeError when the queue is empty.
   */
  pop(): T {
    const top = this.#items[0];
    if (top === undefined) throw new RangeError("pop from an empty event queue");
    const last = this.#items.length - 1;
    this.#swap(0, last);
    this.#times.pop();
    this.#orders.pop();
    this.#items.pop();
    this.#siftDown(0);
    return top;
  }

  #before(i: number, j: number): boolean {
    const ti = this.#times[i]!;
    const tj = this.#times[j]!;
    return ti < tj || (ti === tj && this.#orders[i]! < this.#orders[j]!);
  }

  #siftUp(index: number): void {
    let i = index;
    while (i > 0) {
      const parent = (i - 1) >> 1;
      if (!this.#before(i, parent)) return;
      this.#swap(i, parent);
      i = parent;
    }
  }

  #siftDown(index: number): void {
    const n = this.#items.length;
    let i = index;
    for (;;) {
      const left = 2 * i + 1;
      const right = left + 1;
      let smallest = i;
      if (left < n && this.#before(left, smallest)) smallest = left;
      if (right < n && this.#before(right, smallest)) smallest = right;
      if (smallest === i) return;
      this.#swap(i, smallest);
      i = smallest;
    }
  }

  #swap(i: number, j: number): void {
    if (i === j) return;
    [this.#times[i], this.#times[j]] = [this.#times[j]!, this.#times[i]!];
    [this.#orders[i], this.#orders[j]] = [this.#orders[j]!, this.#orders[i]!];
    [this.#items[i], this.#items[j]] = [this.#items[j]!, this.#items[i]!];
  }
}
