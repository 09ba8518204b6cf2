/**
 * The dashboard's static files: its stylesheet and its browser module, which
 * `tsc -p tsconfig.browser.json` compiles from `browser/*.ts` next to this
 * file (so the module is read from beside the compiled server code).
 * @module
 */
import { readFile } from "node:fs/promises";
import type { FastifyInstance } from "fastify";
import { CloserError } from "../../errors.js";
import { DASHBOARD_CSS } from "./dashboard-styles.js";

/** Browser modules the dashboard serves, by file name. */
const BROWSER_MODULES = new Set(["dashboard.js"]);

/** Registers `GET /dashboard/assets/:file`. */
export function registerDashboardAssets(scope: FastifyInstance): void {
  scope.get<{ Params: { file: string } }>("/dashboard/assets/:file", async function asset(request, reply) {
    const { file } = request.params;
    reply.header("cache-control", "no-cache");
    if (file === "dashboard.css") return reply.type("text/css; charset=utf-8").send(DASHBOARD_CSS);
    if (!BROWSER_MODULES.has(file)) throw new CloserError("not_found", `No dashboard asset ${file}`);
    const source = await readFile(new URL(`./browser/${file}`, import.meta.url), "utf8").catch(() => null);
    if (source === null) throw new CloserError("not_found", `${file} is not built; run npm run build`);
    return reply.type("text/javascript; charset=utf-8").send(source);
  });
}
