/**
 * The pages' browser modules: `tsc -p tsconfig.browser.json` compiles
 * `browser/*.ts` to `.js` next to the compiled server code, and the routes
 * serve them from there as same-origin scripts (no inline code, no CDN).
 * @module
 */
import { readFile } from "node:fs/promises";
import type { FastifyReply } from "fastify";
import { CloserError } from "../../errors.js";

/** Every browser module a page may load, by file name. */
export const BROWSER_MODULES: ReadonlySet<string> = new Set([
  "dashboard.js",
  "dom.js",
  "playground.js",
  "playground-model.js",
  "playground-profile.js",
]);

/**
 * Sends a compiled browser module.
 * @throws CloserError `not_found` for an unknown name, or when the build has not made it.
 */
export async function sendBrowserModule(reply: FastifyReply, file: string): Promise<FastifyReply> {
  if (!BROWSER_MODULES.has(file)) throw new CloserError("not_found", `No browser module ${file}`);
  const source = await readFile(new URL(`./browser/${file}`, import.meta.url), "utf8").catch(() => null);
  if (source === null) throw new CloserError("not_found", `${file} is not built; run npm run build`);
  return reply.header("cache-control", "no-cache").type("text/javascript; charset=utf-8").send(source);
}
