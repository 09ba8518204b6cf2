import { beforeAll, describe, expect, it } from "vitest";
import {
  contentHash,
  formatProblem,
  loadPlaybookSet,
  memoryPlaybookReader,
  nodeFileReader,
  type PlaybookSet,
} from "../../src/strategies/index.js";
import { DEFAULT_LEARNING, edit, errorsOf, lineOf, loadFiles, SHIPPED_DIR, shippedFiles } from "./playbook-fixtures.js";

const RESERVE = "variants/closing/reserve-now.yaml";

let shipped: Record<string, string>;
let set: PlaybookSet;
beforeAll(async () => {
  shipped = await shippedFiles();
  const result = await loadPlaybookSet(SHIPPED_DIR, nodeFileReader);
  if (!result.ok) throw new Error(result.problems.map((problem) => formatProblem(problem)).join("\n"));
  set = result.set;
});

describe("loadPlaybookSet", () => {
  it("should load the shipped playbooks from disk with no error and no warning", async () => {
    const result = await loadPlaybookSet(SHIPPED_DIR, nodeFileReader);
    expect(result.ok ? result.warnings : result.problems).toEqual([]);
  });

  it("should ship the default funnel and at least three variants per stage, one champion each", () => {
    expect(set.funnel.stages.map((stage) => stage.id)).toEqual([
      "first_contact",
      "building_trust",
      "intent",
      "closing",
    ]);
    for (const stage of set.funnel.stages) {
      const variants = set.variantsByStage.get(stage.id) ?? [];
      expect(variants.length, stage.id).toBeGreaterThanOrEqual(3);
      expect(
        variants.filter((variant) => variant.status === "champion"),
        stage.id,
      ).toHaveLength(1);
    }
  });

  it("should ship a catalog of at least five products, in USD, with running offers for real products", () => {
    expect(set.catalog.products.length).toBeGreaterThanOrEqual(5);
    expect(set.catalog.shop.currency).toBe("USD");
    const ids = new Set(set.catalog.products.map((product) => product.id));
    for (const offer of set.catalog.offers) expect(offer.product === null || ids.has(offer.product)).toBe(true);
  });

  it("should give each loaded variant its file, hash, version position and compiled templates", () => {
    const reserve = set.variants.find((variant) => variant.id === "reserve-now");
    expect(reserve).toMatchObject({ sourceFile: RESERVE, stage: "closing", version: 2, status: "champion" });
    expect(reserve?.hash).toBe(contentHash(reserve!));
    expect(reserve?.versionAt).toEqual({ line: lineOf(shipped[RESERVE]!, "version: 2"), column: 10 });
    // Top-level templates by key; language blocks as `es.<key>`, alternatives as `<key>#<n>`.
    const compiled = Object.keys(reserve?.compiled ?? {});
    expect(compiled.filter((key) => !key.includes(".")).sort()).toEqual(Object.keys(reserve?.templates ?? {}).sort());
    expect(compiled.filter((key) => key.startsWith("es.")).sort()).toEqual(
      Object.keys(reserve?.templates ?? {})
        .map((key) => `es.${key}`)
        .sort(),
    );
  });

  it("should turn snake_case YAML into camelCase values with defaults applied", () => {
    const closing = set.funnel.stages.find((stage) => stage.id === "closing")!;
    expect(closing.windowHours).toBe(168);
    expect(closing.prior).toEqual({ alpha: 1, beta: 1 });
    expect(closing.experiment).toMatchObject({ minDecisions: 60, minSuccesses: 20, minDays: 14, floor: 0.01 });
    expect(set.funnel.experiment).toEqual({
      minDecisions: 100,
      minSuccesses: 40,
      minDays: 14,
      floor: 0.01,
      burnIn: 20,
      draws: 10000,
      discountPerWeek: null,
      candidateCap: 0.1,
      maxArms: 6,
      learning: DEFAULT_LEARNING,
    });
    const fit = set.variants.find((variant) => variant.id === "fit-finder")!;
    expect(fit.origin).toBe("hand");
    expect(fit.parents).toEqual([]);
    expect(fit.guardrails.maxDiscountPercent).toBe(15);
    expect(typeof fit.llmInstructions).toBe("string");
  });

  it("should ignore files that are not funnel, catalog or variants (e.g. scenarios)", async () => {
    const files = { ...shipped, "scenarios/spring-sale.yaml": "name: [not: a: playbook", "README.md": "# hi" };
    const result = await loadFiles(files);
    expect(result.ok).toBe(true);
  });

  it("should refuse a served version whose text changed, naming the file and the version to bump to", async () => {
    const reserve = set.variants.find((variant) => variant.id === "reserve-now")!;
    const served = new Map([["reserve-now@2", reserve.hash]]);
    expect((await loadFiles(shipped, { served })).ok).toBe(true);

    const files = edit(
      shipped,
      RESERVE,
      "Shall I reserve the {{product.name}}",
      "Would you like me to hold the {{product.name}}",
    );
    const problems = errorsOf(await loadFiles(files, { served }));
    expect(problems).toEqual([
      {
        file: RESERVE,
        line: lineOf(files[RESERVE]!, "version: 2"),
        column: 10,
        severity: "error",
        message:
          "variant reserve-now@2 has served customers and its text changed; bump `version` to 3 to make a new arm",
      },
    ]);
  });

  it("should accept the edited text once `version` is bumped", async () => {
    const reserve = set.variants.find((variant) => variant.id === "reserve-now")!;
    let files = edit(
      shipped,
      RESERVE,
      "Shall I reserve the {{product.name}}",
      "Would you like me to hold the {{product.name}}",
    );
    files = edit(files, RESERVE, "version: 2", "version: 3");
    expect((await loadFiles(files, { served: new Map([["reserve-now@2", reserve.hash]]) })).ok).toBe(true);
  });

  it("should accept a status change of a served version", async () => {
    const reserve = set.variants.find((variant) => variant.id === "reserve-now")!;
    const files = edit(shipped, RESERVE, "status: champion", "status: retired");
    const fitFiles = edit(
      files,
      "variants/closing/simple-steps.yaml",
      "version: 2\n",
      "version: 2\nstatus: champion\n",
    );
    const result = await loadFiles(fitFiles, { served: new Map([["reserve-now@2", reserve.hash]]) });
    expect(result.ok).toBe(true);
  });

  it("should warn about offers that have ended and still load", async () => {
    const now = Date.UTC(2027, 1, 1, 0, 0, 0); // the Dutch oven offer ended with Jan 31
    const result = await loadFiles(shipped, { now });
    expect(result.ok).toBe(true);
    expect(result.ok && result.warnings).toEqual([
      expect.objectContaining({
        file: "catalog.yaml",
        line: lineOf(shipped["catalog.yaml"]!, "valid_until: 2027-01-31"),
        severity: "warning",
        message: "offer winter-dutch-oven ended on 2027-01-31; replies will not mention it",
      }),
    ]);
  });

  it("should report an unreadable folder as a problem instead of throwing", async () => {
    const result = await loadPlaybookSet(`${SHIPPED_DIR}/does-not-exist`, nodeFileReader);
    expect(result.ok).toBe(false);
    expect(!result.ok && result.problems[0]?.message).toMatch(/^cannot read the playbooks folder/);
  });

  it("should report a file that cannot be read", async () => {
    const reader = memoryPlaybookReader("playbooks", shipped);
    const failing = {
      ...reader,
      readFile: async (path: string) =>
        path.endsWith("catalog.yaml") ? Promise.reject(new Error("EACCES")) : reader.readFile(path),
    };
    const result = await loadPlaybookSet("playbooks", failing);
    expect(!result.ok && result.problems).toContainEqual(
      expect.objectContaining({ file: "catalog.yaml", line: 1, message: "cannot read the file: EACCES" }),
    );
  });
});
