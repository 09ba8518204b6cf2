/**
 * Summarises a V8 CPU profile (`node --cpu-prof`): where the time went, by
 * function (self time), by file or package (self time), and the project's own
 * functions by inclusive time (self + callees).
 *
 *   node dist/bench/profile-summary.js PROFILE.cpuprofile [--top N]
 * @module
 */
import { readFileSync } from "node:fs";
import { resolve } from "node:path";
import { fileURLToPath } from "node:url";

/** A node of V8's `.cpuprofile` JSON. */
interface ProfileNode {
  id: number;
  callFrame: { functionName: string; url: string; lineNumber: number };
  children?: number[];
  hitCount?: number;
}

/** The `.cpuprofile` JSON. */
interface CpuProfile {
  nodes: ProfileNode[];
  startTime: number;
  endTime: number;
  samples: number[];
  timeDeltas: number[];
}

/** One line of a summary: a name and its share of the sampled time. */
export interface ProfileLine {
  name: string;
  ms: number;
  percent: number;
}

/** The summaries of one profile. */
export interface ProfileSummary {
  totalMs: number;
  /** Share of samples in V8's `(idle)` node: the event loop waiting. */
  idlePercent: number;
  /** Self time in broad kinds of work (SQLite, query building, HTTP client, …). */
  byCategory: ProfileLine[];
  bySelfFunction: ProfileLine[];
  byFile: ProfileLine[];
  /** Functions under `src/` by inclusive time, each counted once per sample even when recursive. */
  projectInclusive: ProfileLine[];
}

/** Summarises a parsed profile, keeping the `top` lines of each list. */
export function summarizeProfile(profile: CpuProfile, top = 25): ProfileSummary {
  const byId = new Map(profile.nodes.map((n) => [n.id, n]));
  const parent = new Map<number, number>();
  for (const node of profile.nodes) for (const child of node.children ?? []) parent.set(child, node.id);
  const selfMs = new Map<number, number>();
  profile.samples.forEach((id, i) => {
    selfMs.set(id, (selfMs.get(id) ?? 0) + (profile.timeDeltas[i] ?? 0) / 1000);
  });
  const totalMs = [...selfMs.values()].reduce((a, b) => a + b, 0);
  const self = new Map<string, number>();
  const files = new Map<string, number>();
  const categories = new Map<string, number>();
  const inclusive = new Map<string, number>();
  let idle = 0;
  for (const [id, ms] of selfMs) {
    const node = byId.get(id);
    if (node === undefined) continue;
    if (node.callFrame.functionName === "(idle)") idle += ms;
    add(self, frameName(node), ms);
    add(files, fileOf(node.callFrame.url, node.callFrame.functionName), ms);
    add(categories, categoryOf(node.callFrame.url, node.callFrame.functionName), ms);
    const seen = new Set<string>();
    for (let at: number | undefined = id; at !== undefined; at = parent.get(at)) {
      const frame = byId.get(at);
      if (frame === undefined || !isProject(frame.callFrame.url)) continue;
      const name = frameName(frame);
      if (seen.has(name)) continue;
      seen.add(name);
      add(inclusive, name, ms);
    }
  }
  const lines = (map: Map<string, number>) =>
    [...map]
      .sort((a, b) => b[1] - a[1])
      .slice(0, top)
      .map(([name, ms]) => ({ name, ms: Math.round(ms), percent: Math.round((1000 * ms) / totalMs) / 10 }));
  return {
    totalMs: Math.round(totalMs),
    idlePercent: Math.round((1000 * idle) / totalMs) / 10,
    byCategory: lines(categories),
    bySelfFunction: lines(self),
    byFile: lines(files),
    projectInclusive: lines(inclusive),
  };
}

function add(map: Map<string, number>, key: string, ms: number): void {
  map.set(key, (map.get(key) ?? 0) + ms);
}

/** Ordered: the first pattern that matches a frame names its category. */
const CATEGORIES: readonly [string, (url: string, fn: string) => boolean][] = [
  ["idle (event loop waiting)", (_u, f) => f === "(idle)"],
  ["garbage collection", (_u, f) => f === "(garbage collector)"],
  [
    "SQLite statements (native; with synchronous=FULL this includes fsync waits)",
    (u, f) => u.includes("better-sqlite3") || (u.includes("sqlite-driver") && f === "executeQuery"),
  ],
  ["kysely query building and compiling", (u) => u.includes("node_modules/kysely")],
  ["gateway HTTP client (fetch / undici)", (u) => u.includes("undici") || u.includes("internal/webstreams")],
  ["crypto (AES-GCM fields, HMAC)", (u) => u.startsWith("node:internal/crypto") || u.includes("field-cipher")],
  ["HTTP server (fastify, node:http)", (u) => /fastify|find-my-way|avvio|light-my-request|_http_|node:http/.test(u)],
  ["reply composition (handlebars, catalog claims, guardrails)", (u) => /handlebars|src\/strategies\//.test(u)],
  ["zod validation", (u) => u.includes("node_modules/zod")],
  ["Closer's own code (src/)", (u) => u.includes("/dist/src/")],
  ["node internals (streams, net, timers, modules)", (u) => u.startsWith("node:")],
];

function categoryOf(url: string, functionName: string): string {
  return CATEGORIES.find(([, test]) => test(url, functionName))?.[0] ?? "other (native, program, wasm)";
}

function frameName(node: ProfileNode): string {
  const { functionName, url, lineNumber } = node.callFrame;
  const where = url === "" ? "" : ` ${shortUrl(url)}:${lineNumber + 1}`;
  return `${functionName || "(anonymous)"}${where}`;
}

function fileOf(url: string, functionName: string): string {
  if (url === "") return functionName.startsWith("(") ? functionName : "(native)";
  const pkg = /node_modules\/((?:@[^/]+\/)?[^/]+)/.exec(url);
  if (pkg) return `node_modules/${pkg[1]}`;
  if (url.startsWith("node:")) return "node: internals";
  return shortUrl(url);
}

function shortUrl(url: string): string {
  const dist = url.indexOf("/dist/");
  if (dist >= 0) return url.slice(dist + "/dist/".length);
  const modules = url.lastIndexOf("node_modules/");
  if (modules >= 0) return url.slice(modules);
  return url.replace(/^file:\/\//, "");
}

function isProject(url: string): boolean {
  return url.includes("/dist/src/");
}

function print(summary: ProfileSummary): void {
  const show = (title: string, list: ProfileLine[]) => {
    console.log(`\n${title}`);
    for (const l of list) console.log(`${String(l.percent).padStart(6)}%  ${String(l.ms).padStart(7)} ms  ${l.name}`);
  };
  console.log(`sampled ${summary.totalMs} ms, idle ${summary.idlePercent}%`);
  show("self time by kind of work", summary.byCategory);
  show("self time by file or package", summary.byFile);
  show("self time by function", summary.bySelfFunction);
  show("project functions by inclusive time", summary.projectInclusive);
}

const isMain = process.argv[1] !== undefined && fileURLToPath(import.meta.url) === resolve(process.argv[1]);
if (isMain) {
  const file = process.argv[2];
  if (file === undefined) {
    console.error("usage: node dist/bench/profile-summary.js PROFILE.cpuprofile [--top N]");
    process.exit(1);
  }
  const topAt = process.argv.indexOf("--top");
  const top = topAt > 0 ? Number(process.argv[topAt + 1] ?? 25) : 25;
  print(summarizeProfile(JSON.parse(readFileSync(file, "utf8")) as CpuProfile, top));
}
