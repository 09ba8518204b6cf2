/**
 * The dashboard's error handler: the same statuses as the JSON API's handler,
 * shown as a page that says what went wrong and leads back.
 * @module
 */
import type { FastifyError, FastifyReply, FastifyRequest } from "fastify";
import { ZodError } from "zod";
import { isCloserError } from "../../errors.js";
import { describeZodError } from "../error-handler.js";
import { pageTemplate } from "./dashboard-view.js";

const renderErrorPage = pageTemplate(`{{#> layout}}
<section class="card">
  <h1>{{heading}}</h1>
  <p class="error" role="alert" data-testid="error-message">{{message}}</p>
  <p><a href="{{back}}">Back</a></p>
</section>
{{/layout}}`);

/** Fastify error codes of a refused CSRF check. */
const CSRF_CODES = new Set(["FST_CSRF_MISSING_SECRET", "FST_CSRF_INVALID_TOKEN"]);

/** Answers an error on a dashboard route with an HTML page and the right status. */
export function dashboardErrorHandler(
  error: FastifyError | Error,
  request: FastifyRequest,
  reply: FastifyReply,
): FastifyReply {
  const { status, message } = describe(error, request);
  const back = backFor(request);
  return reply
    .status(status)
    .type("text/html; charset=utf-8")
    .send(
      renderErrorPage({
        title: "Not done",
        heading: status >= 500 ? "Something went wrong" : "Not done",
        message,
        back,
        csrf: "",
      }),
    );
}

function describe(error: FastifyError | Error, request: FastifyRequest): { status: number; message: string } {
  if (isCloserError(error)) return { status: error.status, message: error.message };
  if (error instanceof ZodError) return { status: 400, message: describeZodError(error) };
  const fastifyError = error as FastifyError;
  if (fastifyError.code !== undefined && CSRF_CODES.has(fastifyError.code)) {
    return {
      status: 403,
      message: "This form did not come from an open dashboard page (or it expired). Reload the page and try again.",
    };
  }
  const status = fastifyError.statusCode;
  if (status !== undefined && status >= 400 && status < 500) return { status, message: error.message };
  request.log.error({ err: error }, "unhandled dashboard error");
  return { status: 500, message: "Something went wrong on our side; the log has the details." };
}

/** The page a failed action came from (pages send no Referer: `Referrer-Policy: no-referrer`). */
function backFor(request: FastifyRequest): string {
  const path = request.url.split("?")[0] ?? "";
  if (request.method !== "POST") return "/dashboard";
  if (path.startsWith("/dashboard/experiments/")) return "/dashboard/experiments";
  if (path.startsWith("/dashboard/conversations/")) return path.replace(/\/[^/]+$/, "");
  return path === "/dashboard/login" ? "/dashboard/login" : "/dashboard";
}
