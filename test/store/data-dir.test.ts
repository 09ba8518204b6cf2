import { mkdtempSync, readdirSync, rmSync, statSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterEach, describe, expect, it } from "vitest";
import { isCloserError } from "../../src/errors.js";
import { type DataDirFileSystem, prepareDataDir } from "../../src/store/index.js";

function failing(call: keyof DataDirFileSystem, code: string): DataDirFileSystem {
  const fail = () => {
    throw Object.assign(new Error(`${code}: raw message`), { code });
  };
  return {
    mkdirSync: call === "mkdirSync" ? fail : () => undefined,
    writeFileSync: call === "writeFileSync" ? fail : () => undefined,
    rmSync: () => undefined,
  };
}

describe("prepareDataDir", () => {
  const made: string[] = [];
  afterEach(() => {
    for (const dir of made.splice(0)) rmSync(dir, { recursive: true, force: true });
  });

  it("should create a missing folder owner-only and leave nothing in it", () => {
    const root = mkdtempSync(join(tmpdir(), "closer-datadir-"));
    made.push(root);
    const dir = join(root, "a", "data");
    prepareDataDir(dir);
    expect(statSync(dir).mode & 0o777).toBe(0o700);
    expect(readdirSync(dir)).toEqual([]);
  });

  it.each([
    ["a folder it may not create", "mkdirSync", "EACCES", "cannot be created (permission denied)"],
    ["a read-only file system", "mkdirSync", "EROFS", "cannot be created (read-only file system)"],
    ["a folder it may not write", "writeFileSync", "EACCES", "cannot be written (permission denied)"],
    ["a full disk", "writeFileSync", "ENOSPC", "cannot be written (no space left on the device)"],
  ] as const)("should explain %s in one line naming the folder", (_name, call, code, what) => {
    let caught: unknown;
    try {
      prepareDataDir("/srv/closer/data", failing(call, code));
    } catch (error) {
      caught = error;
    }
    expect(isCloserError(caught, "data_dir_unusable")).toBe(true);
    const message = (caught as Error).message;
    expect(message).toBe(
      `DATA_DIR /srv/closer/data ${what}: give this user write access to it, or set DATA_DIR to a folder it can write`,
    );
    expect((caught as Error).cause).toMatchObject({ code });
  });
});
