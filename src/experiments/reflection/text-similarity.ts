/**
 * Text similarity for the near-duplicate check: the cosine of two texts' word
 * and word-pair counts. 1 for the same words in the same order, 0 for no word
 * in common. Template variables (`{{product.price}}`) count as words, so two
 * variants that differ only in punctuation or case score 1. Pure.
 * @module
 */

/**
 * A proposal scoring above this against an existing arm of its stage is a near-duplicate and rejected.
 * 0.9 on unigrams + bigrams: rewording a third of a variant's sentences brings two texts to about
 * 0.7–0.8; copying a variant and changing a handful of words stays above 0.9.
 */
export const NEAR_DUPLICATE_SIMILARITY = 0.9;

/** Cosine similarity in [0, 1] of the unigram + bigram counts of `a` and `b`. */
export function textSimilarity(a: string, b: string): number {
  const va = termCounts(a);
  const vb = termCounts(b);
  let dot = 0;
  for (const [term, count] of va) dot += count * (vb.get(term) ?? 0);
  const norm = Math.sqrt(sumSquares(va) * sumSquares(vb));
  return norm === 0 ? (a.trim() === b.trim() ? 1 : 0) : dot / norm;
}

function termCounts(text: string): Map<string, number> {
  const words = text.toLowerCase().match(/\{\{[^}]*\}\}|[\p{L}\p{N}]+(?:['’][\p{L}]+)?/gu) ?? [];
  const counts = new Map<string, number>();
  const add = (term: string) => counts.set(term, (counts.get(term) ?? 0) + 1);
  words.forEach((word, i) => {
    add(word);
    if (i > 0) add(`${words[i - 1]} ${word}`);
  });
  return counts;
}

function sumSquares(counts: Map<string, number>): number {
  let total = 0;
  for (const count of counts.values()) total += count * count;
  return total;
}
