import { join } from "node:path";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { openSqliteDatabase } from "../../src/store/sqlite-database.js";
import { type TempInstall, tempInstall } from "./cli-fixtures.js";

interface ArmRow {
  variant: string;
  status: string;
  weight: number;
}

describe("closer promote", () => {
  let install: TempInstall;
  beforeEach(() => {
    install = tempInstall();
  });
  afterEach(() => {
    install.remove();
  });

  async function closingArms(): Promise<ArmRow[]> {
    const run = await install.run("experiments", "--json");
    const report = JSON.parse(run.out) as { stages: { stage: string; arms: ArmRow[] }[] };
    return report.stages.find((s) => s.stage === "closing")?.arms ?? [];
  }

  it("should refuse to retire the others while the stage is collecting, say how much evidence there is, and change nothing", async () => {
    const run = await install.run("promote", "closing", "simple-steps@2", "--reason", "best closer");
    expect(run.code).toBe(1);
    expect(run.out).toBe("");
    expect(run.err).toMatch(/^closer promote: Stage closing is still collecting evidence: /);
    expect(run.err).toContain("simple-steps@2 0 decisions, 0 successes, P(best) 0.");
    expect(run.err).toMatch(
      /A verdict needs \d+ decisions and \d+ successes per arm over \d+ days; it has run 0\.0 days\./,
    );
    expect(run.err).toContain("retires limited-offer@2, reassurance-first@2, reserve-now@2 on that evidence");
    expect(run.err).toContain("closer promote --force");
    expect((await closingArms()).filter((a) => a.status === "retired")).toEqual([]);
  });

  it("should make the arm champion with --force, retire the others and give the champion weight 1", async () => {
    const run = await install.run("promote", "closing", "simple-steps@2", "--reason", "best closer", "--force");
    expect(run.code).toBe(0);
    expect(run.err).toMatch(/^Warning: Stage closing is still collecting evidence: .* Promoted with force\.$/);
    expect(run.out).toContain("Promoted simple-steps@2 to champion of closing.");
    expect(run.out).toContain(
      "Customers already assigned to a retired arm keep it until they leave the stage; " +
        "only customers entering the stage from now on get the champion.",
    );
    expect(run.out).toContain("Weights of closing now: simple-steps@2 1.000.");
    const arms = await closingArms();
    expect(arms.map((a) => [a.variant, a.status, a.weight])).toEqual([
      ["limited-offer", "retired", 0],
      ["reassurance-first", "retired", 0],
      ["reserve-now", "retired", 0],
      ["simple-steps", "champion", 1],
    ]);
  });

  it("should keep the challengers with --keep-challengers", async () => {
    const run = await install.run("promote", "closing", "simple-steps@2", "--keep-challengers");
    expect(run.code).toBe(0);
    expect(run.out).toContain("No longer champion (still in rotation): reserve-now@2.");
    const arms = await closingArms();
    expect(arms.filter((a) => a.status === "retired")).toEqual([]);
    expect(arms.find((a) => a.variant === "reserve-now")?.status).toBe("active");
  });

  it("should write the audit log with the user, time and reason", async () => {
    await install.run("promote", "closing", "simple-steps@2", "--reason", "best closer", "--force");
    const db = openSqliteDatabase({ file: join(install.env["DATA_DIR"] as string, "closer.db") });
    try {
      const entry = await db
        .selectFrom("audit_log")
        .selectAll()
        .where("action", "=", "experiment_promote")
        .executeTakeFirst();
      expect(entry).toMatchObject({ actor: "cli:tester", subject: "closing/simple-steps@2" });
      expect(Math.abs((entry?.at ?? 0) - Date.now())).toBeLessThan(60_000);
      expect(JSON.parse(entry?.detail_json ?? "{}")).toMatchObject({ reason: "best closer" });
    } finally {
      await db.destroy();
    }
  });

  it("should refuse a retired arm with exit status 1, also after a restart", async () => {
    await install.run("promote", "closing", "simple-steps@2", "--force");
    const run = await install.run("promote", "closing", "reserve-now@2", "--force");
    expect(run.code).toBe(1);
    expect(run.err).toMatch(/reserve-now@2 is retired/);
    expect((await closingArms()).find((a) => a.variant === "reserve-now")?.status).toBe("retired");
  });

  it.each([
    [["checkout", "simple-steps@2"], /not a stage of the funnel/],
    [["closing", "nope@1"], /not an arm of stage closing/],
    [["closing", "simple-steps"], /write it as <variant>@<version>/],
    [["closing"], /give the stage and the arm/],
    [["closing", "simple-steps@2", "extra"], /unexpected argument 'extra'/],
  ])("should exit 1 for %j", async (args, message) => {
    const run = await install.run("promote", ...args);
    expect(run.code).toBe(1);
    expect(run.err).toMatch(message);
  });
});
