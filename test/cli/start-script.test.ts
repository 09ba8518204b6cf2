import { type ChildProcess, spawn, spawnSync } from "node:child_process";
import { mkdtempSync, readdirSync, rmSync, statSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { REPO_ROOT, TEST_ADMIN_TOKEN } from "../support/start-server.js";

/** Modification time (ms) of every file under dist/src, by path. */
function distTimes(): Map<string, number> {
  const root = join(REPO_ROOT, "dist/src");
  const files = readdirSync(root, { recursive: true, encoding: "utf8" }).filter((file) => file.endsWith(".js"));
  return new Map(files.map((file) => [file, statSync(join(root, file)).mtimeMs]));
}

// `npm start` itself, as the README's quick start runs it.
describe("npm start with an up-to-date build", () => {
  let dataDir: string;
  let child: ChildProcess | undefined;
  beforeAll(() => {
    dataDir = mkdtempSync(join(tmpdir(), "closer-npm-start-"));
    // `npm test` builds first; this makes the build current when the test runs on its own too.
    const build = spawnSync("npm", ["run", "--silent", "build"], { cwd: REPO_ROOT, encoding: "utf8" });
    expect(build.status, build.stderr).toBe(0);
  }, 180_000);
  afterAll(() => {
    // npm runs the service in a process group of its own; end the whole group.
    if (child?.pid !== undefined && child.exitCode === null) process.kill(-child.pid, "SIGTERM");
    rmSync(dataDir, { recursive: true, force: true });
  });

  it("should start serving without compiling anything again", async () => {
    const before = distTimes();
    child = spawn("npm", ["start"], {
      cwd: REPO_ROOT,
      detached: true,
      env: {
        PATH: process.env.PATH ?? "",
        HOME: process.env.HOME ?? dataDir,
        HOST: "127.0.0.1",
        PORT: "0",
        DATA_DIR: dataDir,
        CLOSER_ADMIN_TOKEN: TEST_ADMIN_TOKEN,
        LOG_LEVEL: "warn",
      },
      stdio: ["ignore", "pipe", "pipe"],
    });
    const url = await listeningUrl(child);
    expect((await fetch(`${url}/healthz`)).status).toBe(200);
    expect(distTimes()).toEqual(before);
  });
});

function listeningUrl(child: ChildProcess): Promise<string> {
  return new Promise((resolveUrl, reject) => {
    let output = "";
    const onData = (chunk: Buffer) => {
      output += chunk.toString();
      const match = /listening on (http:\/\/\S+)/.exec(output);
      if (match?.[1]) resolveUrl(match[1]);
    };
    child.stdout?.on("data", onData);
    child.stderr?.on("data", onData);
    child.once("exit", (code) => reject(new Error(`npm start exited with ${code} before listening:\n${output}`)));
  });
}
