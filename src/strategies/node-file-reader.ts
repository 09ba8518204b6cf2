/**
 * The node:fs adapter of the PlaybookReader port.
 * @module
 */
import { readdir, readFile } from "node:fs/promises";
import { join, relative, sep } from "node:path";
import type { PlaybookReader } from "./playbook-reader.js";

/** Reads playbooks from the local file system. `listFiles` rejects when the folder does not exist. */
export const nodeFileReader: PlaybookReader = {
  listFiles: async function listFiles(dir: string): Promise<string[]> {
    const entries = await readdir(dir, { recursive: true, withFileTypes: true });
    return entries
      .filter((entry) => entry.isFile())
      .map((entry) => relative(dir, join(entry.parentPath, entry.name)).split(sep).join("/"))
      .sort();
  },
  readFile: async function readTextFile(path: string): Promise<string> {
    return readFile(path, "utf8");
  },
};
