/**
 * Shared helpers for the strategies tests: the shipped example playbooks read into
 * memory, edits of single files, and finding the line of a piece of text.
 * @module
 */
import { fileURLToPath } from "node:url";
import {
  type LoadOptions,
  type LoadResult,
  loadPlaybookSet,
  memoryPlaybookReader,
  nodeFileReader,
  type Problem,
} from "../../src/strategies/index.js";

/** The learning settings every funnel gets when it sets none: pending outcomes and change detection on. */
export const DEFAULT_LEARNING = {
  pendingOutcomes: true,
  changeDetection: true,
  changeFalseAlarmRate: 0.01,
  changePreWeight: 0.1,
  changeHorizon: 0.5,
  newcomerPrior: false,
  newcomerPriorStrength: 4,
};

/** The shipped example folder. */
export const SHIPPED_DIR = fileURLToPath(new URL("../../playbooks", import.meta.url));

/** Every file of the shipped example folder, keyed by path relative to it. */
export async function shippedFiles(): Promise<Record<string, string>> {
  const files: Record<string, string> = {};
  for (const file of await nodeFileReader.listFiles(SHIPPED_DIR)) {
    files[file] = await nodeFileReader.readFile(`${SHIPPED_DIR}/${file}`);
  }
  return files;
}

/** Replaces the first `find` in `file` (which must contain it) and returns the new set of files. */
export function edit(
  files: Record<string, string>,
  file: string,
  find: string,
  replace: string,
): Record<string, string> {
  const text = files[file];
  if (text === undefined) throw new Error(`no file ${file}`);
  if (!text.includes(find)) throw new Error(`${file} does not contain ${JSON.stringify(find)}`);
  return { ...files, [file]: text.replace(find, replace) };
}

/** The 1-based line of the first occurrence of `needle` in `text`. */
export function lineOf(text: string, needle: string): number {
  const index = text.indexOf(needle);
  if (index < 0) throw new Error(`text does not contain ${JSON.stringify(needle)}`);
  return text.slice(0, index).split("\n").length;
}

/** Loads in-memory files as a playbook folder. */
export function loadFiles(files: Record<string, string>, options: LoadOptions = {}): Promise<LoadResult> {
  return loadPlaybookSet("playbooks", memoryPlaybookReader("playbooks", files), options);
}

/** The problems of a load that must have failed. */
export function problemsOf(result: LoadResult): Problem[] {
  if (result.ok) throw new Error("expected the playbooks to fail lint, but they loaded");
  return result.problems;
}

/** The error problems only. */
export function errorsOf(result: LoadResult): Problem[] {
  return problemsOf(result).filter((problem) => problem.severity === "error");
}
