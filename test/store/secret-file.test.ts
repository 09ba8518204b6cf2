import * as fs from "node:fs";
import { mkdtempSync, readdirSync, rmSync, statSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { isLooserThanOwnerOnly, readOrCreateSecretFile, type SecretFileSystem } from "../../src/store/secret-file.js";

describe("readOrCreateSecretFile", () => {
  let dir: string;
  beforeEach(() => {
    dir = mkdtempSync(join(tmpdir(), "closer-secret-"));
  });
  afterEach(() => {
    rmSync(dir, { recursive: true, force: true });
  });

  it("should call make only when the file is missing", () => {
    const path = join(dir, "secret");
    let calls = 0;
    const make = () => `value-${++calls}`;
    expect(readOrCreateSecretFile(path, make)).toMatchObject({ text: "value-1", created: true, mode: 0o600 });
    expect(readOrCreateSecretFile(path, make)).toMatchObject({ text: "value-1", created: false });
    expect(calls).toBe(1);
    expect(readdirSync(dir)).toEqual(["secret"]);
  });

  it("should fall back to an exclusive create where hard links are not supported", () => {
    const path = join(dir, "secret");
    const noLinks: SecretFileSystem = {
      ...fs,
      linkSync() {
        throw Object.assign(new Error("operation not permitted"), { code: "EPERM" });
      },
    };
    expect(readOrCreateSecretFile(path, () => "value", noLinks)).toMatchObject({ text: "value", created: true });
    expect(statSync(path).mode & 0o777).toBe(0o600);
    expect(readdirSync(dir)).toEqual(["secret"]);
  });

  it("should pass on an error other than a missing file", () => {
    const broken: SecretFileSystem = {
      ...fs,
      statSync: (() => {
        throw Object.assign(new Error("permission denied"), { code: "EACCES" });
      }) as SecretFileSystem["statSync"],
    };
    expect(() => readOrCreateSecretFile(join(dir, "secret"), () => "value", broken)).toThrow("permission denied");
  });
});

describe("isLooserThanOwnerOnly", () => {
  it.skipIf(process.platform === "win32").each([
    { mode: 0o600, loose: false },
    { mode: 0o400, loose: false },
    { mode: 0o640, loose: true },
    { mode: 0o604, loose: true },
    { mode: 0o644, loose: true },
  ])("should call mode $mode loose: $loose", ({ mode, loose }) => {
    expect(isLooserThanOwnerOnly(mode)).toBe(loose);
  });
});
