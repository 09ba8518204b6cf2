import { chmodSync, mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { isCloserError } from "../../src/errors.js";
import { loadOrCreateAdminToken } from "../../src/store/admin-token.js";

describe("loadOrCreateAdminToken", () => {
  let dir: string;
  beforeEach(() => {
    dir = mkdtempSync(join(tmpdir(), "closer-token-"));
  });
  afterEach(() => {
    rmSync(dir, { recursive: true, force: true });
  });

  it.skipIf(process.platform === "win32")("should create a token once with mode 600 and accept it afterwards", () => {
    const first = loadOrCreateAdminToken(dir, { randomBytes: (size) => Buffer.alloc(size, 5) });
    expect(first.created).toBe(true);
    expect(first.token).toBe(Buffer.alloc(32, 5).toString("base64url"));
    expect(first.token).toHaveLength(43);
    expect(first.file).toBe(join(dir, "admin-token"));
    expect(statSync(first.file).mode & 0o777).toBe(0o600);

    const second = loadOrCreateAdminToken(dir, { randomBytes: (size) => Buffer.alloc(size, 6) });
    expect(second).toEqual({ token: first.token, created: false, file: first.file, warnings: [] });
  });

  it("should make a different token in each new data folder", () => {
    const other = mkdtempSync(join(tmpdir(), "closer-token-"));
    try {
      expect(loadOrCreateAdminToken(dir).token).not.toBe(loadOrCreateAdminToken(other).token);
    } finally {
      rmSync(other, { recursive: true, force: true });
    }
  });

  it("should read a token written by the operator, ignoring the trailing newline", () => {
    writeFileSync(join(dir, "admin-token"), "operator-chosen-token-0123456789abc\n", { mode: 0o600 });
    expect(loadOrCreateAdminToken(dir)).toMatchObject({ token: "operator-chosen-token-0123456789abc", created: false });
    expect(readFileSync(join(dir, "admin-token"), "utf8")).toBe("operator-chosen-token-0123456789abc\n");
  });

  it.each([
    { name: "empty", text: "" },
    { name: "too short", text: "short" },
    { name: "shorter than 32 characters", text: "operator-token-of-31-characters" },
    { name: "two words", text: "two words in one admin token file" },
  ])("should refuse a token file that is $name", ({ text }) => {
    writeFileSync(join(dir, "admin-token"), text, { mode: 0o600 });
    let error: unknown;
    try {
      loadOrCreateAdminToken(dir);
    } catch (e) {
      error = e;
    }
    expect(isCloserError(error, "config_invalid")).toBe(true);
    expect((error as Error).message).toContain(join(dir, "admin-token"));
  });

  it.skipIf(process.platform === "win32")("should warn when the token file is readable by others", () => {
    const file = join(dir, "admin-token");
    writeFileSync(file, "operator-chosen-token-0123456789abc");
    chmodSync(file, 0o640);
    expect(loadOrCreateAdminToken(dir).warnings).toEqual([expect.stringContaining("mode 640")]);
  });
});
