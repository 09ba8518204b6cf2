/**
 * What the fake gateways share: an HTTP server on 127.0.0.1 that can go down and
 * come back on the same port, background work (webhooks they post) to wait for,
 * and reading and answering JSON bodies.
 */
import { createServer, type IncomingMessage, type Server, type ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";

/** A loopback HTTP server that can be stopped and restarted on the same port. */
export class LoopbackServer {
  readonly #server: Server;
  #port = 0;

  /** `handle` answers each request; a handler that throws destroys the socket, as a crash would. */
  constructor(handle: (req: IncomingMessage, res: ServerResponse) => Promise<unknown>) {
    this.#server = createServer((req, res) => {
      handle(req, res).catch(() => res.destroy());
    });
  }

  /** The port, once listening. */
  get port(): number {
    return this.#port;
  }

  /** Stops listening and drops open connections (the gateway is down). */
  async down(): Promise<void> {
    if (!this.#server.listening) return;
    const closed = new Promise<void>((resolve) => this.#server.close(() => resolve()));
    this.#server.closeAllConnections();
    await closed;
  }

  /** Listens again, on the same port once one was assigned (a free one the first time). */
  async up(): Promise<void> {
    if (this.#server.listening) return;
    await new Promise<void>((resolve, reject) => {
      this.#server.once("error", reject);
      this.#server.listen(this.#port, "127.0.0.1", () => {
        this.#server.off("error", reject);
        this.#port = (this.#server.address() as AddressInfo).port;
        resolve();
      });
    });
  }
}

/** Work a fake started on its own (webhooks it posts), to wait for before a test ends. */
export class BackgroundWork {
  readonly #pending = new Set<Promise<unknown>>();

  /** Tracks `work`; its failure is the receiver's business, not the fake's. */
  run(work: Promise<unknown>): void {
    const tracked = work.catch(() => undefined).finally(() => this.#pending.delete(tracked));
    this.#pending.add(tracked);
  }

  /** Waits until every tracked piece of work has finished. */
  async settle(): Promise<void> {
    while (this.#pending.size > 0) await Promise.allSettled([...this.#pending]);
  }
}

/** Answers with a JSON body and the given content type (each gateway spells it its own way). */
export function sendJson(res: ServerResponse, status: number, body: unknown, contentType: string): true {
  const payload = JSON.stringify(body);
  res.writeHead(status, { "content-type": contentType, "content-length": Buffer.byteLength(payload) });
  res.end(payload);
  return true;
}

/** Reads a request body as UTF-8 text. */
export async function readBody(req: IncomingMessage): Promise<string> {
  const chunks: Buffer[] = [];
  for await (const chunk of req) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks).toString("utf8");
}

/** Parses a JSON body; an empty body is `null`. */
export function parseJson(raw: string): { ok: true; value: unknown } | { ok: false } {
  if (raw === "") return { ok: true, value: null };
  try {
    return { ok: true, value: JSON.parse(raw) };
  } catch {
    return { ok: false };
  }
}
