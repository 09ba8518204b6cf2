import { describe, expect, it } from "vitest";
import { ANY_LANGUAGE, variantKey } from "../../src/strategies/index.js";
import { edit, errorsOf, loadFiles, shippedFiles } from "./playbook-fixtures.js";

const FILE = "variants/closing/reassurance-first.yaml";

describe("variant follow-ups", () => {
  it("should load the shipped follow-ups, per language, with the Cloud template", async () => {
    const result = await loadFiles(await shippedFiles());
    if (!result.ok) throw new Error(JSON.stringify(result.problems));
    const closing = result.set.variants.find((v) => variantKey(v) === "reassurance-first@2");
    expect(closing?.followUps?.map((f) => f.afterHours)).toEqual([4, 22]);
    expect(Object.keys(closing?.followUps?.[0]?.templates ?? {})).toEqual(["en", "es"]);
    expect(closing?.followUps?.[1]?.cloudTemplate).toMatchObject({ name: "order_reminder", language: "en_US" });
    expect(closing?.compiled["follow_ups.1.es"]).toBeTypeOf("function");
    const withNone = result.set.variants.filter((v) => v.followUps === undefined);
    expect(withNone.length).toBe(result.set.variants.length - 2);
  });

  it("should take a plain template for any language", async () => {
    const files = edit(
      await shippedFiles(),
      FILE,
      "  - after_hours: 4\n    template:\n      en: |",
      "  - after_hours: 4\n    template: |\n      Still there? Reply with your name and address.\n  - after_hours: 5\n    template:\n      en: |",
    );
    const result = await loadFiles(files);
    if (!result.ok) throw new Error(JSON.stringify(result.problems));
    const closing = result.set.variants.find((v) => v.id === "reassurance-first");
    expect(closing?.followUps?.[0]?.templates).toEqual({
      [ANY_LANGUAGE]: "Still there? Reply with your name and address.\n",
    });
  });

  it("should refuse an unbacked discount in a follow-up, like in a reply", async () => {
    const files = edit(await shippedFiles(), FILE, "No rush.", "Get 40% off if you order today.");
    const errors = errorsOf(await loadFiles(files));
    expect(errors.map((e) => `${e.file}: ${e.message}`).join("\n")).toMatch(
      /reassurance-first\.yaml: follow-up 2 \(en\): .*40%/,
    );
  });

  it("should refuse an unknown variable, more than three follow-ups and due times that do not grow", async () => {
    const unknown = edit(
      await shippedFiles(),
      FILE,
      "Still thinking it over{{#if",
      "Still {{customer.shoeSize}} thinking{{#if",
    );
    expect(
      errorsOf(await loadFiles(unknown))
        .map((e) => e.message)
        .join("\n"),
    ).toMatch(/follow-up 1 \(en\).*shoeSize/);
    const tooEarly = edit(await shippedFiles(), FILE, "after_hours: 22", "after_hours: 3");
    expect(errorsOf(await loadFiles(tooEarly)).map((e) => e.message)).toContain(
      "follow-up 2: `after_hours` must be later than the follow-up before it (4)",
    );
    const extra = "  - after_hours: 30\n    template: Hello again.\n";
    const four = edit(
      await shippedFiles(),
      FILE,
      "llm_instructions: |",
      `${extra}${extra.replace("30", "40")}llm_instructions: |`,
    );
    expect(errorsOf(await loadFiles(four)).map((e) => `${e.file}: ${e.message}`)).toContain(
      "variants/closing/reassurance-first.yaml: follow_ups: Too big: expected array to have <=3 items",
    );
  });
});
