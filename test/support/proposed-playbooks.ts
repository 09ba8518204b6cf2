/**
 * A copy of the shipped playbooks with one proposal of the weekly reflection
 * waiting for review, for tests of the candidate review (MCP, dashboard).
 * @module
 */
import { cpSync, readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { PLAYBOOKS_DIR } from "../cli/cli-fixtures.js";

/** The reflection's proposal the copied folder holds, waiting for review. */
export const PROPOSED_ARM = "fit-question-first@1";

/**
 * Copies the shipped playbooks into `dir`/playbooks and adds a proposed intent
 * variant as the weekly reflection writes it; returns the folder.
 */
export function playbooksWithProposal(dir: string): string {
  const folder = join(dir, "playbooks");
  cpSync(PLAYBOOKS_DIR, folder, { recursive: true });
  const parent = readFileSync(join(folder, "variants/intent/fit-finder.yaml"), "utf8");
  const proposal = parent
    .replace(/^id: fit-finder$/m, "id: fit-question-first")
    .replace(/^version: \d+$/m, "version: 1")
    .replace(
      /^status: champion$/m,
      [
        "status: proposed",
        "origin: reflection",
        "parents:",
        "  - fit-finder@2",
        "rationale: Lost customers were unsure which piece fits; ask about their cooking first.",
        "created_at: 2026-03-09T06:00:00.000Z",
        "model: reflect-model",
      ].join("\n"),
    );
  writeFileSync(join(folder, "variants/intent/fit-question-first.yaml"), proposal);
  return folder;
}
