/**
 * Admin API for customers (bearer token): look one up with profile, stage,
 * assignments and transcript; end a handoff; forget a customer.
 * @module
 */
import type { FastifyInstance } from "fastify";
import {
  customerIdByIdentity,
  describeCustomer,
  eraseCustomer,
  giveBackToBot,
  normaliseCustomerIdentity,
} from "../../engine/index.js";
import { CloserError } from "../../errors.js";
import type { AppContext } from "../app-context.js";
import { requireAdmin } from "../auth.js";

/** Registers `/api/customers/…`. */
export function registerCustomerRoutes(app: FastifyInstance, ctx: AppContext): void {
  const findId = async (raw: string) => {
    const identity = normaliseCustomerIdentity(raw);
    if (identity === null)
      throw new CloserError(
        "bad_request",
        `"${raw}" is not a phone number like +15551234567, a …@lid id, a business-scoped user id like US.1349… or a @username`,
      );
    const id = await customerIdByIdentity(ctx.db, ctx.cipher, identity);
    if (id === null) {
      throw new CloserError("customer_unknown", "No customer has written from that number, user id or username.");
    }
    return id;
  };

  app.get<{ Params: { phone: string } }>("/api/customers/:phone", async function getCustomer(request) {
    requireAdmin(request, ctx.adminToken);
    const view = await describeCustomer(ctx.db, ctx.cipher, await findId(request.params.phone));
    if (view === null) throw new CloserError("customer_unknown", "No customer has written from that number.");
    return view;
  });

  app.post<{ Params: { phone: string } }>("/api/customers/:phone/resume", async function resume(request) {
    requireAdmin(request, ctx.adminToken);
    const id = await findId(request.params.phone);
    const now = ctx.clock.now();
    await ctx.db.transaction().execute((trx) => giveBackToBot(trx, id, { actor: "api", now }));
    ctx.engine.kickSender();
    return { resumed: true };
  });

  app.delete<{ Params: { phone: string } }>("/api/customers/:phone", async function forget(request) {
    requireAdmin(request, ctx.adminToken);
    const id = await findId(request.params.phone);
    const now = ctx.clock.now();
    await eraseCustomer(ctx.db, id, { actor: "api", now });
    return { forgotten: true };
  });
}
