/**
 * What every dashboard route does to answer: a CSRF token for the page's
 * forms, and the page sent as uncached HTML.
 * @module
 */
import type { FastifyReply, FastifyRequest } from "fastify";
import { overHttps } from "./dashboard-session.js";

/** A CSRF token for a page's forms (its secret cookie is Secure when over HTTPS). */
export function csrfFor(request: FastifyRequest, reply: FastifyReply): string {
  return reply.generateCsrf({ secure: overHttps(request) });
}

/** Sends a rendered page; pages hold personal data, so no cache keeps them. */
export function sendPage(reply: FastifyReply, html: string, status = 200): FastifyReply {
  return reply.status(status).type("text/html; charset=utf-8").header("cache-control", "no-store").send(html);
}
