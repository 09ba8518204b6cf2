/**
 * The playbooks folder as the reflection and the candidate review use it: list,
 * read and write files by path relative to the folder. An in-memory adapter for
 * tests and the node:fs one (atomic writes: a temporary file, then rename, so a
 * reload never reads half a file).
 * @module
 */
import { mkdir, readdir, readFile, rename, writeFile } from "node:fs/promises";
import { dirname, join, relative, sep } from "node:path";

/** Reads and writes the playbooks folder. */
export interface PlaybookFolder {
  /** The folder, as configured. */
  readonly dir: string;
  /** Every file, relative to the folder, with `/` separators, sorted. */
  listFiles(): Promise<string[]>;
  /** @throws when the file does not exist. */
  readFile(file: string): Promise<string>;
  /** Creates or replaces a file (and its folders). */
  writeFile(file: string, text: string): Promise<void>;
}

/** The node:fs adapter. */
export function nodePlaybookFolder(dir: string): PlaybookFolder {
  return {
    dir,
    listFiles: async function listFiles(): Promise<string[]> {
      const entries = await readdir(dir, { recursive: true, withFileTypes: true });
      return entries
        .filter((entry) => entry.isFile())
        .map((entry) => relative(dir, join(entry.parentPath, entry.name)).split(sep).join("/"))
        .sort();
    },
    readFile: async function readTextFile(file: string): Promise<string> {
      return readFile(join(dir, file), "utf8");
    },
    writeFile: async function writeTextFile(file: string, text: string): Promise<void> {
      const path = join(dir, file);
      await mkdir(dirname(path), { recursive: true });
      const temporary = `${path}.${process.pid}.tmp`;
      await writeFile(temporary, text, "utf8");
      await rename(temporary, path);
    },
  };
}

/** An in-memory folder (tests). */
export function memoryPlaybookFolder(dir: string, files: Record<string, string>): PlaybookFolder {
  return {
    dir,
    listFiles: async () => Object.keys(files).sort(),
    readFile: async (file) => {
      const text = files[file];
      if (text === undefined) throw Object.assign(new Error(`ENOENT: no such file '${file}'`), { code: "ENOENT" });
      return text;
    },
    writeFile: async (file, text) => {
      files[file] = text;
    },
  };
}
