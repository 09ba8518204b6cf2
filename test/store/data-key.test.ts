import * as fs from "node:fs";
import { chmodSync, mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { CloserError } from "../../src/errors.js";
import { loadDataKey, parseDataKey } from "../../src/store/data-key.js";
import type { SecretFileSystem } from "../../src/store/secret-file.js";

const KEY = Buffer.from(Array.from({ length: 32 }, (_, i) => 255 - i));
const seededRandom = (fill: number) => (size: number) => Buffer.alloc(size, fill);

function thrown(fn: () => unknown): CloserError {
  try {
    fn();
  } catch (error) {
    if (error instanceof CloserError) return error;
    throw error;
  }
  throw new Error("expected a throw");
}

describe("loadDataKey", () => {
  let dir: string;
  beforeEach(() => {
    dir = mkdtempSync(join(tmpdir(), "closer-key-"));
  });
  afterEach(() => {
    rmSync(dir, { recursive: true, force: true });
  });

  it("should take CLOSER_DATA_KEY when it is set, and create no key file", () => {
    const loaded = loadDataKey({ envValue: KEY.toString("base64"), dataDir: dir });
    expect(loaded.source).toBe("env");
    expect(loaded.key.equals(KEY)).toBe(true);
    expect(fs.existsSync(join(dir, "closer.key"))).toBe(false);
  });

  it("should accept url-safe base64 without padding and surrounding whitespace", () => {
    const text = `  ${KEY.toString("base64url")}\n`;
    expect(loadDataKey({ envValue: text, dataDir: dir }).key.equals(KEY)).toBe(true);
  });

  it.each([
    { name: "16 bytes", value: Buffer.alloc(16, 1).toString("base64"), says: "decodes to 16 bytes" },
    { name: "33 bytes", value: Buffer.alloc(33, 1).toString("base64"), says: "decodes to 33 bytes" },
    { name: "hex instead of base64", value: "zz".repeat(32), says: "decodes to" },
    { name: "not base64", value: "this is my password!", says: "not base64" },
  ])("should refuse a CLOSER_DATA_KEY of $name with key_invalid naming the variable", ({ value, says }) => {
    const error = thrown(() => loadDataKey({ envValue: value, dataDir: dir }));
    expect(error.code).toBe("key_invalid");
    expect(error.message).toContain("CLOSER_DATA_KEY");
    expect(error.message).toContain("base64 of exactly 32 bytes");
    expect(error.message).toContain(says);
    expect(error.message).not.toContain(value);
  });

  it("should treat a blank CLOSER_DATA_KEY as unset", () => {
    expect(loadDataKey({ envValue: "  ", dataDir: dir }).source).toBe("created");
  });

  it.skipIf(process.platform === "win32")(
    "should create the key file once with mode 600 in a new 700 folder, then reuse it",
    () => {
      const dataDir = join(dir, "data");
      const first = loadDataKey({ dataDir, randomBytes: seededRandom(7) });
      expect(first.source).toBe("created");
      expect(first.key.equals(Buffer.alloc(32, 7))).toBe(true);
      expect(first.file).toBe(join(dataDir, "closer.key"));
      expect(statSync(first.file).mode & 0o777).toBe(0o600);
      expect(statSync(dataDir).mode & 0o777).toBe(0o700);
      expect(readFileSync(first.file, "utf8")).toBe(`${Buffer.alloc(32, 7).toString("base64")}\n`);
      expect(first.warnings.join(" ")).toMatch(/Back it up/);

      const second = loadDataKey({ dataDir, randomBytes: seededRandom(9) });
      expect(second.source).toBe("file");
      expect(second.key.equals(first.key)).toBe(true);
      expect(second.warnings).toEqual([]);
      expect(fs.readdirSync(dataDir)).toEqual(["closer.key"]);
    },
  );

  it.skipIf(process.platform === "win32")("should warn when the key file is readable by others", () => {
    const file = join(dir, "closer.key");
    writeFileSync(file, KEY.toString("base64"));
    chmodSync(file, 0o644);
    const loaded = loadDataKey({ dataDir: dir });
    expect(loaded.source).toBe("file");
    expect(loaded.key.equals(KEY)).toBe(true);
    expect(loaded.warnings).toEqual([expect.stringContaining(`mode 644`)]);
    expect(loaded.warnings[0]).toContain(`chmod 600 ${file}`);
  });

  it("should refuse a malformed key file, naming the file", () => {
    const file = join(dir, "closer.key");
    writeFileSync(file, Buffer.alloc(20, 3).toString("base64"), { mode: 0o600 });
    const error = thrown(() => loadDataKey({ dataDir: dir }));
    expect(error.code).toBe("key_invalid");
    expect(error.message).toContain(file);
    expect(error.message).toContain("decodes to 20 bytes");
  });

  it("should use the other process's key when it creates the file at the same moment", () => {
    const file = join(dir, "closer.key");
    const winner = Buffer.alloc(32, 0x42);
    // A file system on which another process creates the key file just before our link lands.
    const racing: SecretFileSystem = {
      ...fs,
      linkSync(existing, target) {
        writeFileSync(file, `${winner.toString("base64")}\n`, { mode: 0o600, flag: "wx" });
        fs.linkSync(existing, target);
      },
    };
    const loaded = loadDataKey({ dataDir: dir, fs: racing, randomBytes: seededRandom(1) });
    expect(loaded.source).toBe("file");
    expect(loaded.key.equals(winner)).toBe(true);
    expect(readFileSync(file, "utf8")).toBe(`${winner.toString("base64")}\n`);
    expect(fs.readdirSync(dir)).toEqual(["closer.key"]);
  });
});

describe("parseDataKey", () => {
  it("should name the origin it was given", () => {
    expect(thrown(() => parseDataKey("", "The key file /x/closer.key")).message).toMatch(
      /^The key file \/x\/closer.key/,
    );
  });
});
