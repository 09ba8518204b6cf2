/**
 * The part of Closer's HTTP API the engine simulation drives, called in-process
 * through fastify's `inject`: the playground, outcomes, the jobs and the report.
 * @module
 */
import type { Closer } from "../main.js";

/** What one customer's message came back as: who they are and the arm assigned in the stage. */
export interface Entered {
  readonly customerId: string;
  readonly variant: string;
}

/** The engine's HTTP API, called in-process through fastify's `inject`; every call throws on a status other than 200. */
export interface ApiClient {
  post(url: string, body: object): Promise<unknown>;
  get(url: string): Promise<unknown>;
  /** Sends a customer message in the playground; returns the arm the engine assigned in `stage`. */
  message(from: string, text: string, stage: string): Promise<Entered>;
}

/** A client of `closer`'s API with the admin `token`. */
export function apiClient(closer: Closer, token: string): ApiClient {
  const headers = { authorization: `Bearer ${token}` };
  const call = async (method: "GET" | "POST", url: string, body?: object): Promise<unknown> => {
    const response = await closer.app.inject({ method, url, headers, ...(body ? { payload: body } : {}) });
    if (response.statusCode !== 200) {
      throw new Error(`${method} ${url} answered ${response.statusCode}: ${response.body.slice(0, 300)}`);
    }
    return response.json();
  };
  return {
    post: (url, body) => call("POST", url, body),
    get: (url) => call("GET", url),
    async message(from, text, stage) {
      const answer = (await call("POST", "/api/playground/messages", { from, text })) as {
        replies: { stage: string; variant: string | null }[];
        customer: { id: string; stage: string } | null;
      };
      const customerId = answer.customer?.id;
      if (customerId === undefined || answer.customer?.stage !== stage) {
        throw new Error(`'${text}' put the customer in ${answer.customer?.stage ?? "no stage"}, not ${stage}`);
      }
      const replied = answer.replies.find((reply) => reply.stage === stage && reply.variant !== null)?.variant;
      const variant = replied ?? (await assignedVariant(closer, customerId, stage));
      return { customerId, variant };
    },
  };
}

/** The variant of the customer's assignment in `stage`, from the store (when the reply is not out yet). */
async function assignedVariant(closer: Closer, customerId: string, stage: string): Promise<string> {
  const row = await closer.db
    .selectFrom("assignments")
    .select("variant_id")
    .where("customer_id", "=", customerId)
    .where("stage", "=", stage)
    .orderBy("id", "desc")
    .executeTakeFirst();
  if (row === undefined) throw new Error(`the engine made no assignment in ${stage}`);
  return row.variant_id;
}
