import { describe, expect, it } from "vitest";
import { canonicalJson, checkServedVersions, contentHash } from "../../src/strategies/index.js";
import { parseVariant, VARIANT_YAML } from "./variant-fixture.js";

const base = parseVariant(VARIANT_YAML);
const hashOf = (text: string) => contentHash(parseVariant(text));

describe("contentHash", () => {
  it("should be a sha256 hex digest", () => {
    expect(contentHash(base)).toMatch(/^[0-9a-f]{64}$/);
  });

  it("should not change when only the status changes", () => {
    expect(hashOf(VARIANT_YAML.replace("status: active", "status: retired"))).toBe(contentHash(base));
    expect(hashOf(VARIANT_YAML.replace("status: active\n", ""))).toBe(contentHash(base));
  });

  it("should not change with key order, quoting or YAML style", () => {
    const reordered = VARIANT_YAML.replace(
      "id: reserve-now\nstage: closing\n",
      "stage: closing\nid: 'reserve-now'\n",
    ).replace("  goals: [reserve]", "  goals:\n    - reserve");
    expect(hashOf(reordered)).toBe(contentHash(base));
  });

  it("should not change when a default is written out", () => {
    expect(hashOf(VARIANT_YAML.replace("status: active\n", "status: active\norigin: hand\n"))).toBe(contentHash(base));
  });

  it.each([
    { name: "a template's text", find: "Shall I reserve it?", replace: "Shall I hold it?" },
    { name: "the version", find: "version: 2", replace: "version: 3" },
    { name: "a guardrail", find: "max_discount_percent: 10", replace: "max_discount_percent: 15" },
    { name: "the LLM instructions", find: "Be honest.", replace: "Be very honest." },
  ])("should change when $name changes", ({ find, replace }) => {
    expect(hashOf(VARIANT_YAML.replace(find, replace))).not.toBe(contentHash(base));
  });

  it("should ignore the extra properties of a loaded variant", () => {
    const loaded = { ...base, sourceFile: "x.yaml", hash: "abc", compiled: {} };
    expect(contentHash(loaded)).toBe(contentHash(base));
  });
});

describe("canonicalJson", () => {
  it("should sort keys at every level and drop undefined", () => {
    expect(canonicalJson({ b: 1, a: { d: [2, { f: 1, e: undefined }], c: null } })).toBe(
      '{"a":{"c":null,"d":[2,{"f":1}]},"b":1}',
    );
  });
});

describe("checkServedVersions", () => {
  const loaded = {
    id: "reserve-now",
    version: 2,
    hash: contentHash(base),
    sourceFile: "variants/closing/reserve-now.yaml",
    versionAt: { line: 3, column: 10 },
  };

  it("should accept a served version whose hash is unchanged, and versions never served", () => {
    expect(checkServedVersions([loaded], new Map([["reserve-now@2", loaded.hash]]))).toEqual([]);
    expect(checkServedVersions([loaded], new Map([["reserve-now@1", "old"]]))).toEqual([]);
  });

  it("should refuse a served version whose text changed, naming the file and the next version", () => {
    const problems = checkServedVersions([loaded], new Map([["reserve-now@2", "0".repeat(64)]]));
    expect(problems).toEqual([
      {
        file: "variants/closing/reserve-now.yaml",
        line: 3,
        column: 10,
        severity: "error",
        message:
          "variant reserve-now@2 has served customers and its text changed; bump `version` to 3 to make a new arm",
      },
    ]);
  });

  it("should ask for a version above every version that has served", () => {
    const served = new Map([
      ["reserve-now@2", "changed"],
      ["reserve-now@5", "x"],
      ["other@9", "y"],
    ]);
    expect(checkServedVersions([loaded], served)[0]?.message).toContain("bump `version` to 6");
  });
});
