import { join } from "node:path";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { AlertService, ManualClock } from "../../src/engine/index.js";
import { silentLogger } from "../../src/log.js";
import { migrateToLatest, openDatabase } from "../../src/store/index.js";
import { type TempInstall, tempInstall } from "./cli-fixtures.js";

const MINUTE = 60_000;
const DAY = 24 * 60 * MINUTE;

describe("closer alerts", () => {
  let install: TempInstall;

  beforeEach(async () => {
    install = tempInstall();
    const db = openDatabase({ DATA_DIR: join(install.dir, "data") });
    await migrateToLatest(db);
    const now = Date.now();
    const clock = new ManualClock(now - 10 * DAY);
    const alerts = new AlertService({ db, clock, logger: silentLogger() });
    alerts.raise("number_paused", "An old pause, long ago");
    clock.set(now - 2 * DAY);
    alerts.raise("send_failures", "The gateway did not answer a send in time; +62 812 3456 7890");
    clock.set(now - 20 * MINUTE);
    alerts.watch(
      { snapshot: () => ({ sendsOk: 0, sendsFailed: 0, requests: 0, serverErrors: 0 }), takeLatencies: () => [] },
      () => ({ name: "gowa", connected: false, since: now - 30 * MINUTE }),
    );
    await alerts.evaluate();
    await alerts.stop();
    await db.destroy();
  });
  afterEach(() => install.remove());

  it("lists the alert that holds now, then the recent ones, with numbers masked", async () => {
    const run = await install.run("alerts");
    expect(run.code).toBe(0);
    expect(run.out).toMatch(/^Active \(1\):\n {2}gateway_offline {2}since \S+, sent 1×/);
    expect(run.out).toContain("The gowa gateway has been disconnected for 10 min (threshold 5 min)");
    expect(run.out).toContain("Recent (last 7d):\n  send_failures");
    expect(run.out).toContain("in time; …7890");
    expect(run.out).not.toContain("An old pause");
  });

  it("shows only the active ones with --active, as JSON with --json", async () => {
    const run = await install.run("alerts", "--active", "--json");
    expect(run.code).toBe(0);
    const alerts = JSON.parse(run.out) as { kind: string; status: string }[];
    expect(alerts.map((a) => [a.kind, a.status])).toEqual([["gateway_offline", "active"]]);
  });

  it("reaches back as far as --since says", async () => {
    const run = await install.run("alerts", "--since", "30d");
    expect(run.out).toContain("An old pause");
  });

  it("refuses a duration it cannot read, naming it", async () => {
    const run = await install.run("alerts", "--since", "a week");
    expect(run.code).toBe(1);
    expect(run.err).toContain("--since: 'a week' is not a duration like 30m, 24h or 7d");
  });
});
