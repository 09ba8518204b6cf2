/**
 * `closer playbooks lint [dir]`: checks a playbook folder and prints every problem
 * as `file:line:column message`.
 * @module
 */
import { join, relative, resolve } from "node:path";
import { withDotEnv } from "../../config.js";
import {
  formatProblem,
  loadPlaybookSet,
  nodeFileReader,
  type PlaybookSet,
  type Problem,
} from "../../strategies/index.js";
import type { Command } from "../command.js";
import { readServedVersions } from "./served-versions.js";

const HELP = `closer playbooks lint [dir] — check a playbook folder

Reads funnel.yaml, catalog.yaml and variants/**/*.yaml in dir (default: PLAYBOOKS_DIR,
else ./playbooks) and reports every problem in one run, one per line, as
file:line:column message: YAML syntax, schema and unknown keys, duplicate ids, stages
the funnel lacks, template syntax, unknown template variables and helpers, and
prices, discounts or scarcity the catalog does not back (when catalog.yaml has
errors, that check cannot run, and the lint says so). When the service's database
is readable (DATA_DIR/closer.db, as 'closer serve' finds it), a variant version
that has served customers and whose text changed is reported exactly as 'serve'
would refuse it; otherwise the lint says that this check was not made.

Exit status: 0 when clean (warnings are printed), 1 when there are errors,
2 on a usage error or an unexpected failure.`;

/** Lints a playbook folder; exit 0 clean, 1 errors, 2 usage or unexpected failure. Never throws. */
export const playbooksLintCommand: Command = async (argv, io) => {
  if (argv.includes("--help") || argv.includes("-h")) {
    io.out(HELP);
    return 0;
  }
  const unknown = argv.find((arg) => arg.startsWith("-"));
  if (unknown !== undefined || argv.length > 1) {
    io.err(`closer playbooks lint: ${unknown ? `unknown option ${unknown}` : "give at most one folder"}`);
    io.err("usage: closer playbooks lint [dir]");
    return 2;
  }
  try {
    const env = withDotEnv(io.env, join(io.cwd, ".env"));
    const dir = resolve(io.cwd, argv[0] ?? env["PLAYBOOKS_DIR"] ?? "playbooks");
    const display = (problem: Problem): string =>
      formatProblem(problem, relative(io.cwd, join(dir, problem.file)) || ".");
    const served = await readServedVersions(env, io.cwd);
    const result = await loadPlaybookSet(dir, nodeFileReader, { now: Date.now(), served: served.hashes });
    if (!result.ok) {
      for (const problem of result.problems) io.out(display(problem));
      const errors = result.problems.filter((problem) => problem.severity === "error").length;
      const warnings = result.problems.length - errors;
      io.out(`\n${served.note}`);
      io.out(`${plural(errors, "error")}${warnings > 0 ? `, ${plural(warnings, "warning")}` : ""}`);
      return 1;
    }
    for (const warning of result.warnings) io.out(display(warning));
    io.out(summary(result.set, relative(io.cwd, dir) || "."));
    io.out(served.note);
    return 0;
  } catch (error) {
    io.err(`closer playbooks lint: ${error instanceof Error ? error.message : String(error)}`);
    return 2;
  }
};

function summary(set: PlaybookSet, dir: string): string {
  const { funnel, catalog, variants } = set;
  const lines = [
    `${dir}: ${plural(funnel.stages.length, "stage")}, ${plural(variants.length, "variant")}, ` +
      `${plural(catalog.products.length, "product")}, ${plural(catalog.offers.length, "offer")}`,
  ];
  const width = Math.max(...funnel.stages.map((stage) => stage.id.length));
  for (const stage of funnel.stages) {
    const inStage = set.variantsByStage.get(stage.id) ?? [];
    const champion = inStage.find((variant) => variant.status === "champion");
    const names = inStage.map(
      (variant) => `${variant.id}@${variant.version}${variant === champion ? " (champion)" : ""}`,
    );
    lines.push(`  ${stage.id.padEnd(width)}  ${plural(inStage.length, "variant")}: ${names.join(", ")}`);
  }
  return lines.join("\n");
}

function plural(count: number, word: string): string {
  return `${count} ${word}${count === 1 ? "" : "s"}`;
}
