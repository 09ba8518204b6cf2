import { spawnSync } from "node:child_process";
import { readdirSync } from "node:fs";
import { join, relative } from "node:path";
import { describe, expect, it } from "vitest";
import { ChromiumMissingError, launchBrowser } from "./browser.js";
import { REPO_ROOT } from "./start-server.js";

const MISSING_CHROMIUM = "/nonexistent/closer-test/chromium";

/** Every browser test file of the repository, as a path relative to its root. */
function browserTestFiles(): string[] {
  return readdirSync(join(REPO_ROOT, "test"), { recursive: true, encoding: "utf8" })
    .filter((file) => file.endsWith(".browser.test.ts"))
    .map((file) => relative(REPO_ROOT, join(REPO_ROOT, "test", file)))
    .sort();
}

describe("the browser tests without Chromium", () => {
  it("should refuse to launch with the apt-get advice in one line", async () => {
    const saved = process.env["CHROMIUM_PATH"];
    process.env["CHROMIUM_PATH"] = MISSING_CHROMIUM;
    try {
      const failure = await launchBrowser().then(
        () => undefined,
        (error: unknown) => error,
      );
      expect(failure).toBeInstanceOf(ChromiumMissingError);
      const message = (failure as Error).message;
      expect(message).toContain(MISSING_CHROMIUM);
      expect(message).toContain("apt-get install chromium");
      expect(message).not.toContain("\n");
      expect((failure as Error).stack).toBe(`ChromiumMissingError: ${message}`);
    } finally {
      if (saved === undefined) delete process.env["CHROMIUM_PATH"];
      else process.env["CHROMIUM_PATH"] = saved;
    }
  });

  // Every browser test file runs its own set-up first (servers, simulations): give them time.
  it("should fail every browser test file, with the install advice in one line and no stack trace", {
    timeout: 200_000,
  }, () => {
    const files = browserTestFiles();
    expect(files.length).toBeGreaterThan(0);
    const env: NodeJS.ProcessEnv = { ...process.env, CHROMIUM_PATH: MISSING_CHROMIUM, NO_COLOR: "1" };
    for (const key of Object.keys(env)) if (key.startsWith("VITEST")) delete env[key];
    delete env["FORCE_COLOR"];
    const run = spawnSync(
      process.execPath,
      // The default reporter only: the JSON report of the run around this one stays untouched.
      [join(REPO_ROOT, "node_modules/vitest/vitest.mjs"), "run", "--reporter=default", ...files],
      { cwd: REPO_ROOT, env, encoding: "utf8", timeout: 180_000 },
    );
    const output = `${run.stdout}${run.stderr}`;
    expect(run.status, output).toBe(1);
    // vitest prints identical errors once, under the names of all the files that failed with it.
    const adviceLines = output.split("\n").filter((line) => line.includes("apt-get install chromium"));
    expect(adviceLines, output).toEqual([
      `ChromiumMissingError: Chromium is not installed (no executable at ${MISSING_CHROMIUM}); the browser tests need it: ` +
        "sudo apt-get install chromium (or set CHROMIUM_PATH to a Chromium binary)",
    ]);
    for (const file of files)
      expect(output).toMatch(new RegExp(`FAIL +(?:\\|\\w+\\| +)?${file.replace(/[.]/g, "\\.")} > `));
    expect(output).toContain(`Test Files  ${files.length} failed (${files.length})`);
    expect(output).not.toMatch(/❯ launchBrowser|at launchBrowser|browserType\.launch/);
    expect(output).not.toContain("JSON report written");
  });
});
