import { cpSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import { Writable } from "node:stream";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { loadConfig } from "../../src/config.js";
import {
  createPlaybookReloader,
  PlaybookHolder,
  type PlaybookReloader,
  watchPlaybookFolder,
} from "../../src/engine/index.js";
import { allArms, loadedVersionsOf, syncArms } from "../../src/experiments/index.js";
import { createLogger } from "../../src/log.js";
import { loadServablePlaybooks } from "../../src/main.js";
import { createTestDatabase, type TestDatabase } from "../support/test-database.js";

const SHIPPED = resolve(import.meta.dirname, "../../playbooks");

describe("reloading the playbooks while the service runs", () => {
  let t: TestDatabase;
  let dir: string;
  let holder: PlaybookHolder;
  let reloader: PlaybookReloader;
  let logs: string[];

  beforeEach(async () => {
    t = await createTestDatabase();
    dir = mkdtempSync(join(tmpdir(), "closer-reload-"));
    cpSync(SHIPPED, dir, { recursive: true });
    const config = loadConfig({ PLAYBOOKS_DIR: dir, DATA_DIR: t.dir });
    const set = await loadServablePlaybooks(config, t.db);
    await syncArms(t.db, loadedVersionsOf(set.variants), 1);
    holder = new PlaybookHolder(set);
    logs = [];
    const destination = new Writable({
      write(chunk, _encoding, done) {
        logs.push(String(chunk));
        done();
      },
    });
    reloader = createPlaybookReloader({
      holder,
      load: () => loadServablePlaybooks(config, t.db),
      sync: async (next) => (await syncArms(t.db, loadedVersionsOf(next.variants), 2)).added,
      logger: createLogger({ level: "info", destination }),
    });
  });
  afterEach(async () => {
    await t.close();
    rmSync(dir, { recursive: true, force: true });
  });

  function addVariant(id: string, extra = ""): void {
    const text = readFileSync(join(dir, "variants/intent/straight-price.yaml"), "utf8")
      .replace(/^id: straight-price$/m, `id: ${id}`)
      .replace(/^status: .*\n/m, "")
      .replace(/^version: \d+$/m, "version: 1\nstatus: candidate");
    writeFileSync(join(dir, `variants/intent/${id}.yaml`), text + extra);
  }

  it("switches everyone to the new set and records its new arms", async () => {
    addVariant("numbers-again");
    expect(holder.loadedKeys.has("numbers-again@1")).toBe(false);
    const result = await reloader.reload("api");
    expect(result).toEqual({ ok: true, variants: 14, added: ["numbers-again@1"] });
    expect(holder.loadedKeys.has("numbers-again@1")).toBe(true);
    expect(holder.set.variants).toHaveLength(14);
    const arm = (await allArms(t.db, "intent")).find((a) => a.key === "numbers-again@1");
    expect(arm?.status).toBe("candidate");
  });

  it("refuses a folder that fails lint, logs its problems with file and line, and keeps serving the old set", async () => {
    addVariant("broken", "");
    writeFileSync(
      join(dir, "variants/intent/broken.yaml"),
      readFileSync(join(dir, "variants/intent/broken.yaml"), "utf8").replace("{{product.name}}", "{{product.colour}}"),
    );
    const before = holder.set;
    const result = await reloader.reload("sighup");
    expect(result.ok).toBe(false);
    expect(result.ok ? "" : result.problems).toMatch(/variants\/intent\/broken\.yaml:\d+:\d+ .*product\.colour/);
    expect(holder.set).toBe(before);
    expect(holder.loadedKeys.has("broken@1")).toBe(false);
    const reply = holder.compose(
      "fit-finder@2",
      "greeting",
      {
        name: null,
        stage: "intent",
        profile: { interests: [], concerns: [] } as never,
        productIds: [],
      },
      1,
    );
    expect(reply.text.length).toBeGreaterThan(0);
    expect(logs.join("")).toMatch(/playbooks reload refused; the previous set keeps serving/);
  });

  it("reloads after a change in the folder has settled", async () => {
    const calls: string[] = [];
    const stop = watchPlaybookFolder(dir, () => calls.push("changed"), createLogger({ level: "silent" }), 50);
    try {
      addVariant("watched");
      await expect.poll(() => calls.length, { timeout: 10_000 }).toBeGreaterThanOrEqual(1);
    } finally {
      stop();
    }
  });
});
