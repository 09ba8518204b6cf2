/**
 * The baseline: a bare fastify server on loopback with one trivial JSON POST
 * route at the webhook's path. It parses the body and answers a small JSON
 * object, nothing else; the pipeline is compared with it on the same machine.
 * @module
 */
import Fastify from "fastify";
import { announceReady, serveParent } from "../support/child-process.js";

const app = Fastify({ logger: false });
app.post("/webhooks/gowa", async function trivial(request) {
  const body = request.body as { payload?: { id?: unknown } } | null;
  return { accepted: body?.payload?.id === undefined ? 0 : 1 };
});
const url = await app.listen({ host: "127.0.0.1", port: 0 });

serveParent(
  {
    rss: () => ({ rss: process.memoryUsage().rss }),
  },
  () => app.close(),
);
announceReady({ url });
