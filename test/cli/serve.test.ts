import { chmodSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { REPO_ROOT, type RunningServer, runBuiltCli, startServer, TEST_ADMIN_TOKEN } from "../support/start-server.js";

const PLAYBOOKS_DIR = join(REPO_ROOT, "playbooks");

// The real command, as a user runs it: `closer serve` in a process of its own.
describe("closer serve, when it cannot start", () => {
  let scratch: string;
  beforeAll(() => {
    scratch = mkdtempSync(join(tmpdir(), "closer-serve-"));
  });
  afterAll(() => rmSync(scratch, { recursive: true, force: true }));

  function serve(env: Record<string, string>) {
    return runBuiltCli(["serve"], {
      cwd: scratch,
      env: { HOST: "127.0.0.1", PLAYBOOKS_DIR, CLOSER_ADMIN_TOKEN: TEST_ADMIN_TOKEN, ...env },
    });
  }

  describe("a second Closer on the same port", () => {
    let first: RunningServer;
    beforeAll(async () => {
      first = await startServer();
    });
    afterAll(async () => {
      if (first) expect(await first.stop()).toBe(0);
    });

    it("should print one line naming the port and exit 1, while the first keeps serving", async () => {
      const port = new URL(first.url).port;
      const second = serve({ PORT: port, DATA_DIR: first.dataDir });
      expect(second.lines).toEqual([`closer serve: port ${port} is in use: another Closer? set PORT`]);
      expect(second.status).toBe(1);
      const health = await fetch(`${first.url}/healthz`);
      expect(health.status).toBe(200);
      expect(first.output()).not.toMatch(/destroyed/);
    });
  });

  describe("a DATA_DIR it cannot use", () => {
    it("should name the folder and what to do when it cannot be created", () => {
      const blocker = join(scratch, "not-a-folder");
      writeFileSync(blocker, "");
      const dataDir = join(blocker, "data");
      const run = serve({ PORT: "0", DATA_DIR: dataDir });
      expect(run.lines).toEqual([
        `closer serve: DATA_DIR ${dataDir} cannot be created (a part of the path is a file, not a folder): ` +
          "give this user write access to it, or set DATA_DIR to a folder it can write",
      ]);
      expect(run.status).toBe(1);
    });

    // root writes anywhere, so only an ordinary user can see a folder it may not write.
    it.skipIf(process.getuid?.() === 0)("should name the folder when it exists but cannot be written", () => {
      const dataDir = join(scratch, "read-only");
      mkdirSync(dataDir, { mode: 0o500 });
      try {
        const run = serve({ PORT: "0", DATA_DIR: dataDir });
        expect(run.lines).toEqual([
          `closer serve: DATA_DIR ${dataDir} cannot be written (permission denied): ` +
            "give this user write access to it, or set DATA_DIR to a folder it can write",
        ]);
        expect(run.status).toBe(1);
      } finally {
        chmodSync(dataDir, 0o700);
      }
    });
  });
});
