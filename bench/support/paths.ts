/**
 * Where things are when the benchmarks run from `dist/bench/`.
 * @module
 */
import { fileURLToPath } from "node:url";

/** The repository root (this file runs as `dist/bench/support/paths.js`). */
export const REPO_ROOT = fileURLToPath(new URL("../../../", import.meta.url));

/** The shipped playbooks. */
export const SHIPPED_PLAYBOOKS = fileURLToPath(new URL("../../../playbooks/", import.meta.url));

/** The compiled benchmark script `relative` (e.g. `pipeline/closer-child.js`). */
export function benchScript(relative: string): string {
  return fileURLToPath(new URL(`../${relative}`, import.meta.url));
}

/** A child's environment: only what node needs from ours, plus `vars`. */
export function childEnv(vars: Record<string, string>): NodeJS.ProcessEnv {
  const keep = ["PATH", "HOME", "TMPDIR", "LANG", "TZ"];
  const base: NodeJS.ProcessEnv = {};
  for (const name of keep) if (process.env[name] !== undefined) base[name] = process.env[name];
  return { ...base, ...vars };
}
