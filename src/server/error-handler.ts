/**
 * The one error handler of the HTTP edge: our errors become
 * `{ error: { code, message } }` with the registry's status; fastify's own
 * client errors (bad JSON, too large, wrong content type) keep their 4xx with a
 * reason; anything else is logged and answered 500 without details.
 * @module
 */
import type { FastifyError, FastifyReply, FastifyRequest } from "fastify";
import { ZodError } from "zod";
import { isCloserError } from "../errors.js";

/** Sends an error body. */
export function errorHandler(error: FastifyError | Error, request: FastifyRequest, reply: FastifyReply): FastifyReply {
  if (isCloserError(error)) {
    return reply.status(error.status).send({ error: { code: error.code, message: error.message } });
  }
  if (error instanceof ZodError) {
    return reply.status(400).send({ error: { code: "bad_request", message: describeZodError(error) } });
  }
  const status = (error as FastifyError).statusCode;
  if (status !== undefined && status >= 400 && status < 500) {
    return reply.status(status).send({ error: { code: "bad_request", message: error.message } });
  }
  request.log.error({ err: error }, "unhandled error");
  return reply.status(500).send({ error: { code: "internal_error", message: "Something went wrong on our side." } });
}

/** One line per issue: `path: message`. */
export function describeZodError(error: ZodError): string {
  return error.issues.map((i) => `${i.path.length > 0 ? i.path.join(".") : "body"}: ${i.message}`).join("; ");
}
