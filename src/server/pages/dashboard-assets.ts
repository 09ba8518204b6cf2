/**
 * The dashboard's static files: its stylesheet and its browser module.
 * @module
 */
import type { FastifyInstance } from "fastify";
import { WEEKLY_REPORT_CSS } from "../../analytics/index.js";
import { sendBrowserModule } from "./browser-modules.js";
import { DASHBOARD_CSS } from "./dashboard-styles.js";

/** The dashboard's stylesheet with the embedded weekly report's. */
const STYLESHEET = `${DASHBOARD_CSS}\n${WEEKLY_REPORT_CSS}`;

/** Registers `GET /dashboard/assets/:file`. */
export function registerDashboardAssets(scope: FastifyInstance): void {
  scope.get<{ Params: { file: string } }>("/dashboard/assets/:file", async function asset(request, reply) {
    const { file } = request.params;
    if (file !== "dashboard.css") return sendBrowserModule(reply, file);
    return reply.header("cache-control", "no-cache").type("text/css; charset=utf-8").send(STYLESHEET);
  });
}
