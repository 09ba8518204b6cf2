/**
 * A problem found while loading or linting playbooks, located in a file.
 * @module
 */

/** `error` stops a playbook set from loading; `warning` is reported and the set still loads. */
export type Severity = "error" | "warning";

/** One problem in one playbook file. */
export interface Problem {
  /** The file, relative to the playbooks folder, with `/` separators (e.g. `variants/closing/reserve-now.yaml`). */
  file: string;
  /** 1-based line. */
  line: number;
  /** 1-based column. */
  column: number;
  /** What is wrong, naming the bad value. */
  message: string;
  severity: Severity;
}

/** A 1-based line and column. */
export interface Position {
  line: number;
  column: number;
}

/** The start of a file, for problems that concern a whole file. */
export const FILE_START: Position = Object.freeze({ line: 1, column: 1 });

/** Builds an error problem at `at`. */
export function errorAt(file: string, at: Position, message: string): Problem {
  return { file, line: at.line, column: at.column, message, severity: "error" };
}

/** Builds a warning problem at `at`. */
export function warningAt(file: string, at: Position, message: string): Problem {
  return { file, line: at.line, column: at.column, message, severity: "warning" };
}

/**
 * Formats a problem as `file:line:column message` (warnings get `warning: ` before the message).
 * `displayFile` replaces `problem.file`, e.g. with a path relative to the working directory.
 */
export function formatProblem(problem: Problem, displayFile: string = problem.file): string {
  const prefix = problem.severity === "warning" ? "warning: " : "";
  return `${displayFile}:${problem.line}:${problem.column} ${prefix}${problem.message}`;
}

/** Sorts problems by file, line, column (a new array); equal problems keep their order. */
export function sortProblems(problems: readonly Problem[]): Problem[] {
  return [...problems].sort(
    (a, b) => (a.file < b.file ? -1 : a.file > b.file ? 1 : 0) || a.line - b.line || a.column - b.column,
  );
}

/** True when at least one problem is an error. */
export function hasErrors(problems: readonly Problem[]): boolean {
  return problems.some((problem) => problem.severity === "error");
}
