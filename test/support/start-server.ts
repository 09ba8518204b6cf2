/**
 * Starts the real service as a user does (`node dist/src/cli/main.js serve`) on
 * 127.0.0.1 with a temporary DATA_DIR, and stops or kills it; runs any other
 * `closer` command the same way, as a process of its own.
 */
import { type ChildProcess, spawn, spawnSync } from "node:child_process";
import { join, resolve } from "node:path";
import { tempDir } from "./temp-dir.js";

/** The repository root. */
export const REPO_ROOT = resolve(import.meta.dirname, "../..");
/** The built CLI. */
export const CLI_PATH = join(REPO_ROOT, "dist/src/cli/main.js");
/** The admin token the test servers use. */
export const TEST_ADMIN_TOKEN = "test-admin-token-0123456789abcdef";

/** A running server. */
export interface RunningServer {
  url: string;
  adminToken: string;
  dataDir: string;
  /** Everything the process printed so far (stdout and stderr). */
  output(): string;
  /** SIGTERM and wait for exit; resolves the exit code. */
  stop(): Promise<number | null>;
  /** SIGKILL (a crash) and wait for exit. */
  kill(): Promise<void>;
}

/** Options of {@link startServer}. */
export interface StartServerOptions {
  env?: Record<string, string>;
  /** Reuse a data folder (restart after a crash); default a new temporary one. */
  dataDir?: string;
  /** How long to wait for the listening line, ms. */
  timeoutMs?: number;
}

/** Starts the service and resolves once it listens. */
export async function startServer({
  env = {},
  dataDir,
  timeoutMs = 20_000,
}: StartServerOptions = {}): Promise<RunningServer> {
  const dir = dataDir ?? tempDir("closer-e2e-");
  const child = spawn(process.execPath, [CLI_PATH, "serve"], {
    cwd: dir,
    env: {
      PATH: process.env.PATH ?? "",
      HOME: process.env.HOME ?? dir,
      HOST: "127.0.0.1",
      PORT: "0",
      DATA_DIR: dir,
      PLAYBOOKS_DIR: join(REPO_ROOT, "playbooks"),
      CLOSER_ADMIN_TOKEN: TEST_ADMIN_TOKEN,
      // Tests drive many requests from 127.0.0.1 in seconds; the exposure tests set their own limits.
      RATE_LIMIT_PLAYGROUND: "0",
      RATE_LIMIT_WEBHOOKS: "0",
      RATE_LIMIT_ADMIN: "0",
      LOG_LEVEL: "warn",
      ...env,
    },
    stdio: ["ignore", "pipe", "pipe"],
  });
  let output = "";
  child.stdout?.on("data", (chunk: Buffer) => {
    output += chunk.toString();
  });
  child.stderr?.on("data", (chunk: Buffer) => {
    output += chunk.toString();
  });
  const url = await waitForUrl(child, () => output, timeoutMs);
  const exited = new Promise<number | null>((resolveExit) => {
    if (child.exitCode !== null) resolveExit(child.exitCode);
    child.once("exit", (code) => resolveExit(code));
  });
  return {
    url,
    adminToken: env.CLOSER_ADMIN_TOKEN ?? TEST_ADMIN_TOKEN,
    dataDir: dir,
    output: () => output,
    async stop() {
      child.kill("SIGTERM");
      return exited;
    },
    async kill() {
      child.kill("SIGKILL");
      await exited;
    },
  };
}

/** What a `closer` process printed and how it ended. */
export interface CliProcessRun {
  /** The exit status, or null when it had to be killed. */
  status: number | null;
  stdout: string;
  stderr: string;
  /** The non-empty lines of stdout and stderr together. */
  lines: string[];
}

/**
 * Runs the built `closer` (`node dist/src/cli/main.js …args`) as its own
 * process in `cwd`, with only `env` (plus PATH and HOME), and waits for it to
 * exit (killed after `timeoutMs`).
 */
export function runBuiltCli(
  args: readonly string[],
  {
    env = {},
    cwd = REPO_ROOT,
    timeoutMs = 30_000,
  }: { env?: Record<string, string>; cwd?: string; timeoutMs?: number } = {},
): CliProcessRun {
  const run = spawnSync(process.execPath, [CLI_PATH, ...args], {
    cwd,
    env: { PATH: process.env.PATH ?? "", HOME: process.env.HOME ?? cwd, ...env },
    encoding: "utf8",
    timeout: timeoutMs,
  });
  const lines = `${run.stdout}\n${run.stderr}`.split("\n").filter((line) => line.trim() !== "");
  return { status: run.status, stdout: run.stdout, stderr: run.stderr, lines };
}

function waitForUrl(child: ChildProcess, output: () => string, timeoutMs: number): Promise<string> {
  return new Promise((resolveUrl, reject) => {
    const timer = setTimeout(() => {
      clearInterval(poll);
      child.kill("SIGKILL");
      reject(new Error(`server did not start within ${timeoutMs} ms:\n${output()}`));
    }, timeoutMs);
    const poll = setInterval(() => {
      const match = /listening on (http:\/\/[^\s]+)/.exec(output());
      if (match?.[1]) {
        clearInterval(poll);
        clearTimeout(timer);
        resolveUrl(match[1]);
      }
    }, 20);
    child.once("exit", (code) => {
      clearInterval(poll);
      clearTimeout(timer);
      reject(new Error(`server exited with code ${code} before listening:\n${output()}`));
    });
  });
}
