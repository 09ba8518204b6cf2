/**
 * The `Random` port and a fast seeded generator for it. Everything random in the
 * bandit takes a `Random` argument, so every draw can be replayed from a seed.
 * @module
 */

/** A source of uniform random numbers. `next()` returns a number in [0, 1). */
export interface Random {
  next(): number;
}

/** 2^32, the number of distinct outputs of the 32-bit generator. */
const UINT32_RANGE = 4_294_967_296;
/** Outputs discarded after seeding so that similar seeds give unrelated streams. */
const WARM_UP_ROUNDS = 16;
/** The golden-ratio increment of splitmix32. */
const GOLDEN_GAMMA_32 = 0x9e3779b9;
/** Mixed into the high word of a seed so that it never shares a stream with the low word. */
const HIGH_WORD_SALT = 0x5bd1e995;

/**
 * A seeded generator: sfc32 (Chris Doty-Humphrey's Small Fast Counting generator,
 * period at least 2^32, passes PractRand to terabytes) whose four state words are
 * filled by splitmix32 from `seed`. Outputs have 32 bits of resolution.
 *
 * The same seed always gives the same stream, on every platform.
 * @param seed any safe integer (negative and values above 2^32 are distinct seeds).
 * @throws RangeError when `seed` is not a safe integer.
 */
export function createSeededRandom(seed: number): Random {
  if (!Number.isSafeInteger(seed)) throw new RangeError(`seed must be a safe integer, got ${seed}`);
  // Low and high words fill separate state words, so distinct seeds give distinct states.
  const mixLow = splitmix32(lowWord(seed));
  let a = mixLow();
  let b = mixLow();
  let c = splitmix32(highWord(seed) ^ HIGH_WORD_SALT)();
  let d = 1;

  function nextUint32(): number {
    const t = (((a + b) | 0) + d) | 0;
    d = (d + 1) | 0;
    a = b ^ (b >>> 9);
    b = (c + (c << 3)) | 0;
    c = (c << 21) | (c >>> 11);
    c = (c + t) | 0;
    return t >>> 0;
  }

  for (let i = 0; i < WARM_UP_ROUNDS; i++) nextUint32();

  return {
    next: function nextSeeded(): number {
      return nextUint32() / UINT32_RANGE;
    },
  };
}

/**
 * A new seed derived from `seed` and a stream label: the same pair always gives the
 * same seed, different labels give unrelated streams. Use it for common random
 * numbers, e.g. `createSeededRandom(deriveSeed(runSeed, "customers"))` for the
 * customer stream every policy shares, and `deriveSeed(runSeed, "policy:ucb1")` for
 * each policy's own draws.
 * @param seed any safe integer.
 * @param label a stream name or index.
 * @returns an unsigned 32-bit integer.
 * @throws RangeError when `seed` is not a safe integer.
 */
export function deriveSeed(seed: number, label: string | number): number {
  if (!Number.isSafeInteger(seed)) throw new RangeError(`seed must be a safe integer, got ${seed}`);
  const labelHash =
    typeof label === "number" && Number.isInteger(label) ? hashNumber(label) : hashString(String(label));
  let hash = mixWord(lowWord(seed));
  hash = mixWord(hash ^ highWord(seed));
  return mixWord(hash ^ labelHash) >>> 0;
}

/**
 * A child generator seeded from one draw of `rng` and `label`. It advances `rng` by
 * exactly one draw; the child's stream is then independent of later use of `rng`.
 * Prefer {@link deriveSeed} from a root seed when streams must not depend on how
 * much of the parent was consumed (common random numbers across policies).
 */
export function forkRandom(rng: Random, label: string | number): Random {
  return createSeededRandom(deriveSeed(Math.floor(rng.next() * UINT32_RANGE), label));
}

/** A splitmix32 sequence starting at `state`: each call returns the next mixed 32-bit word. */
function splitmix32(state: number): () => number {
  let s = state | 0;
  return function nextMixed(): number {
    s = (s + GOLDEN_GAMMA_32) | 0;
    let z = s;
    z = Math.imul(z ^ (z >>> 16), 0x21f0aaad);
    z = Math.imul(z ^ (z >>> 15), 0x735a2d97);
    return (z ^ (z >>> 15)) | 0;
  };
}

/** A bijection on 32-bit words: the first splitmix32 output from `state`. */
function mixWord(state: number): number {
  return splitmix32(state)();
}

function lowWord(value: number): number {
  return value >>> 0;
}

function highWord(value: number): number {
  return Math.floor(value / UINT32_RANGE) >>> 0;
}

/** FNV-1a over the UTF-16 code units of `text`. */
function hashString(text: string): number {
  let hash = 0x811c9dc5;
  for (let i = 0; i < text.length; i++) {
    hash = Math.imul(hash ^ text.charCodeAt(i), 0x01000193);
  }
  return hash | 0;
}

function hashNumber(value: number): number {
  // A different constant from hashString so that 1 and "1" name different streams.
  return mixWord(mixWord(lowWord(value) ^ HIGH_WORD_SALT) ^ highWord(value));
}
