import { readdirSync } from "node:fs";
import { resolve } from "node:path";
import { describe, expect, it } from "vitest";
import { BROWSER_MODULES } from "../../src/server/pages/browser-modules.js";

describe("the browser modules the pages serve", () => {
  it("are exactly the files of src/server/pages/browser, compiled to .js", () => {
    const dir = resolve(import.meta.dirname, "../../src/server/pages/browser");
    const sources = readdirSync(dir)
      .filter((f) => f.endsWith(".ts"))
      .map((f) => f.replace(/\.ts$/, ".js"));
    expect([...BROWSER_MODULES].sort()).toEqual(sources.sort());
  });
});
