/**
 * Real headless Chromium for page tests: the system's Chromium (Debian's
 * `/usr/bin/chromium`, or `CHROMIUM_PATH`) driven by playwright-core, and a
 * place to keep screenshots as test artifacts.
 * @module
 */
import { mkdirSync } from "node:fs";
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

/**
 * Launches headless Chromium. playwright-core gives every launch a fresh
 * temporary profile (user data dir) and deletes it on `close()`, so runs
 * never share cookies or storage. Close the browser in `afterAll`.
 * @throws when the Chromium binary is missing or fails to start.
 */
export async function launchBrowser(): Promise<Browser> {
  return chromium.launch({
    executablePath: process.env["CHROMIUM_PATH"] ?? DEFAULT_CHROMIUM_PATH,
    headless: true,
    args: CHROMIUM_ARGS,
  });
}

/** `test-artifacts/<name>.png` as an absolute path, creating the folder if needed. */
export function screenshotPath(name: string): string {
  const dir = resolve(TEST_ARTIFACTS_DIR);
  mkdirSync(dir, { recursive: true });
  return join(dir, `${name}.png`);
}
