/**
 * The layout of DESIGN.md, enforced: which folder may import which, and the
 * pure math imports no I/O and reads no clock or global randomness.
 */
import { readdirSync, readFileSync } from "node:fs";
import { join, relative, resolve } from "node:path";
import { describe, expect, it } from "vitest";

const SRC = resolve(import.meta.dirname, "../src");

/** What each folder may import besides itself and the shared kernel at the root of src/. */
const ALLOWED: Record<string, readonly string[]> = {
  strategies: [],
  store: [],
  experiments: ["strategies", "store"],
  engine: ["strategies", "experiments", "store"],
  analytics: ["experiments", "store"],
  sim: ["strategies", "experiments", "engine", "analytics", "store", "main"],
  server: ["strategies", "experiments", "engine", "analytics", "store", "sim", "mcp"],
  cli: ["strategies", "experiments", "engine", "analytics", "store", "server", "sim", "mcp", "main"],
  mcp: ["strategies", "experiments", "engine", "analytics", "store", "sim"],
};
/** Groups inside src/engine (DESIGN.md "Layout") that the rest of the engine reaches only through their index.ts. */
const ENGINE_GROUPS = ["gateway", "inbound", "alerting", "outbound"] as const;
/** Root modules every folder may use: configuration, errors, logging. */
const KERNEL = new Set(["config", "errors", "log"]);
/**
 * Sub-folders that may also import a folder's types (never its values): the reflection reaches the LLM
 * through the engine's port, passed in, while the engine imports the experiments.
 */
const TYPE_ONLY: Record<string, readonly string[]> = { "experiments/reflection": ["engine"] };

function sourceFiles(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((entry) => {
    const path = join(dir, entry.name);
    if (entry.isDirectory()) return sourceFiles(path);
    return entry.name.endsWith(".ts") ? [path] : [];
  });
}

function importsOf(file: string, { valuesOnly = false } = {}): string[] {
  const text = readFileSync(file, "utf8");
  return [...text.matchAll(/^\s*(?:import|export)\b(\s+type\b)?[^'"]*?from\s+["']([^"']+)["']/gm)]
    .filter((m) => !valuesOnly || m[1] === undefined)
    .map((m) => m[2] as string);
}

/** The TYPE_ONLY targets a file may import types from. */
function typeOnlyTargets(file: string): readonly string[] {
  const path = relative(SRC, file);
  return Object.entries(TYPE_ONLY).flatMap(([folder, targets]) => (path.startsWith(`${folder}/`) ? targets : []));
}

/** The top-level folder (or root module) a relative import lands in, seen from `file`. */
function targetOf(file: string, specifier: string): string | null {
  if (!specifier.startsWith(".")) return null;
  const target = relative(SRC, resolve(file, "..", specifier)).split(/[\\/]/);
  return target.length === 1 ? (target[0] as string).replace(/\.js$/, "") : (target[0] as string);
}

describe("the layout of DESIGN.md", () => {
  const files = sourceFiles(SRC);

  it.each(Object.keys(ALLOWED))("%s imports only what it may", (folder) => {
    const offending: string[] = [];
    for (const file of files.filter((f) => relative(SRC, f).startsWith(`${folder}/`))) {
      const values = new Set(importsOf(file, { valuesOnly: true }));
      for (const specifier of importsOf(file)) {
        const target = targetOf(file, specifier);
        if (target === null || target === folder || KERNEL.has(target)) continue;
        if (typeOnlyTargets(file).includes(target) && !values.has(specifier)) continue;
        if (!ALLOWED[folder]?.includes(target)) offending.push(`${relative(SRC, file)} → ${specifier}`);
      }
    }
    expect(offending).toEqual([]);
  });

  it("other folders import a folder through its index.ts only", () => {
    const offending: string[] = [];
    for (const file of files) {
      const own = relative(SRC, file).split(/[\\/]/)[0];
      for (const specifier of importsOf(file)) {
        const target = targetOf(file, specifier);
        if (target === null || target === own || KERNEL.has(target) || !(target in ALLOWED)) continue;
        const inside = relative(SRC, resolve(file, "..", specifier));
        if (inside !== `${target}/index.js`) offending.push(`${relative(SRC, file)} → ${specifier}`);
      }
    }
    expect(offending).toEqual([]);
  });

  it.each(ENGINE_GROUPS)("the rest of the engine imports engine/%s through its index.ts only", (group) => {
    const offending: string[] = [];
    const inside = `engine/${group}/`;
    for (const file of files.filter((f) => relative(SRC, f).startsWith("engine/"))) {
      if (relative(SRC, file).startsWith(inside)) continue;
      for (const specifier of importsOf(file)) {
        if (!specifier.startsWith(".")) continue;
        const target = relative(SRC, resolve(file, "..", specifier));
        if (target.startsWith(inside) && target !== `${inside}index.js`)
          offending.push(`${relative(SRC, file)} → ${specifier}`);
      }
    }
    expect(offending).toEqual([]);
  });

  it("the reflection imports only the engine's types (the LLM port), never its code", () => {
    const reflection = files.filter((f) => relative(SRC, f).startsWith("experiments/reflection/"));
    expect(reflection.length).toBeGreaterThan(0);
    const offending = reflection.flatMap((file) =>
      importsOf(file, { valuesOnly: true })
        .filter((specifier) => targetOf(file, specifier) === "engine")
        .map((specifier) => `${relative(SRC, file)} → ${specifier}`),
    );
    expect(offending).toEqual([]);
  });

  it("the alert rules' window arithmetic is pure: no I/O modules, no clock, no global randomness", () => {
    const pure = ["signal-window.ts", "alert-rules.ts", "alert-state.ts"].map((f) => join(SRC, "engine/alerting", f));
    const offending: string[] = [];
    for (const file of pure) {
      for (const specifier of importsOf(file)) {
        if (!specifier.startsWith("./")) offending.push(`${relative(SRC, file)} imports ${specifier}`);
      }
      if (/Date\.now\(|new Date\(|Math\.random\(|console\./.test(readFileSync(file, "utf8")))
        offending.push(`${relative(SRC, file)} uses I/O`);
    }
    expect(offending).toEqual([]);
  });

  it("the bandit math is pure: no I/O modules, no clock, no global randomness", () => {
    const offending: string[] = [];
    for (const file of files.filter((f) => relative(SRC, f).startsWith("experiments/math/"))) {
      const text = readFileSync(file, "utf8");
      for (const specifier of importsOf(file)) {
        if (!specifier.startsWith("./")) offending.push(`${relative(SRC, file)} imports ${specifier}`);
      }
      if (/Date\.now\(|new Date\(|Math\.random\(|console\./.test(text))
        offending.push(`${relative(SRC, file)} uses I/O`);
    }
    expect(offending).toEqual([]);
  });

  it("browser code stays in its folder: it imports only its sibling modules, which the server compiles and serves", () => {
    const offending: string[] = [];
    const browserFiles = files.filter((f) => relative(SRC, f).startsWith("server/pages/browser/"));
    expect(browserFiles.length).toBeGreaterThan(0);
    for (const file of browserFiles) {
      for (const specifier of importsOf(file)) {
        if (!/^\.\/[a-z0-9-]+\.js$/.test(specifier)) offending.push(`${relative(SRC, file)} imports ${specifier}`);
      }
    }
    for (const file of files.filter((f) => !relative(SRC, f).startsWith("server/pages/browser/"))) {
      for (const specifier of importsOf(file)) {
        if (specifier.includes("/browser/")) offending.push(`${relative(SRC, file)} imports ${specifier}`);
      }
    }
    expect(offending).toEqual([]);
  });
});
