/**
 * A strict parser of the Prometheus text exposition format (version 0.0.4), for
 * tests: every line must be a well-formed comment or sample, each family's TYPE
 * comes once and before its samples, no series repeats, and histograms have
 * cumulative buckets ending in `+Inf` equal to `_count`. It throws naming the
 * line at the first problem.
 */

/** One sample line. */
export interface PromSample {
  name: string;
  labels: Record<string, string>;
  value: number;
}

/** One metric family. */
export interface PromFamily {
  name: string;
  type: "counter" | "gauge" | "histogram" | "summary" | "untyped";
  help: string | null;
  samples: PromSample[];
}

const METRIC_NAME = /^[a-zA-Z_:][a-zA-Z0-9_:]*$/;
const LABEL_NAME = /^[a-zA-Z_][a-zA-Z0-9_]*$/;
const TYPES = new Set(["counter", "gauge", "histogram", "summary", "untyped"]);

/** Parses exposition text into families by name. @throws Error naming the bad line. */
export function parsePrometheusText(text: string): Map<string, PromFamily> {
  if (!text.endsWith("\n")) throw new Error("the exposition must end with a newline");
  const families = new Map<string, PromFamily>();
  const seen = new Set<string>();
  const typed = new Set<string>();
  const lines = text.slice(0, -1).split("\n");
  for (const [index, line] of lines.entries()) {
    const where = `line ${index + 1} (${JSON.stringify(line)})`;
    if (line === "") continue;
    if (line.startsWith("#")) {
      comment(line, where, families, typed);
      continue;
    }
    const sample = parseSample(line, where);
    const family = familyOf(sample.name, families);
    if (family === undefined) throw new Error(`${where}: sample before its # TYPE`);
    const id = `${sample.name}${JSON.stringify(Object.entries(sample.labels).sort())}`;
    if (seen.has(id)) throw new Error(`${where}: repeated series`);
    seen.add(id);
    family.samples.push(sample);
  }
  for (const family of families.values()) if (family.type === "histogram") checkHistogram(family);
  return families;
}

function comment(line: string, where: string, families: Map<string, PromFamily>, typed: Set<string>): void {
  const match = /^# (HELP|TYPE) (\S+)(?: (.*))?$/.exec(line);
  if (match === null) return; // other comments are allowed
  const [, keyword, name = "", rest = ""] = match;
  if (!METRIC_NAME.test(name)) throw new Error(`${where}: bad metric name`);
  const family = families.get(name);
  if (keyword === "TYPE") {
    if (!TYPES.has(rest)) throw new Error(`${where}: unknown type ${rest}`);
    if (family !== undefined && family.samples.length > 0) throw new Error(`${where}: TYPE after samples`);
    if (typed.has(name)) throw new Error(`${where}: second TYPE`);
    typed.add(name);
    families.set(name, { ...(family ?? { name, help: null, samples: [] }), type: rest as PromFamily["type"] });
    return;
  }
  if (family?.help != null) throw new Error(`${where}: second HELP`);
  const next = family ?? { name, type: "untyped" as const, help: null, samples: [] };
  families.set(name, { ...next, help: rest });
}

function familyOf(sampleName: string, families: Map<string, PromFamily>): PromFamily | undefined {
  const direct = families.get(sampleName);
  if (direct !== undefined) return direct;
  const base = /^(.*)_(bucket|sum|count)$/.exec(sampleName)?.[1];
  const family = base === undefined ? undefined : families.get(base);
  return family !== undefined && (family.type === "histogram" || family.type === "summary") ? family : undefined;
}

function parseSample(line: string, where: string): PromSample {
  const nameMatch = /^([a-zA-Z_:][a-zA-Z0-9_:]*)/.exec(line);
  if (nameMatch === null) throw new Error(`${where}: no metric name`);
  const name = nameMatch[1] as string;
  let rest = line.slice(name.length);
  const labels: Record<string, string> = {};
  if (rest.startsWith("{")) {
    rest = rest.slice(1);
    while (!rest.startsWith("}")) {
      const label = /^([^=]+)="((?:[^"\\\n]|\\[\\"n])*)"/.exec(rest);
      if (label === null) throw new Error(`${where}: bad label`);
      const [all, key = "", raw = ""] = label;
      if (!LABEL_NAME.test(key)) throw new Error(`${where}: bad label name ${key}`);
      if (key in labels) throw new Error(`${where}: label ${key} twice`);
      labels[key] = raw.replace(/\\(.)/g, (_m, c: string) => (c === "n" ? "\n" : c));
      rest = rest.slice(all.length);
      if (rest.startsWith(",")) rest = rest.slice(1);
      else if (!rest.startsWith("}")) throw new Error(`${where}: expected , or }`);
    }
    rest = rest.slice(1);
  }
  const valueMatch = /^ (\S+)(?: (-?\d+))?$/.exec(rest);
  if (valueMatch === null) throw new Error(`${where}: expected ' value [timestamp]'`);
  return { name, labels, value: parseValue(valueMatch[1] as string, where) };
}

function parseValue(text: string, where: string): number {
  if (text === "+Inf") return Number.POSITIVE_INFINITY;
  if (text === "-Inf") return Number.NEGATIVE_INFINITY;
  if (text === "NaN") return Number.NaN;
  if (!/^[-+]?(\d+\.?\d*|\.\d+)([eE][-+]?\d+)?$/.test(text)) throw new Error(`${where}: bad value ${text}`);
  return Number(text);
}

function checkHistogram(family: PromFamily): void {
  const series = new Map<string, { buckets: [number, number][]; count?: number }>();
  const keyOf = (labels: Record<string, string>) =>
    JSON.stringify(
      Object.entries(labels)
        .filter(([k]) => k !== "le")
        .sort(),
    );
  for (const s of family.samples) {
    const entry = series.get(keyOf(s.labels)) ?? { buckets: [] };
    series.set(keyOf(s.labels), entry);
    if (s.name === `${family.name}_bucket`) {
      if (s.labels.le === undefined) throw new Error(`${family.name}: bucket without le`);
      entry.buckets.push([parseValue(s.labels.le, family.name), s.value]);
    } else if (s.name === `${family.name}_count`) entry.count = s.value;
    else if (s.name !== `${family.name}_sum`) throw new Error(`${family.name}: unexpected sample ${s.name}`);
  }
  for (const [key, { buckets, count }] of series) {
    const last = buckets.at(-1);
    if (last === undefined || last[0] !== Number.POSITIVE_INFINITY)
      throw new Error(`${family.name}${key}: no +Inf bucket`);
    for (let i = 1; i < buckets.length; i++) {
      const [prevLe, prevN] = buckets[i - 1] as [number, number];
      const [le, n] = buckets[i] as [number, number];
      if (le <= prevLe || n < prevN) throw new Error(`${family.name}${key}: buckets not cumulative`);
    }
    if (count !== last[1]) throw new Error(`${family.name}${key}: _count ${count} is not the +Inf bucket ${last[1]}`);
  }
}
