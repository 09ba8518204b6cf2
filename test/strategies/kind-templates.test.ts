import { beforeAll, describe, expect, it } from "vitest";
import { KIND_TEMPLATES } from "../../src/strategies/index.js";
import { edit, loadFiles, shippedFiles } from "./playbook-fixtures.js";

const FILE = "variants/first_contact/warm-welcome.yaml";
let shipped: Record<string, string>;
beforeAll(async () => {
  shipped = await shippedFiles();
});

describe("kind templates", () => {
  it("every shipped variant answers a photo, a voice note, a location, a contact card and a product question", async () => {
    const result = await loadFiles(shipped);
    if (!result.ok) throw new Error("the shipped playbooks must load");
    for (const variant of result.set.variants) {
      for (const kind of ["media", "voice", "location", "contact", "product"]) {
        expect(variant.templates[kind], `${variant.id}: ${kind}`).toBeDefined();
      }
      if (variant.stage === "closing") expect(variant.templates["order"], variant.id).toBeDefined();
    }
  });

  it("warns, naming the file and the missing template, about a variant without `media`", async () => {
    const text = shipped[FILE] ?? "";
    const media = /\n {2}media: \|\n(?: {4}.*\n)+/.exec(text)?.[0];
    if (media === undefined) throw new Error("warm-welcome has no media template");
    const esMedia = /\n {4}media: \|\n(?: {6}.*\n)+/.exec(text)?.[0];
    if (esMedia === undefined) throw new Error("warm-welcome has no Spanish media template");
    // Every language covers the same keys: the Spanish one goes too.
    const result = await loadFiles(edit(edit(shipped, FILE, media, "\n"), FILE, esMedia, "\n"));
    expect(result.ok).toBe(true);
    const warnings = result.ok ? result.warnings : [];
    expect(warnings).toEqual([
      expect.objectContaining({
        file: FILE,
        severity: "warning",
        message: expect.stringMatching(/no `media` template/),
      }),
    ]);
  });

  it("accepts kind templates as keys next to the intents, and still rejects a mistyped one", async () => {
    expect(KIND_TEMPLATES).toContain("media");
    const result = await loadFiles(edit(shipped, FILE, "\n  media: |", "\n  medias: |"));
    expect(result.ok).toBe(false);
    const problems = result.ok ? [] : result.problems;
    expect(
      problems.some(
        (p) => p.file === FILE && /template `medias` is not an intent.*did you mean `media`/.test(p.message),
      ),
    ).toBe(true);
  });
});
