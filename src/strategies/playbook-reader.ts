/**
 * The PlaybookReader port: how the loader lists and reads playbook files, so it
 * needs no file system of its own. An in-memory adapter lives here; the node:fs
 * one is in `node-file-reader.ts`.
 * @module
 */

/** Lists and reads playbook files. */
export interface PlaybookReader {
  /** Every file under `dir`, recursively, as paths relative to `dir` with `/` separators. */
  listFiles(dir: string): Promise<string[]>;
  /** The text of a file (UTF-8). `path` is `dir` joined with a path from `listFiles`. */
  readFile(path: string): Promise<string>;
}

/** Joins a folder and a relative path with `/` (`.` or an empty folder adds nothing). */
export function joinPath(dir: string, relative: string): string {
  const base = dir.replace(/[\\/]+$/, "");
  return base === "" || base === "." ? relative : `${base}/${relative}`;
}

/**
 * A reader over files held in memory, keyed by path relative to `dir`
 * (tests, the reflection job's dry runs). Listing another folder or reading a missing file rejects like ENOENT.
 */
export function memoryPlaybookReader(dir: string, files: Readonly<Record<string, string>>): PlaybookReader {
  const byPath = new Map(Object.entries(files).map(([relative, text]) => [joinPath(dir, relative), text]));
  return {
    listFiles: async function listFiles(listed: string): Promise<string[]> {
      if (listed !== dir)
        throw Object.assign(new Error(`ENOENT: no such folder, scandir '${listed}'`), { code: "ENOENT" });
      return Object.keys(files).sort();
    },
    readFile: async function readFile(path: string): Promise<string> {
      const text = byPath.get(path);
      if (text === undefined)
        throw Object.assign(new Error(`ENOENT: no such file, open '${path}'`), { code: "ENOENT" });
      return text;
    },
  };
}
