/**
 * A line diff for reviewing a proposal against its parents: the longest common
 * subsequence of lines, printed side by side (parent left, proposal right) with
 * `|` for a changed line, `<` for a line only the parent has and `>` for a line
 * only the proposal has. Pure.
 * @module
 */

/** One row of a side-by-side diff. */
export interface DiffRow {
  /** `=` same, `|` changed, `<` only left, `>` only right. */
  mark: "=" | "|" | "<" | ">";
  left: string;
  right: string;
}

/** Lines compared at most; longer files are compared on their first lines (variants are far shorter). */
const MAX_DIFF_LINES = 2_000;

/** The side-by-side diff of two texts, line by line. */
export function sideBySideDiff(leftText: string, rightText: string): DiffRow[] {
  const a = leftText.split("\n").slice(0, MAX_DIFF_LINES);
  const b = rightText.split("\n").slice(0, MAX_DIFF_LINES);
  const lcs: number[][] = Array.from({ length: a.length + 1 }, () => new Array<number>(b.length + 1).fill(0));
  for (let i = a.length - 1; i >= 0; i--) {
    for (let j = b.length - 1; j >= 0; j--) {
      const row = lcs[i] as number[];
      row[j] = a[i] === b[j] ? (lcs[i + 1]?.[j + 1] ?? 0) + 1 : Math.max(lcs[i + 1]?.[j] ?? 0, row[j + 1] ?? 0);
    }
  }
  const rows: DiffRow[] = [];
  let i = 0;
  let j = 0;
  while (i < a.length || j < b.length) {
    if (i < a.length && j < b.length && a[i] === b[j]) {
      rows.push({ mark: "=", left: a[i++] as string, right: b[j++] as string });
    } else if (j < b.length && (i >= a.length || (lcs[i]?.[j + 1] ?? 0) >= (lcs[i + 1]?.[j] ?? 0))) {
      rows.push({ mark: ">", left: "", right: b[j++] as string });
    } else {
      rows.push({ mark: "<", left: a[i++] as string, right: "" });
    }
  }
  return pairChanges(rows);
}

/** Prints rows as two columns of `width` characters each. */
export function formatSideBySide(rows: readonly DiffRow[], width = 60): string {
  const cell = (text: string) => (text.length > width ? `${text.slice(0, width - 1)}…` : text.padEnd(width));
  return rows.map((row) => `${cell(row.left)} ${row.mark === "=" ? " " : row.mark} ${row.right}`.trimEnd()).join("\n");
}

/** Turns a run of removals followed by additions into changed lines, pairwise. */
function pairChanges(rows: DiffRow[]): DiffRow[] {
  const out: DiffRow[] = [];
  let k = 0;
  while (k < rows.length) {
    if (rows[k]?.mark !== "<" && rows[k]?.mark !== ">") {
      out.push(rows[k++] as DiffRow);
      continue;
    }
    const removed: string[] = [];
    const added: string[] = [];
    while (k < rows.length && (rows[k]?.mark === "<" || rows[k]?.mark === ">")) {
      const row = rows[k++] as DiffRow;
      if (row.mark === "<") removed.push(row.left);
      else added.push(row.right);
    }
    for (let n = 0; n < Math.max(removed.length, added.length); n++) {
      const left = removed[n];
      const right = added[n];
      if (left !== undefined && right !== undefined) out.push({ mark: "|", left, right });
      else if (left !== undefined) out.push({ mark: "<", left, right: "" });
      else out.push({ mark: ">", left: "", right: right ?? "" });
    }
  }
  return out;
}
