import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { type TempInstall, tempInstall } from "./cli-fixtures.js";

describe("closer retire", () => {
  let install: TempInstall;
  beforeEach(() => {
    install = tempInstall();
  });
  afterEach(() => {
    install.remove();
  });

  it("should take the arm out of rotation and spread its traffic over the others", async () => {
    const run = await install.run("retire", "closing", "limited-offer@2", "--reason", "off-brand");
    expect(run.code).toBe(0);
    expect(run.out).toContain("Retired limited-offer@2 in closing.");
    expect(run.out).toMatch(
      /Weights of closing now: reassurance-first@2 0\.333, reserve-now@2 0\.333, simple-steps@2 0\.333\./,
    );
    const report = JSON.parse((await install.run("experiments", "--json")).out) as {
      stages: { stage: string; arms: { variant: string; status: string; weight: number }[] }[];
    };
    const limited = report.stages.find((s) => s.stage === "closing")?.arms.find((a) => a.variant === "limited-offer");
    expect(limited).toMatchObject({ status: "retired", weight: 0 });
  });

  it("should exit 1 when the arm is already retired", async () => {
    await install.run("retire", "closing", "limited-offer@2");
    const run = await install.run("retire", "closing", "limited-offer@2");
    expect(run.code).toBe(1);
    expect(run.err).toMatch(/already retired/);
  });

  it("should exit 1 rather than leave a stage without an arm", async () => {
    await install.run("promote", "closing", "simple-steps@2", "--force");
    const run = await install.run("retire", "closing", "simple-steps@2");
    expect(run.code).toBe(1);
    expect(run.err).toMatch(/last arm in rotation/);
  });
});
