import { describe, expect, it } from "vitest";
import { locate, parseYaml, positionInString } from "../../src/strategies/yaml-source.js";

const TEXT = `templates:
  default: |
    line one
      indented {{x}}
  folded: >-
    one
    two
  quoted: "Hi {{a}}"
  plain: Hi {{b}}
list:
  - name: a
  - other: b
`;

describe("positionInString", () => {
  const { source } = parseYaml("t.yaml", TEXT);

  it("should map a line and column inside a literal block to the file", () => {
    expect(positionInString(source, ["templates", "default"], { line: 1, column: 1 })).toEqual({ line: 3, column: 5 });
    expect(positionInString(source, ["templates", "default"], { line: 2, column: 12 })).toEqual({
      line: 4,
      column: 16,
    });
  });

  it("should map the first line of quoted and plain strings", () => {
    expect(positionInString(source, ["templates", "quoted"], { line: 1, column: 4 })).toEqual({ line: 8, column: 15 });
    expect(positionInString(source, ["templates", "plain"], { line: 1, column: 4 })).toEqual({ line: 9, column: 13 });
  });

  it("should map folded blocks to their lines", () => {
    expect(positionInString(source, ["templates", "folded"], { line: 1, column: 1 })).toEqual({ line: 6, column: 5 });
  });
});

describe("locate", () => {
  const { source } = parseYaml("t.yaml", TEXT);

  it("should find a value, or its key", () => {
    expect(locate(source, ["list", 1, "other"])).toEqual({ line: 12, column: 12 });
    expect(locate(source, ["list", 1, "other"], "key")).toEqual({ line: 12, column: 5 });
  });

  it("should point a missing key at its parent", () => {
    expect(locate(source, ["list", 0, "missing"])).toEqual({ line: 11, column: 5 });
    expect(locate(source, ["templates", "greeting"])).toEqual({ line: 1, column: 1 });
  });
});

describe("parseYaml", () => {
  it("should report every syntax error with its position and return no data", () => {
    const { data, problems } = parseYaml("t.yaml", "a: 1\na: 2\nb: [1, 2\n");
    expect(data).toBeUndefined();
    expect(problems.map((problem) => `${problem.line}:${problem.column}`)).toContain("2:1");
    expect(problems.every((problem) => problem.message.startsWith("YAML syntax: "))).toBe(true);
  });
});
