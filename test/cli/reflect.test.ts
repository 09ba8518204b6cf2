import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { type TempInstall, tempInstall } from "./cli-fixtures.js";

describe("closer reflect, candidates and playbooks reload", () => {
  let install: TempInstall;
  beforeEach(() => {
    install = tempInstall();
  });
  afterEach(() => {
    install.remove();
  });

  it("says the reflection needs an LLM and exits 2 when none is configured", async () => {
    const run = await install.run("reflect", "--stage", "intent", "--json");
    expect(run.code).toBe(2);
    expect(run.err).toBe(
      "closer reflect: the reflection needs an LLM and none is configured: set LLM_BASE_URL and LLM_MODEL (and LLM_API_KEY).",
    );
    expect(run.out).toBe("");
  });

  it("rejects an unknown option with the usage", async () => {
    const run = await install.run("reflect", "--stages", "intent");
    expect(run.code).toBe(1);
    expect(run.err).toMatch(/usage: closer reflect \[--stage S\] \[--dry-run\] \[--json\]/);
  });

  it("lists no candidates on a fresh install, and refuses to approve an arm that is not a proposal", async () => {
    const list = await install.run("candidates");
    expect(list).toMatchObject({ code: 0, out: "No proposed or candidate arms." });
    const approve = await install.run("candidates", "approve", "intent", "fit-finder@2");
    expect(approve.code).toBe(1);
    expect(approve.err).toBe("closer candidates: fit-finder@2 is champion, not proposed.");
    const usage = await install.run("candidates", "approve", "intent");
    expect(usage.code).toBe(1);
    expect(usage.err).toMatch(/give the stage and the arm/);
  });

  it("says when no service is running to reload", async () => {
    const run = await install.run("playbooks reload");
    expect(run.code).toBe(1);
    expect(run.err).toMatch(
      /^No running service to reload \(no service\.json in .*\); it loads the folder when it starts\.$/,
    );
  });
});
