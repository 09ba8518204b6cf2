/**
 * Real headless Chromium for page tests: the system's Chromium (Debian's
 * `/usr/bin/chromium`, or `CHROMIUM_PATH`) driven by playwright-core, and a
 * place to keep screenshots as test artifacts.
 * @module
 */
import { accessSync, constants, mkdirSync } from "node:fs";
import { join, resolve } from "node:path";
import { type Browser, chromium } from "playwright-core";

/** Where screenshots are kept, relative to the working directory (the repo root under vitest). */
export const TEST_ARTIFACTS_DIR = "test-artifacts";

/** The Chromium binary used unless `CHROMIUM_PATH` names another. */
const DEFAULT_CHROMIUM_PATH = "/usr/bin/chromium";

/**
 * Chromium flags for a quiet, self-contained run: no sandbox (containers), no
 * GPU, and none of the background traffic (updates, sync, QUIC probes) that
 * would reach outside loopback.
 */
const CHROMIUM_ARGS = [
  "--headless=new",
  "--no-sandbox",
  "--disable-gpu",
  "--disable-quic",
  "--no-first-run",
  "--disable-background-networking",
  "--disable-component-update",
  "--disable-sync",
];

/** The one line a browser test fails with when there is no Chromium to drive. */
export class ChromiumMissingError extends Error {
  override readonly name = "ChromiumMissingError";

  constructor(readonly executablePath: string) {
    super(
      `Chromium is not installed (no executable at ${executablePath}); the browser tests need it: ` +
        "sudo apt-get install chromium (or set CHROMIUM_PATH to a Chromium binary)",
    );
    // No stack: the advice is the whole story, and vitest prints a code frame for every stack it gets.
    this.stack = `${this.name}: ${this.message}`;
  }
}

/** The Chromium binary the browser tests drive: `CHROMIUM_PATH`, else Debian's `/usr/bin/chromium`. */
export function chromiumPath(): string {
  return process.env["CHROMIUM_PATH"] || DEFAULT_CHROMIUM_PATH;
}

/**
 * Launches headless Chromium. playwright-core gives every launch a fresh
 * temporary profile (user data dir) and deletes it on `close()`, so runs
 * never share cookies or storage. Call it in `beforeAll` and close the
 * browser in `afterAll`: when Chromium is missing, the file then fails once,
 * with the install advice, instead of once per test.
 * @throws ChromiumMissingError when there is no executable Chromium at {@link chromiumPath};
 * playwright's error when it is there but fails to start.
 */
export async function launchBrowser(): Promise<Browser> {
  const executablePath = chromiumPath();
  try {
    accessSync(executablePath, constants.X_OK);
  } catch {
    throw new ChromiumMissingError(executablePath);
  }
  return chromium.launch({ executablePath, headless: true, args: CHROMIUM_ARGS });
}

/** `test-artifacts/<name>.png` as an absolute path, creating the folder if needed. */
export function screenshotPath(name: string): string {
  const dir = resolve(TEST_ARTIFACTS_DIR);
  mkdirSync(dir, { recursive: true });
  return join(dir, `${name}.png`);
}
