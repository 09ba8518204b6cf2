/**
 * A memo that never grows past a bound: for pure computations asked again and again with a small set
 * of keys (formatted prices, parsed days, normalised claim texts). Past the bound it starts over.
 * @module
 */

/** A remembered pure function of one key. */
export class BoundedMemo<K, V> {
  readonly #kept = new Map<K, V>();
  readonly #max: number;
  readonly #compute: (key: K) => V;

  constructor(max: number, compute: (key: K) => V) {
    this.#max = max;
    this.#compute = compute;
  }

  /** `compute(key)`, computed once while the key is kept. */
  get(key: K): V {
    const hit = this.#kept.get(key);
    if (hit !== undefined) return hit;
    const value = this.#compute(key);
    if (this.#kept.size >= this.#max) this.#kept.clear();
    this.#kept.set(key, value);
    return value;
  }
}
